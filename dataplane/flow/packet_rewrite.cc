#include "flow/packet_rewrite.h"

#include <cstring>

#if defined(__SSE4_2__)
#include <nmmintrin.h>
#endif

namespace vswitch::flow {

namespace {

constexpr uint16_t kEthTypeIpv4 = 0x0800;
constexpr uint16_t kEthTypeIpv6 = 0x86dd;
constexpr uint16_t kTpidVlan = 0x8100;
constexpr uint16_t kTpidQinQ = 0x88a8;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoSctp = 132;

inline uint16_t Load16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline void Store16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline uint32_t Load32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}

inline bool IsVlanTpid(uint16_t t) { return t == kTpidVlan || t == kTpidQinQ; }

// The EtherType of the L3 header the parser found: the two bytes just before l3_offset.
inline uint16_t L3EthType(const uint8_t* frame, uint32_t len, const PacketLayout& layout) {
  if (layout.l3_offset < 14 || layout.l3_offset > len) return 0;
  return Load16(frame + layout.l3_offset - 2);
}

// The IPv4 header at l3_offset if the frame really holds one with room for it.
inline uint8_t* Ipv4Header(uint8_t* frame, uint32_t len, const PacketLayout& layout) {
  if (L3EthType(frame, len, layout) != kEthTypeIpv4) return nullptr;
  if (len < layout.l3_offset + 20u) return nullptr;
  uint8_t* ip = frame + layout.l3_offset;
  if ((ip[0] >> 4) != 4) return nullptr;
  return ip;
}

inline uint8_t* Ipv6Header(uint8_t* frame, uint32_t len, const PacketLayout& layout) {
  if (L3EthType(frame, len, layout) != kEthTypeIpv6) return nullptr;
  if (len < layout.l3_offset + 40u) return nullptr;
  uint8_t* ip = frame + layout.l3_offset;
  if ((ip[0] >> 4) != 6) return nullptr;
  return ip;
}

// Where the L4 checksum lives for TCP/UDP, or nullptr if this packet has no (whole) L4
// header we may touch: no l4 offset, a non-first fragment, or a truncated header.
inline uint8_t* L4ChecksumField(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint8_t proto) {
  if (layout.l4_offset == 0) return nullptr;
  if (proto == kProtoTcp && len >= layout.l4_offset + 20u) return frame + layout.l4_offset + 16;
  if (proto == kProtoUdp && len >= layout.l4_offset + 8u) return frame + layout.l4_offset + 6;
  return nullptr;
}

inline bool Ipv4IsLaterFragment(const uint8_t* ip) { return (Load16(ip + 6) & 0x1fff) != 0; }

bool SetIpv4Addr(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint32_t addr_be, int field_offset) {
  uint8_t* ip = Ipv4Header(frame, len, layout);
  if (!ip) return false;
  uint8_t* field = ip + field_offset;
  uint32_t old_value = Load32(field);
  std::memcpy(field, &addr_be, 4);
  uint32_t new_value = Load32(field);
  Store16(ip + 10, ChecksumReplace32(Load16(ip + 10), old_value, new_value));
  if (Ipv4IsLaterFragment(ip)) return true;  // no L4 header in this fragment
  uint8_t proto = ip[9];
  uint8_t* csum = L4ChecksumField(frame, len, layout, proto);
  if (!csum) return true;
  uint16_t c = Load16(csum);
  if (proto == kProtoUdp && c == 0) return true;  // UDP over IPv4 without checksum
  c = ChecksumReplace32(c, old_value, new_value);
  if (proto == kProtoUdp && c == 0) c = 0xffff;  // 0 would mean "no checksum"
  Store16(csum, c);
  return true;
}

bool SetL4Port(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint16_t port, int field_offset) {
  if (layout.l4_offset == 0) return false;
  uint8_t proto;
  bool ipv4;
  uint32_t l4_len;  // bytes of L4 header + payload, bounded by the frame
  if (uint8_t* ip = Ipv4Header(frame, len, layout)) {
    if (Ipv4IsLaterFragment(ip)) return false;
    proto = ip[9];
    ipv4 = true;
    uint32_t total = Load16(ip + 2), ihl = (ip[0] & 0x0f) * 4u;
    l4_len = total > ihl ? total - ihl : 0;
  } else if (uint8_t* ip6 = Ipv6Header(frame, len, layout)) {
    proto = ip6[6];
    ipv4 = false;
    l4_len = Load16(ip6 + 4);  // extension headers are not walked by the parser either
  } else {
    return false;
  }
  if (len < layout.l4_offset + 4u) return false;
  uint8_t* l4 = frame + layout.l4_offset;
  if (l4_len > len - layout.l4_offset) l4_len = len - layout.l4_offset;

  if (proto == kProtoTcp || proto == kProtoUdp) {
    uint8_t* csum = L4ChecksumField(frame, len, layout, proto);
    if (!csum) return false;
    uint16_t old_port = Load16(l4 + field_offset);
    Store16(l4 + field_offset, port);
    uint16_t c = Load16(csum);
    if (proto == kProtoUdp && ipv4 && c == 0) return true;
    c = ChecksumReplace16(c, old_port, port);
    if (proto == kProtoUdp && c == 0) c = 0xffff;
    Store16(csum, c);
    return true;
  }
  if (proto == kProtoSctp) {
    if (l4_len < 12) return false;
    Store16(l4 + field_offset, port);
    std::memset(l4 + 8, 0, 4);
    uint32_t crc = ~Crc32c(l4, l4_len);
    std::memcpy(l4 + 8, &crc, 4);  // SCTP stores the CRC little-endian (as the Linux stack does)
    return true;
  }
  return false;
}

}  // namespace

