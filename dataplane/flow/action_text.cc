#include "flow/action_text.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "flow/rule.h"
#include "flow/text_values.h"

namespace vswitch::flow {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string ParsePort(std::string_view text, const PortResolver& resolver, uint32_t* port) {
  if (text.empty()) return "missing port";
  if (text[0] >= '0' && text[0] <= '9') {
    uint64_t v;
    std::string err = ParseUint(text, 0xffffffffu, &v);
    if (!err.empty()) return err;
    *port = static_cast<uint32_t>(v);
    return {};
  }
  std::optional<uint32_t> p = resolver ? resolver(text) : std::nullopt;
  if (!p) return "unknown port '" + std::string(text) + "'";
  *port = *p;
  return {};
}

// "NXM_NX_REG3" or "reg3" -> 3.
int RegisterIndex(std::string_view name) {
  std::string n = Lower(name);
  for (int i = 0; i < kNumRegisters; ++i) {
    if (n == "nxm_nx_reg" + std::to_string(i) || n == "reg" + std::to_string(i)) return i;
  }
  return -1;
}

// load:VALUE->DST[RANGE]
std::string ParseLoad(std::string_view arg, ActionList* out) {
  size_t arrow = arg.find("->");
  if (arrow == std::string_view::npos) return "expected load:VALUE->NXM_NX_REGn[] (missing '->')";
  std::string_view value_text = arg.substr(0, arrow), dst = arg.substr(arrow + 2);
  size_t bracket = dst.find('[');
  if (bracket == std::string_view::npos || dst.back() != ']') return "expected a bit range after '" + std::string(dst) + "', e.g. NXM_NX_REG0[] or NXM_NX_REG0[0..15]";
  int reg = RegisterIndex(dst.substr(0, bracket));
  if (reg < 0) return "unsupported load destination '" + std::string(dst.substr(0, bracket)) + "' (registers NXM_NX_REG0..3 only)";
  std::string_view range = dst.substr(bracket + 1, dst.size() - bracket - 2);
  uint64_t lo = 0, hi = 31;
  if (!range.empty()) {
    size_t dots = range.find("..");
    std::string err = ParseUint(range.substr(0, dots), 31, &lo);
    if (err.empty() && dots == std::string_view::npos) hi = lo;
    else if (err.empty()) err = ParseUint(range.substr(dots + 2), 31, &hi);
    if (!err.empty()) return "bit range: " + err;
    if (hi < lo) return "bit range [" + std::string(range) + "] ends before it starts";
  }
  uint64_t width = hi - lo + 1;
  uint64_t value;
  std::string err = ParseUint(value_text, width >= 64 ? UINT64_MAX : (uint64_t{1} << width) - 1, &value);
  if (!err.empty()) return err + " for a " + std::to_string(width) + "-bit field";
  uint64_t field_ones = width >= 32 ? 0xffffffffull : (uint64_t{1} << width) - 1;
  uint32_t mask = static_cast<uint32_t>(field_ones << lo);
  out->push_back(Action::SetRegister(static_cast<uint8_t>(reg), static_cast<uint32_t>(value << lo), mask));
  return {};
}

// set_field:VALUE->FIELD
std::string ParseSetField(std::string_view arg, ActionList* out) {
  size_t arrow = arg.find("->");
  if (arrow == std::string_view::npos) return "expected set_field:VALUE->FIELD (missing '->')";
  std::string_view value = arg.substr(0, arrow);
  std::string field = Lower(arg.substr(arrow + 2));
  std::string err;
  if (field == "eth_src" || field == "dl_src" || field == "eth_dst" || field == "dl_dst") {
    uint8_t mac[6];
    if (!(err = ParseMac(value, mac)).empty()) return err;
    out->push_back(field == "eth_src" || field == "dl_src" ? Action::SetEthSrc(mac) : Action::SetEthDst(mac));
    return {};
  }
  if (field == "ip_src" || field == "nw_src" || field == "ip_dst" || field == "nw_dst") {
    uint32_t a;
    if (!(err = ParseIpv4(value, &a)).empty()) return err;
    out->push_back(field == "ip_src" || field == "nw_src" ? Action::SetIpv4Src(a) : Action::SetIpv4Dst(a));
    return {};
  }
  static const char* kSrcPorts[] = {"tp_src", "tcp_src", "udp_src", "sctp_src"};
  static const char* kDstPorts[] = {"tp_dst", "tcp_dst", "udp_dst", "sctp_dst"};
  for (int i = 0; i < 4; ++i) {
    if (field == kSrcPorts[i] || field == kDstPorts[i]) {
      uint64_t p;
      if (!(err = ParseUint(value, 0xffff, &p)).empty()) return err;
      out->push_back(field == kSrcPorts[i] ? Action::SetTpSrc(static_cast<uint16_t>(p)) : Action::SetTpDst(static_cast<uint16_t>(p)));
      return {};
    }
  }
  if (field == "vlan_vid") {
    uint64_t v;
    if (!(err = ParseUint(value, 0x1fff, &v)).empty()) return err;
    // OpenFlow writes vlan_vid with the OFPVID_PRESENT bit (0x1000); accept both spellings.
    if (v > 0x0fff && !(v & kVlanPresent)) return "'" + std::string(value) + "' is not a VLAN id 0..4095";
    out->push_back(Action::SetVlanVid(static_cast<uint16_t>(v & 0x0fff)));
    return {};
  }
  if (field == "ip_dscp") {
    uint64_t v;
    if (!(err = ParseUint(value, 63, &v)).empty()) return err;
    out->push_back(Action::SetDscp(static_cast<uint8_t>(v)));
    return {};
  }
  if (field == "tun_id" || field == "tunnel_id") {
    uint64_t v;
    if (!(err = ParseUint(value, UINT64_MAX, &v)).empty()) return err;
    out->push_back(Action::SetTunnel(v));
    return {};
  }
  int reg = RegisterIndex(field);
  if (reg >= 0) {
    std::string_view v, m;
    bool has_mask;
    SplitValueMask(value, &v, &m, &has_mask);
    uint64_t val, mask = 0xffffffffu;
    if (!(err = ParseUint(v, 0xffffffffu, &val)).empty()) return err;
    if (has_mask && !(err = ParseUint(m, 0xffffffffu, &mask)).empty()) return err;
    if (mask == 0) return "a register mask of 0 writes nothing";
    out->push_back(Action::SetRegister(static_cast<uint8_t>(reg), static_cast<uint32_t>(val), static_cast<uint32_t>(mask)));
    return {};
  }
  return "unsupported set_field destination '" + field +
         "' (supported: eth_src eth_dst ip_src ip_dst tcp/udp/sctp_src/dst vlan_vid ip_dscp tun_id reg0..3)";
}

}  // namespace

