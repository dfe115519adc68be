#include "flow/match_fields.h"

#include <array>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <vector>

#include "flow/rule.h"
#include "flow/text_values.h"

namespace vswitch::flow {

namespace {

enum class Syntax : uint8_t {
  kShorthand,  // "tcp": sets dl_type (and nw_proto); takes no value
  kInPort,     // number or port name
  kMac,        // aa:bb:cc:dd:ee:ff[/mask]
  kUint,       // integer of `width` bytes stored host-order; maskable if `maskable`
  kIpv4,       // a.b.c.d[/prefix|/mask], network byte order in the key
  kIpv6,       // IPv6[/prefix|/mask]
  kTcpFlags,   // +syn-ack... or value/mask
  kDlVlan,     // VID 0..4095 (tagged with that VID) or 0xffff (untagged)
  kVlanPcp,    // 0..7 (tagged with that PCP)
  kDscp,       // 0..63 in nw_tos high 6 bits
  kTos,        // TOS byte with ECN bits clear (nw_tos)
  kEcn,        // 0..3 in nw_tos low 2 bits
  kFrag,       // no|yes|first|later|not_later
};

}  // namespace

struct MatchFieldDef {
  const char* name;
  Syntax syntax;
  uint16_t offset;  // byte offset in FlowKey
  uint8_t width;    // bytes
  bool maskable;
  uint64_t max;     // largest value for kUint
  Prerequisite prereq;
  uint16_t eth_type = 0;  // kShorthand
  uint8_t proto = 0;      // kShorthand, 0 = none
};

namespace {

#define OFF(f) static_cast<uint16_t>(offsetof(FlowKey, f))
#define REG(i) static_cast<uint16_t>(offsetof(FlowKey, regs) + 4 * (i))

const MatchFieldDef kFields[] = {
    {"in_port", Syntax::kInPort, OFF(in_port), 4, false, 0xffffffffu, Prerequisite::kNone},
    {"dl_src", Syntax::kMac, OFF(eth_src), 6, true, 0, Prerequisite::kNone},
    {"eth_src", Syntax::kMac, OFF(eth_src), 6, true, 0, Prerequisite::kNone},
    {"dl_dst", Syntax::kMac, OFF(eth_dst), 6, true, 0, Prerequisite::kNone},
    {"eth_dst", Syntax::kMac, OFF(eth_dst), 6, true, 0, Prerequisite::kNone},
    {"dl_type", Syntax::kUint, OFF(eth_type), 2, false, 0xffff, Prerequisite::kNone},
    {"eth_type", Syntax::kUint, OFF(eth_type), 2, false, 0xffff, Prerequisite::kNone},
    {"dl_vlan", Syntax::kDlVlan, OFF(vlan_tci), 2, false, 0, Prerequisite::kNone},
    {"dl_vlan_pcp", Syntax::kVlanPcp, OFF(vlan_tci), 2, false, 0, Prerequisite::kNone},
    {"vlan_tci", Syntax::kUint, OFF(vlan_tci), 2, true, 0xffff, Prerequisite::kNone},
    {"nw_src", Syntax::kIpv4, OFF(nw_src), 4, true, 0, Prerequisite::kIpOrArp},
    {"ip_src", Syntax::kIpv4, OFF(nw_src), 4, true, 0, Prerequisite::kIpOrArp},
    {"nw_dst", Syntax::kIpv4, OFF(nw_dst), 4, true, 0, Prerequisite::kIpOrArp},
    {"ip_dst", Syntax::kIpv4, OFF(nw_dst), 4, true, 0, Prerequisite::kIpOrArp},
    {"ipv6_src", Syntax::kIpv6, OFF(ipv6_src), 16, true, 0, Prerequisite::kIpv6},
    {"ipv6_dst", Syntax::kIpv6, OFF(ipv6_dst), 16, true, 0, Prerequisite::kIpv6},
    {"nw_proto", Syntax::kUint, OFF(nw_proto), 1, false, 0xff, Prerequisite::kIpAnyOrArp},
    {"ip_proto", Syntax::kUint, OFF(nw_proto), 1, false, 0xff, Prerequisite::kIpAnyOrArp},
    {"ip_dscp", Syntax::kDscp, OFF(nw_tos), 1, false, 63, Prerequisite::kIpAny},
    {"nw_tos", Syntax::kTos, OFF(nw_tos), 1, false, 255, Prerequisite::kIpAny},
    {"nw_ecn", Syntax::kEcn, OFF(nw_tos), 1, false, 3, Prerequisite::kIpAny},
    {"ip_ecn", Syntax::kEcn, OFF(nw_tos), 1, false, 3, Prerequisite::kIpAny},
    {"nw_ttl", Syntax::kUint, OFF(nw_ttl), 1, false, 0xff, Prerequisite::kIpAny},
    {"nw_frag", Syntax::kFrag, OFF(nw_frag), 1, false, 0, Prerequisite::kIpAny},
    {"tp_src", Syntax::kUint, OFF(tp_src), 2, true, 0xffff, Prerequisite::kL4},
    {"tp_dst", Syntax::kUint, OFF(tp_dst), 2, true, 0xffff, Prerequisite::kL4},
    {"tcp_src", Syntax::kUint, OFF(tp_src), 2, true, 0xffff, Prerequisite::kTcp},
    {"tcp_dst", Syntax::kUint, OFF(tp_dst), 2, true, 0xffff, Prerequisite::kTcp},
    {"udp_src", Syntax::kUint, OFF(tp_src), 2, true, 0xffff, Prerequisite::kUdp},
    {"udp_dst", Syntax::kUint, OFF(tp_dst), 2, true, 0xffff, Prerequisite::kUdp},
    {"sctp_src", Syntax::kUint, OFF(tp_src), 2, true, 0xffff, Prerequisite::kSctp},
    {"sctp_dst", Syntax::kUint, OFF(tp_dst), 2, true, 0xffff, Prerequisite::kSctp},
    {"tcp_flags", Syntax::kTcpFlags, OFF(tcp_flags), 2, true, 0x0fff, Prerequisite::kTcp},
    {"icmp_type", Syntax::kUint, OFF(tp_src), 2, false, 0xff, Prerequisite::kIcmp},
    {"icmp_code", Syntax::kUint, OFF(tp_dst), 2, false, 0xff, Prerequisite::kIcmp},
    {"icmpv6_type", Syntax::kUint, OFF(tp_src), 2, false, 0xff, Prerequisite::kIcmpv6},
    {"icmpv6_code", Syntax::kUint, OFF(tp_dst), 2, false, 0xff, Prerequisite::kIcmpv6},
    {"arp_op", Syntax::kUint, OFF(nw_proto), 1, false, 0xff, Prerequisite::kArp},
    {"arp_spa", Syntax::kIpv4, OFF(nw_src), 4, true, 0, Prerequisite::kArp},
    {"arp_tpa", Syntax::kIpv4, OFF(nw_dst), 4, true, 0, Prerequisite::kArp},
    {"tun_id", Syntax::kUint, OFF(tun_id), 8, true, UINT64_MAX, Prerequisite::kNone},
    {"tunnel_id", Syntax::kUint, OFF(tun_id), 8, true, UINT64_MAX, Prerequisite::kNone},
    {"tun_src", Syntax::kIpv4, OFF(tun_src), 4, true, 0, Prerequisite::kNone},
    {"tun_dst", Syntax::kIpv4, OFF(tun_dst), 4, true, 0, Prerequisite::kNone},
    {"reg0", Syntax::kUint, REG(0), 4, true, 0xffffffffu, Prerequisite::kNone},
    {"reg1", Syntax::kUint, REG(1), 4, true, 0xffffffffu, Prerequisite::kNone},
    {"reg2", Syntax::kUint, REG(2), 4, true, 0xffffffffu, Prerequisite::kNone},
    {"reg3", Syntax::kUint, REG(3), 4, true, 0xffffffffu, Prerequisite::kNone},
    {"ip", Syntax::kShorthand, 0, 0, false, 0, Prerequisite::kNone, 0x0800, 0},
    {"ipv6", Syntax::kShorthand, 0, 0, false, 0, Prerequisite::kNone, 0x86dd, 0},
    {"arp", Syntax::kShorthand, 0, 0, false, 0, Prerequisite::kNone, 0x0806, 0},
    {"tcp", Syntax::kShorthand, 0, 0, false, 0, Prerequisite::kNone, 0x0800, 6},
    {"udp", Syntax::kShorthand, 0, 0, false, 0, Prerequisite::kNone, 0x0800, 17},
    {"sctp", Syntax::kShorthand, 0, 0, false, 0, Prerequisite::kNone, 0x0800, 132},
    {"icmp", Syntax::kShorthand, 0, 0, false, 0, Prerequisite::kNone, 0x0800, 1},
    {"tcp6", Syntax::kShorthand, 0, 0, false, 0, Prerequisite::kNone, 0x86dd, 6},
    {"udp6", Syntax::kShorthand, 0, 0, false, 0, Prerequisite::kNone, 0x86dd, 17},
    {"sctp6", Syntax::kShorthand, 0, 0, false, 0, Prerequisite::kNone, 0x86dd, 132},
    {"icmp6", Syntax::kShorthand, 0, 0, false, 0, Prerequisite::kNone, 0x86dd, 58},
};
static_assert(kNumRegisters == 4, "reg0..reg3 in the field table");

#undef OFF
#undef REG

constexpr uint16_t kEthIp = 0x0800, kEthIpv6 = 0x86dd, kEthArp = 0x0806;

bool EthIs(const FlowMatch& m, uint16_t t) { return m.mask.eth_type == 0xffff && m.key.eth_type == t; }
bool ProtoIs(const FlowMatch& m, uint8_t p) { return m.mask.nw_proto == 0xff && m.key.nw_proto == p; }
bool IsIpAny(const FlowMatch& m) { return EthIs(m, kEthIp) || EthIs(m, kEthIpv6); }

// Merges value/mask bytes into the match; false if a bit both constrain disagrees.
bool Merge(FlowMatch* m, size_t off, const void* value, const void* mask, size_t width) {
  auto* k = reinterpret_cast<uint8_t*>(&m->key) + off;
  auto* mk = reinterpret_cast<uint8_t*>(&m->mask) + off;
  auto* v = static_cast<const uint8_t*>(value);
  auto* vm = static_cast<const uint8_t*>(mask);
  for (size_t i = 0; i < width; ++i)
    if ((k[i] ^ v[i]) & mk[i] & vm[i]) return false;
  for (size_t i = 0; i < width; ++i) {
    k[i] = static_cast<uint8_t>(k[i] | (v[i] & vm[i]));
    mk[i] = static_cast<uint8_t>(mk[i] | vm[i]);
  }
  return true;
}

bool MergeUint(FlowMatch* m, size_t off, size_t width, uint64_t value, uint64_t mask) {
  value &= mask;
  switch (width) {
    case 1: {
      uint8_t v = static_cast<uint8_t>(value), k = static_cast<uint8_t>(mask);
      return Merge(m, off, &v, &k, 1);
    }
    case 2: {
      uint16_t v = static_cast<uint16_t>(value), k = static_cast<uint16_t>(mask);
      return Merge(m, off, &v, &k, 2);
    }
    case 4: {
      uint32_t v = static_cast<uint32_t>(value), k = static_cast<uint32_t>(mask);
      return Merge(m, off, &v, &k, 4);
    }
    default:
      return Merge(m, off, &value, &mask, 8);
  }
}

uint64_t WidthOnes(size_t width) { return width >= 8 ? UINT64_MAX : (uint64_t{1} << (8 * width)) - 1; }

struct TcpFlagName {
  const char* name;
  uint16_t bit;
};
const TcpFlagName kTcpFlagNames[] = {{"fin", 0x001}, {"syn", 0x002}, {"rst", 0x004}, {"psh", 0x008}, {"ack", 0x010},
                                     {"urg", 0x020}, {"ece", 0x040}, {"cwr", 0x080}, {"ns", 0x100}};

std::string ParseTcpFlags(std::string_view text, uint64_t* value, uint64_t* mask) {
  if (text.empty()) return "empty value";
  if (text[0] != '+' && text[0] != '-') {
    std::string_view v, m;
    bool has_mask;
    SplitValueMask(text, &v, &m, &has_mask);
    std::string err = ParseUint(v, 0x0fff, value);
    if (!err.empty()) return err;
    *mask = 0x0fff;
    if (has_mask && !(err = ParseUint(m, 0x0fff, mask)).empty()) return err;
    return {};
  }
  *value = 0;
  *mask = 0;
  size_t i = 0;
  while (i < text.size()) {
    char sign = text[i];
    if (sign != '+' && sign != '-') return "expected '+' or '-' before a flag name in '" + std::string(text) + "'";
    size_t end = text.find_first_of("+-", i + 1);
    std::string_view name = text.substr(i + 1, end == std::string_view::npos ? std::string_view::npos : end - i - 1);
    const TcpFlagName* found = nullptr;
    for (const auto& f : kTcpFlagNames)
      if (name == f.name) found = &f;
    if (!found) return "unknown TCP flag '" + std::string(name) + "' (known: fin syn rst psh ack urg ece cwr ns)";
    if (*mask & found->bit) return "TCP flag '" + std::string(name) + "' given twice";
    *mask |= found->bit;
    if (sign == '+') *value |= found->bit;
    i = end == std::string_view::npos ? text.size() : end;
  }
  return {};
}

}  // namespace

const MatchFieldDef* FindMatchField(std::string_view name) {
  // The names' lengths measured once: comparing against the C strings ran strlen over the
  // whole table for every field of every rule (a visible share of a million-rule install).
  static const auto kNames = [] {
    std::array<std::string_view, std::size(kFields)> names;
    for (size_t i = 0; i < names.size(); ++i) names[i] = kFields[i].name;
    return names;
  }();
  for (size_t i = 0; i < kNames.size(); ++i)
    if (name == kNames[i]) return &kFields[i];
  return nullptr;
}

const char* MatchFieldName(const MatchFieldDef& field) { return field.name; }

std::string ParseMatchField(const MatchFieldDef& f, std::string_view text, const PortResolver& resolver,
                            bool exact_only, FlowMatch* match) {
  static const char* const kConflict = "conflicts with an earlier field";
  if (f.syntax == Syntax::kShorthand) {
    if (!text.empty()) return std::string("'") + f.name + "' takes no value";
    if (!MergeUint(match, offsetof(FlowKey, eth_type), 2, f.eth_type, 0xffff)) return kConflict;
    if (f.proto && !MergeUint(match, offsetof(FlowKey, nw_proto), 1, f.proto, 0xff)) return kConflict;
    return {};
  }
  if (text.empty()) return "missing value";
  std::string_view value, mask_text;
  bool has_mask;
  SplitValueMask(text, &value, &mask_text, &has_mask);
  if (has_mask && (!f.maskable || exact_only)) {
    return exact_only ? "takes an exact value here, not a mask" : std::string(f.name) + " cannot be masked";
  }
  std::string err;
  switch (f.syntax) {
    case Syntax::kInPort: {
      uint64_t port;
      bool numeric = !value.empty() && value[0] >= '0' && value[0] <= '9';
      if (numeric) {
        if (!(err = ParseUint(value, f.max, &port)).empty()) return err;
      } else {
        std::optional<uint32_t> p = resolver ? resolver(value) : std::nullopt;
        if (!p) return "unknown port '" + std::string(value) + "'";
        port = *p;
      }
      return MergeUint(match, f.offset, 4, port, 0xffffffffu) ? "" : kConflict;
    }
    case Syntax::kMac: {
      uint8_t v[6], m[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
      if (!(err = ParseMac(value, v)).empty()) return err;
      if (has_mask && !(err = ParseMac(mask_text, m)).empty()) return err;
      for (int i = 0; i < 6; ++i) v[i] &= m[i];
      return Merge(match, f.offset, v, m, 6) ? "" : kConflict;
    }
    case Syntax::kUint: {
      uint64_t v, m = WidthOnes(f.width);
      if (!(err = ParseUint(value, f.max, &v)).empty()) return err;
      if (has_mask && !(err = ParseUint(mask_text, f.max, &m)).empty()) return err;
      return MergeUint(match, f.offset, f.width, v, m) ? "" : kConflict;
    }
    case Syntax::kIpv4: {
      uint32_t v, m = 0xffffffffu;
      if (!(err = ParseIpv4(value, &v)).empty()) return err;
      if (has_mask && !(err = ParseIpv4Mask(mask_text, &m)).empty()) return err;
      v &= m;
      return Merge(match, f.offset, &v, &m, 4) ? "" : kConflict;
    }
    case Syntax::kIpv6: {
      uint8_t v[16], m[16];
      std::memset(m, 0xff, 16);
      if (!(err = ParseIpv6(value, v)).empty()) return err;
      if (has_mask && !(err = ParseIpv6Mask(mask_text, m)).empty()) return err;
      for (int i = 0; i < 16; ++i) v[i] &= m[i];
      return Merge(match, f.offset, v, m, 16) ? "" : kConflict;
    }
    case Syntax::kTcpFlags: {
      uint64_t v, m;
      if (exact_only && (text[0] == '+' || text[0] == '-')) return "takes an exact value here, not flag names";
      if (!(err = ParseTcpFlags(text, &v, &m)).empty()) return err;
      return MergeUint(match, f.offset, 2, v, m) ? "" : kConflict;
    }
    case Syntax::kDlVlan: {
      uint64_t v;
      if (!(err = ParseUint(value, 0xffff, &v)).empty()) return err;
      if (v == 0xffff) return MergeUint(match, f.offset, 2, 0, 0xffff) ? "" : kConflict;  // untagged
      if (v > 4095) return "'" + std::string(value) + "' is not a VLAN id 0..4095 (or 0xffff for untagged)";
      return MergeUint(match, f.offset, 2, kVlanPresent | v, 0x1fff) ? "" : kConflict;
    }
    case Syntax::kVlanPcp: {
      uint64_t v;
      if (!(err = ParseUint(value, 7, &v)).empty()) return err;
      return MergeUint(match, f.offset, 2, kVlanPresent | (v << 13), 0xf000) ? "" : kConflict;
    }
    case Syntax::kDscp: {
      uint64_t v;
      if (!(err = ParseUint(value, 63, &v)).empty()) return err;
      return MergeUint(match, f.offset, 1, v << 2, 0xfc) ? "" : kConflict;
    }
    case Syntax::kTos: {
      uint64_t v;
      if (!(err = ParseUint(value, 255, &v)).empty()) return err;
      if (v & 0x03) return "'" + std::string(value) + "' has ECN bits set (nw_tos holds DSCP << 2; use nw_ecn for ECN)";
      return MergeUint(match, f.offset, 1, v, 0xfc) ? "" : kConflict;
    }
    case Syntax::kEcn: {
      uint64_t v;
      if (!(err = ParseUint(value, 3, &v)).empty()) return err;
      return MergeUint(match, f.offset, 1, v, 0x03) ? "" : kConflict;
    }
    case Syntax::kFrag: {
      // Key encoding: bit 0 = is a fragment, bit 1 = not the first fragment.
      uint64_t v, m;
      if (value == "no") v = 0, m = 1;
      else if (value == "yes") v = 1, m = 1;
      else if (value == "first") v = 1, m = 3;
      else if (value == "later") v = 3, m = 3;
      else if (value == "not_later") v = 0, m = 2;
      else return "'" + std::string(value) + "' is not one of no, yes, first, later, not_later";
      return MergeUint(match, f.offset, 1, v, m) ? "" : kConflict;
    }
    case Syntax::kShorthand:
      break;
  }
  return "unsupported field";
}

std::string CheckPrerequisite(const MatchFieldDef& f, const FlowMatch& m) {
  std::string n = f.name;
  switch (f.prereq) {
    case Prerequisite::kNone:
      return {};
    case Prerequisite::kIpOrArp:
      return EthIs(m, kEthIp) || EthIs(m, kEthArp) ? "" : n + " requires ip or arp (dl_type=0x0800 or 0x0806)";
    case Prerequisite::kIpv4:
      return EthIs(m, kEthIp) ? "" : n + " requires ip (dl_type=0x0800)";
    case Prerequisite::kIpv6:
      return EthIs(m, kEthIpv6) ? "" : n + " requires ipv6 (dl_type=0x86dd)";
    case Prerequisite::kIpAny:
      return IsIpAny(m) ? "" : n + " requires ip or ipv6";
    case Prerequisite::kIpAnyOrArp:
      return IsIpAny(m) || EthIs(m, kEthArp) ? "" : n + " requires ip, ipv6 or arp";
    case Prerequisite::kArp:
      return EthIs(m, kEthArp) ? "" : n + " requires arp (dl_type=0x0806)";
    case Prerequisite::kL4:
      return IsIpAny(m) && (ProtoIs(m, 6) || ProtoIs(m, 17) || ProtoIs(m, 132))
                 ? ""
                 : n + " requires tcp, udp or sctp (nw_proto=6, 17 or 132)";
    case Prerequisite::kTcp:
      return IsIpAny(m) && ProtoIs(m, 6) ? "" : n + " requires tcp or tcp6";
    case Prerequisite::kUdp:
      return IsIpAny(m) && ProtoIs(m, 17) ? "" : n + " requires udp or udp6";
    case Prerequisite::kSctp:
      return IsIpAny(m) && ProtoIs(m, 132) ? "" : n + " requires sctp or sctp6";
    case Prerequisite::kIcmp:
      return EthIs(m, kEthIp) && ProtoIs(m, 1) ? "" : n + " requires icmp";
    case Prerequisite::kIcmpv6:
      return EthIs(m, kEthIpv6) && ProtoIs(m, 58) ? "" : n + " requires icmp6";
  }
  return {};
}

Status ValidateMatchPrerequisites(const FlowMatch& m) {
  // The same rules as CheckPrerequisite, read off the mask, for matches built in code.
  std::string err;
  auto check = [&](bool used, const char* name) {
    if (used && err.empty()) err = CheckPrerequisite(*FindMatchField(name), m);
  };
  // Fast accept for the common case: the prerequisites of every field in use hold.
  bool ip_any = IsIpAny(m), l4 = ip_any && (ProtoIs(m, 6) || ProtoIs(m, 17) || ProtoIs(m, 132));
  bool ports_ok = !(m.mask.tp_src | m.mask.tp_dst) || l4 || (EthIs(m, kEthIp) && ProtoIs(m, 1)) ||
                  (EthIs(m, kEthIpv6) && ProtoIs(m, 58));
  bool addr_ok = !(m.mask.nw_src | m.mask.nw_dst) || EthIs(m, kEthIp) || EthIs(m, kEthArp);
  bool l3_ok = !(m.mask.nw_tos | m.mask.nw_ttl | m.mask.nw_frag) || ip_any;
  bool proto_ok = !m.mask.nw_proto || ip_any || EthIs(m, kEthArp);
  bool flags_ok = !m.mask.tcp_flags || (ip_any && ProtoIs(m, 6));
  uint64_t v6 = 0;
  for (int i = 0; i < 16; ++i) v6 |= m.mask.ipv6_src[i] | m.mask.ipv6_dst[i];
  if (ports_ok && addr_ok && l3_ok && proto_ok && flags_ok && (!v6 || EthIs(m, kEthIpv6))) return Status::Ok();
  uint8_t zero16[16] = {};
  check(m.mask.nw_src != 0, EthIs(m, kEthArp) ? "arp_spa" : "nw_src");
  check(m.mask.nw_dst != 0, EthIs(m, kEthArp) ? "arp_tpa" : "nw_dst");
  check(std::memcmp(m.mask.ipv6_src, zero16, 16) != 0, "ipv6_src");
  check(std::memcmp(m.mask.ipv6_dst, zero16, 16) != 0, "ipv6_dst");
  check(m.mask.nw_proto != 0, "nw_proto");
  check(m.mask.nw_tos != 0, "nw_tos");
  check(m.mask.nw_ttl != 0, "nw_ttl");
  check(m.mask.nw_frag != 0, "nw_frag");
  bool icmp = EthIs(m, kEthIp) && ProtoIs(m, 1);
  bool icmp6 = EthIs(m, kEthIpv6) && ProtoIs(m, 58);
  check(m.mask.tp_src != 0, icmp ? "icmp_type" : icmp6 ? "icmpv6_type" : "tp_src");
  check(m.mask.tp_dst != 0, icmp ? "icmp_code" : icmp6 ? "icmpv6_code" : "tp_dst");
  check(m.mask.tcp_flags != 0, "tcp_flags");
  if (!err.empty()) return Status::InvalidArgument("match: " + err);
  return Status::Ok();
}

namespace {

std::string PortText(uint32_t port, const PortNamer& namer) {
  if (namer) {
    if (auto name = namer(port)) return *name;
  }
  return std::to_string(port);
}

std::string UintMasked(uint64_t v, uint64_t m, uint64_t full, bool hex) {
  std::string s = hex ? Hex(v) : std::to_string(v);
  if (m != full) s += "/" + Hex(m);
  return s;
}

}  // namespace

std::string FormatMatch(const FlowMatch& match, const PortNamer& namer) {
  const FlowKey& k = match.key;
  const FlowKey& m = match.mask;
  std::vector<std::string> out;
  auto add = [&](std::string s) { out.push_back(std::move(s)); };

  if (m.in_port) add("in_port=" + PortText(k.in_port, namer));
  static const uint8_t kFullMac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  static const uint8_t kZeroMac[6] = {};
  auto mac = [&](const char* name, const uint8_t* v, const uint8_t* mk) {
    if (std::memcmp(mk, kZeroMac, 6) == 0) return;
    std::string s = std::string(name) + "=" + FormatMac(v);
    if (std::memcmp(mk, kFullMac, 6) != 0) s += "/" + FormatMac(mk);
    add(s);
  };
  mac("dl_src", k.eth_src, m.eth_src);
  mac("dl_dst", k.eth_dst, m.eth_dst);

  // VLAN: the dl_vlan / dl_vlan_pcp spellings when the mask is theirs, raw vlan_tci otherwise.
  uint16_t tm = m.vlan_tci, tv = k.vlan_tci;
  if (tm) {
    bool present = tv & kVlanPresent;
    if (tm == 0xffff && !present && tv == 0) add("dl_vlan=0xffff");
    else if (present && tm == 0x1fff) add("dl_vlan=" + std::to_string(tv & 0x0fff));
    else if (present && tm == 0xf000) add("dl_vlan_pcp=" + std::to_string(tv >> 13));
    else if (present && tm == 0xffff) {
      add("dl_vlan=" + std::to_string(tv & 0x0fff));
      add("dl_vlan_pcp=" + std::to_string(tv >> 13));
    } else {
      add("vlan_tci=" + UintMasked(tv, tm, 0xffff, true));
    }
  }

  bool proto_done = false;
  bool is_arp = false, is_icmp = false, is_icmp6 = false;
  if (m.eth_type == 0xffff) {
    bool proto_exact = m.nw_proto == 0xff;
    const char* name = nullptr;
    for (const auto& f : kFields) {
      if (f.syntax != Syntax::kShorthand || f.eth_type != k.eth_type) continue;
      if (f.proto == 0 && !name) name = f.name;
      if (f.proto && proto_exact && f.proto == k.nw_proto) {
        name = f.name;
        proto_done = true;
        break;
      }
    }
    if (name) add(name);
    else add("dl_type=" + Hex(k.eth_type));
    is_arp = k.eth_type == kEthArp;
    is_icmp = k.eth_type == kEthIp && proto_exact && k.nw_proto == 1;
    is_icmp6 = k.eth_type == kEthIpv6 && proto_exact && k.nw_proto == 58;
  } else if (m.eth_type) {
    add("dl_type=" + Hex(k.eth_type));  // partial masks are not produced by the parser
  }

  if (m.nw_src) add(std::string(is_arp ? "arp_spa=" : "nw_src=") + FormatIpv4Masked(k.nw_src, m.nw_src));
  if (m.nw_dst) add(std::string(is_arp ? "arp_tpa=" : "nw_dst=") + FormatIpv4Masked(k.nw_dst, m.nw_dst));
  uint8_t zero16[16] = {};
  if (std::memcmp(m.ipv6_src, zero16, 16)) add("ipv6_src=" + FormatIpv6Masked(k.ipv6_src, m.ipv6_src));
  if (std::memcmp(m.ipv6_dst, zero16, 16)) add("ipv6_dst=" + FormatIpv6Masked(k.ipv6_dst, m.ipv6_dst));
  if (m.nw_proto && !proto_done) add(std::string(is_arp ? "arp_op=" : "nw_proto=") + std::to_string(k.nw_proto));
  if ((m.nw_tos & 0xfc) == 0xfc) add("ip_dscp=" + std::to_string(k.nw_tos >> 2));
  if ((m.nw_tos & 0x03) == 0x03) add("nw_ecn=" + std::to_string(k.nw_tos & 0x03));
  if (m.nw_ttl) add("nw_ttl=" + std::to_string(k.nw_ttl));
  if (m.nw_frag) {
    const char* f = "no";
    if (m.nw_frag == 1) f = k.nw_frag ? "yes" : "no";
    else if (m.nw_frag == 3) f = k.nw_frag == 3 ? "later" : "first";
    else if (m.nw_frag == 2) f = "not_later";
    add(std::string("nw_frag=") + f);
  }
  const char* src_name = is_icmp ? "icmp_type=" : is_icmp6 ? "icmpv6_type=" : "tp_src=";
  const char* dst_name = is_icmp ? "icmp_code=" : is_icmp6 ? "icmpv6_code=" : "tp_dst=";
  if (m.tp_src) add(src_name + UintMasked(k.tp_src, m.tp_src, 0xffff, false));
  if (m.tp_dst) add(dst_name + UintMasked(k.tp_dst, m.tp_dst, 0xffff, false));
  if (m.tcp_flags) {
    if ((m.tcp_flags & ~0x1ff) == 0) {
      std::string s = "tcp_flags=";
      for (const auto& f : kTcpFlagNames) {
        if (!(m.tcp_flags & f.bit)) continue;
        s += (k.tcp_flags & f.bit) ? '+' : '-';
        s += f.name;
      }
      add(s);
    } else {
      add("tcp_flags=" + UintMasked(k.tcp_flags, m.tcp_flags, 0x0fff, true));
    }
  }
  if (m.tun_id) add("tun_id=" + UintMasked(k.tun_id, m.tun_id, UINT64_MAX, true));
  if (m.tun_src) add("tun_src=" + FormatIpv4Masked(k.tun_src, m.tun_src));
  if (m.tun_dst) add("tun_dst=" + FormatIpv4Masked(k.tun_dst, m.tun_dst));
  for (int i = 0; i < kNumRegisters; ++i)
    if (m.regs[i]) add("reg" + std::to_string(i) + "=" + UintMasked(k.regs[i], m.regs[i], 0xffffffffu, true));

  std::string s;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) s += ',';
    s += out[i];
  }
  return s;
}

}  // namespace vswitch::flow