uint32_t ChecksumPartial(const uint8_t* data, size_t len, uint32_t sum) {
  uint64_t s = sum;
  size_t i = 0;
  for (; i + 1 < len; i += 2) s += Load16(data + i);
  if (i < len) s += static_cast<uint32_t>(data[i]) << 8;
  while (s >> 32) s = (s & 0xffffffffu) + (s >> 32);
  return static_cast<uint32_t>(s);
}

uint16_t ChecksumFinish(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

uint16_t ChecksumReplace16(uint16_t checksum, uint16_t old_word, uint16_t new_word) {
  uint32_t sum = static_cast<uint16_t>(~checksum) + static_cast<uint32_t>(static_cast<uint16_t>(~old_word)) + new_word;
  return ChecksumFinish(sum);
}

uint16_t ChecksumReplace32(uint16_t checksum, uint32_t old_value, uint32_t new_value) {
  uint32_t sum = static_cast<uint16_t>(~checksum);
  sum += static_cast<uint16_t>(~(old_value >> 16)) + static_cast<uint16_t>(~old_value);
  sum += (new_value >> 16) + (new_value & 0xffff);
  return ChecksumFinish(sum);
}

uint32_t Crc32c(const uint8_t* data, size_t len, uint32_t crc) {
#if defined(__SSE4_2__)
  size_t i = 0;
  uint64_t c = crc;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    std::memcpy(&w, data + i, 8);
    c = _mm_crc32_u64(c, w);
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  for (; i < len; ++i) c32 = _mm_crc32_u8(c32, data[i]);
  return c32;
#else
  for (size_t i = 0; i < len; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
  }
  return crc;
#endif
}

void SetEthSrc(uint8_t* frame, const uint8_t mac[6]) { std::memcpy(frame + 6, mac, 6); }
void SetEthDst(uint8_t* frame, const uint8_t mac[6]) { std::memcpy(frame, mac, 6); }

bool SetIpv4Src(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint32_t addr_be) {
  return SetIpv4Addr(frame, len, layout, addr_be, 12);
}
bool SetIpv4Dst(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint32_t addr_be) {
  return SetIpv4Addr(frame, len, layout, addr_be, 16);
}

bool SetL4Src(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint16_t port) {
  return SetL4Port(frame, len, layout, port, 0);
}
bool SetL4Dst(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint16_t port) {
  return SetL4Port(frame, len, layout, port, 2);
}

bool SetDscp(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint8_t dscp) {
  if (uint8_t* ip = Ipv4Header(frame, len, layout)) {
    uint16_t old_word = Load16(ip);
    ip[1] = static_cast<uint8_t>((ip[1] & 0x03) | (dscp << 2));
    Store16(ip + 10, ChecksumReplace16(Load16(ip + 10), old_word, Load16(ip)));
    return true;
  }
  if (uint8_t* ip6 = Ipv6Header(frame, len, layout)) {
    // Traffic class straddles bytes 0 and 1: version(4) | tc(8) | flow label(20).
    uint8_t tc = static_cast<uint8_t>(((ip6[0] & 0x0f) << 4) | (ip6[1] >> 4));
    tc = static_cast<uint8_t>((tc & 0x03) | (dscp << 2));
    ip6[0] = static_cast<uint8_t>((ip6[0] & 0xf0) | (tc >> 4));
    ip6[1] = static_cast<uint8_t>((ip6[1] & 0x0f) | (tc << 4));
    return true;
  }
  return false;
}

uint8_t* PushVlan(uint8_t* frame, uint32_t* len, uint32_t headroom, PacketLayout* layout, uint16_t tpid) {
  if (headroom < 4 || *len < 14) return nullptr;
  uint16_t tci = IsVlanTpid(Load16(frame + 12)) && *len >= 18 ? Load16(frame + 14) : 0;
  uint8_t* start = frame - 4;
  std::memmove(start, frame, 12);  // MACs move forward; the old EtherType/tag stays in place
  Store16(start + 12, tpid);
  Store16(start + 14, tci);
  *len += 4;
  if (layout->l3_offset) layout->l3_offset += 4;
  if (layout->l4_offset) layout->l4_offset += 4;
  return start;
}

uint8_t* PopVlan(uint8_t* frame, uint32_t* len, PacketLayout* layout) {
  if (*len < 18 || !IsVlanTpid(Load16(frame + 12))) return frame;
  std::memmove(frame + 4, frame, 12);
  *len -= 4;
  if (layout->l3_offset >= 4) layout->l3_offset -= 4;
  if (layout->l4_offset >= 4) layout->l4_offset -= 4;
  return frame + 4;
}

uint8_t* SetVlanVid(uint8_t* frame, uint32_t* len, uint32_t headroom, PacketLayout* layout, uint16_t vid) {
  if (*len < 14) return frame;
  if (!IsVlanTpid(Load16(frame + 12)) || *len < 18) {
    frame = PushVlan(frame, len, headroom, layout, kTpidVlan);
    if (!frame) return nullptr;
  }
  Store16(frame + 14, static_cast<uint16_t>((Load16(frame + 14) & 0xf000) | (vid & 0x0fff)));
  return frame;
}

RewriteResult ApplyRewrite(const Action& a, uint8_t** frame, uint32_t* len, uint32_t headroom,
                           PacketLayout* layout) {
  uint8_t mac[6];
  bool applied = false;
  switch (a.type) {
    case ActionType::kSetEthSrc:
      if (*len < 14) return RewriteResult::kNotApplicable;
      a.Mac(mac);
      SetEthSrc(*frame, mac);
      return RewriteResult::kApplied;
    case ActionType::kSetEthDst:
      if (*len < 14) return RewriteResult::kNotApplicable;
      a.Mac(mac);
      SetEthDst(*frame, mac);
      return RewriteResult::kApplied;
    case ActionType::kSetIpv4Src:
      applied = SetIpv4Src(*frame, *len, *layout, a.u32);
      break;
    case ActionType::kSetIpv4Dst:
      applied = SetIpv4Dst(*frame, *len, *layout, a.u32);
      break;
    case ActionType::kSetTpSrc:
      applied = SetL4Src(*frame, *len, *layout, a.u16);
      break;
    case ActionType::kSetTpDst:
      applied = SetL4Dst(*frame, *len, *layout, a.u16);
      break;
    case ActionType::kSetDscp:
      applied = SetDscp(*frame, *len, *layout, static_cast<uint8_t>(a.u16));
      break;
    case ActionType::kSetVlanVid: {
      if (*len < 14) return RewriteResult::kNotApplicable;
      uint8_t* p = SetVlanVid(*frame, len, headroom, layout, a.u16);
      if (!p) return RewriteResult::kNoHeadroom;
      *frame = p;
      return RewriteResult::kApplied;
    }
    case ActionType::kPushVlan: {
      if (*len < 14) return RewriteResult::kNotApplicable;
      uint8_t* p = PushVlan(*frame, len, headroom, layout, a.u16);
      if (!p) return RewriteResult::kNoHeadroom;
      *frame = p;
      return RewriteResult::kApplied;
    }
    case ActionType::kPopVlan: {
      uint8_t* p = PopVlan(*frame, len, layout);
      applied = p != *frame;
      *frame = p;
      break;
    }
    default:
      return RewriteResult::kNotApplicable;
  }
  return applied ? RewriteResult::kApplied : RewriteResult::kNotApplicable;
}

}  // namespace vswitch::flow