std::string ParseAction(std::string_view token, const PortResolver& resolver, ActionList* out) {
  if (token.empty()) return "empty action";
  size_t colon = token.find(':');
  std::string name = Lower(token.substr(0, colon));
  std::string_view arg = colon == std::string_view::npos ? std::string_view() : token.substr(colon + 1);
  bool has_arg = colon != std::string_view::npos;
  auto no_arg = [&](Action a) -> std::string {
    if (has_arg) return "'" + name + "' takes no argument";
    out->push_back(a);
    return {};
  };
  auto need_arg = [&]() -> std::string { return has_arg && !arg.empty() ? "" : "'" + name + "' needs an argument (" + name + ":VALUE)"; };
  std::string err;

  if (name[0] >= '0' && name[0] <= '9' && !has_arg) {  // a bare port number means output
    uint32_t port;
    if (!(err = ParsePort(token, resolver, &port)).empty()) return err;
    out->push_back(Action::Output(port));
    return {};
  }
  if (name == "output") {
    if (!(err = need_arg()).empty()) return err;
    uint32_t port;
    if (!(err = ParsePort(arg, resolver, &port)).empty()) return err;
    out->push_back(Action::Output(port));
    return {};
  }
  if (name == "flood") return no_arg(Action::Flood());
  if (name == "normal") return no_arg(Action::Normal());
  if (name == "in_port") return no_arg(Action::InPort());
  if (name == "strip_vlan" || name == "pop_vlan") return no_arg(Action::PopVlan());
  if (name == "drop") return "'drop' must be the only action";  // the caller handles "actions=drop"
  if (!(err = need_arg()).empty()) {
    static const char* kKnown[] = {"mod_dl_src", "mod_dl_dst", "mod_nw_src", "mod_nw_dst", "mod_tp_src", "mod_tp_dst",
                                   "mod_vlan_vid", "mod_nw_tos", "push_vlan", "goto_table", "load", "set_field",
                                   "meter", "set_tunnel", "set_tunnel64", "nf"};
    for (const char* k : kKnown)
      if (name == k) return err;
    return "unknown action '" + std::string(token) + "'";
  }
  if (name == "mod_dl_src" || name == "mod_dl_dst") {
    uint8_t mac[6];
    if (!(err = ParseMac(arg, mac)).empty()) return err;
    out->push_back(name == "mod_dl_src" ? Action::SetEthSrc(mac) : Action::SetEthDst(mac));
    return {};
  }
  if (name == "mod_nw_src" || name == "mod_nw_dst") {
    uint32_t a;
    if (!(err = ParseIpv4(arg, &a)).empty()) return err;
    out->push_back(name == "mod_nw_src" ? Action::SetIpv4Src(a) : Action::SetIpv4Dst(a));
    return {};
  }
  if (name == "mod_tp_src" || name == "mod_tp_dst") {
    uint64_t p;
    if (!(err = ParseUint(arg, 0xffff, &p)).empty()) return err;
    out->push_back(name == "mod_tp_src" ? Action::SetTpSrc(static_cast<uint16_t>(p)) : Action::SetTpDst(static_cast<uint16_t>(p)));
    return {};
  }
  if (name == "mod_vlan_vid") {
    uint64_t v;
    if (!(err = ParseUint(arg, 4095, &v)).empty()) return err;
    out->push_back(Action::SetVlanVid(static_cast<uint16_t>(v)));
    return {};
  }
  if (name == "mod_nw_tos") {
    uint64_t v;
    if (!(err = ParseUint(arg, 255, &v)).empty()) return err;
    if (v & 0x03) return "'" + std::string(arg) + "' has ECN bits set (mod_nw_tos takes DSCP << 2)";
    out->push_back(Action::SetDscp(static_cast<uint8_t>(v >> 2)));
    return {};
  }
  if (name == "push_vlan") {
    uint64_t v;
    if (!(err = ParseUint(arg, 0xffff, &v)).empty()) return err;
    if (v != 0x8100 && v != 0x88a8) return "push_vlan takes 0x8100 or 0x88a8, got '" + std::string(arg) + "'";
    out->push_back(Action::PushVlan(static_cast<uint16_t>(v)));
    return {};
  }
  if (name == "goto_table") {
    uint64_t v;
    if (!(err = ParseUint(arg, kMaxTables - 1, &v)).empty()) return err;
    out->push_back(Action::GotoTable(static_cast<uint8_t>(v)));
    return {};
  }
  if (name == "load") return ParseLoad(arg, out);
  if (name == "set_field") return ParseSetField(arg, out);
  if (name == "meter") {
    uint64_t v;
    if (!(err = ParseUint(arg, 0xffffffffu, &v)).empty()) return err;
    out->push_back(Action::Meter(static_cast<uint32_t>(v)));
    return {};
  }
  if (name == "set_tunnel" || name == "set_tunnel64") {
    uint64_t v;
    if (!(err = ParseUint(arg, name == "set_tunnel" ? 0xffffffffu : UINT64_MAX, &v)).empty()) return err;
    out->push_back(Action::SetTunnel(v));
    return {};
  }
  if (name == "nf") return "'nf:' (network function chains) is not available yet";
  return "unknown action '" + std::string(token) + "'";
}

std::string FormatAction(const Action& a, const PortNamer& namer) {
  uint8_t mac[6];
  switch (a.type) {
    case ActionType::kOutput: {
      if (namer) {
        if (auto n = namer(a.u32)) return "output:" + *n;
      }
      return "output:" + std::to_string(a.u32);
    }
    case ActionType::kFlood:
      return "FLOOD";
    case ActionType::kNormal:
      return "NORMAL";
    case ActionType::kInPort:
      return "IN_PORT";
    case ActionType::kSetEthSrc:
      a.Mac(mac);
      return "mod_dl_src:" + FormatMac(mac);
    case ActionType::kSetEthDst:
      a.Mac(mac);
      return "mod_dl_dst:" + FormatMac(mac);
    case ActionType::kSetIpv4Src:
      return "mod_nw_src:" + FormatIpv4(a.u32);
    case ActionType::kSetIpv4Dst:
      return "mod_nw_dst:" + FormatIpv4(a.u32);
    case ActionType::kSetTpSrc:
      return "mod_tp_src:" + std::to_string(a.u16);
    case ActionType::kSetTpDst:
      return "mod_tp_dst:" + std::to_string(a.u16);
    case ActionType::kSetVlanVid:
      return "mod_vlan_vid:" + std::to_string(a.u16);
    case ActionType::kSetDscp:
      return "set_field:" + std::to_string(a.u16) + "->ip_dscp";
    case ActionType::kPushVlan:
      return "push_vlan:" + Hex(a.u16);
    case ActionType::kPopVlan:
      return "pop_vlan";
    case ActionType::kGotoTable:
      return "goto_table:" + std::to_string(a.u16);
    case ActionType::kSetRegister: {
      uint32_t mask = static_cast<uint32_t>(a.u64);
      std::string reg = "NXM_NX_REG" + std::to_string(a.reg);
      if (mask == 0) return "set_field:0x0/0x0->reg" + std::to_string(a.reg);
      int lo = __builtin_ctz(mask);
      int hi = 31 - __builtin_clz(mask);
      uint32_t contiguous = static_cast<uint32_t>(((hi - lo == 31) ? 0xffffffffull : ((1ull << (hi - lo + 1)) - 1)) << lo);
      if (mask != contiguous) return "set_field:" + Hex(a.u32) + "/" + Hex(mask) + "->reg" + std::to_string(a.reg);
      std::string range = mask == 0xffffffffu ? "[]" : lo == hi ? "[" + std::to_string(lo) + "]"
                                                                : "[" + std::to_string(lo) + ".." + std::to_string(hi) + "]";
      return "load:" + Hex(a.u32 >> lo) + "->" + reg + range;
    }
    case ActionType::kMeter:
      return "meter:" + std::to_string(a.u32);
    case ActionType::kSetTunnel:
      return (a.u64 > 0xffffffffu ? "set_tunnel64:" : "set_tunnel:") + Hex(a.u64);
    case ActionType::kNfChain:
      return "nf:" + std::to_string(a.u32);
  }
  return "?";
}

std::string FormatActions(const ActionList& actions, const PortNamer& namer) {
  if (actions.empty()) return "drop";
  std::string s;
  for (size_t i = 0; i < actions.size(); ++i) {
    if (i) s += ',';
    s += FormatAction(actions[i], namer);
  }
  return s;
}

}  // namespace vswitch::flow
