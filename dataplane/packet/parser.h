// Packet parser: one pass over the headers of a frame fills a FlowKey and a PacketLayout.
//
// It reads only contiguous bytes (DPDK rx gives single-segment mbufs for frames up to the
// mbuf data room; a multi-segment frame is parsed from its first segment, which always holds
// the headers we look at when the data room is >= 2 KB). Truncated or inconsistent headers are
// reported as a DropReason instead of being guessed at; frames we do not understand (other
// EtherTypes, IPv6 extension chains we do not walk) are valid L2 frames with fewer fields set.
#pragma once

#include <cstdint>
#include <cstring>

#include "packet/drop_reason.h"
#include "packet/flow_key.h"

namespace vswitch {

// (ParseFrame is defined below, inline: it runs for every packet.)



namespace parser_detail {

constexpr uint16_t kEthTypeIpv4 = 0x0800;
constexpr uint16_t kEthTypeArp = 0x0806;
constexpr uint16_t kEthTypeVlan = 0x8100;
constexpr uint16_t kEthTypeQinQ = 0x88a8;
constexpr uint16_t kEthTypeIpv6 = 0x86dd;
constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoSctp = 132;
constexpr uint8_t kProtoIcmpv6 = 58;

inline uint16_t Load16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// Fills tp_src/tp_dst/tcp_flags from the L4 header at `p` with `avail` bytes left.
inline bool ParseL4(uint8_t proto, const uint8_t* p, uint32_t avail, FlowKey* key, DropReason* reason) {
  switch (proto) {
    case kProtoTcp:
      if (avail < 20) break;
      key->tp_src = Load16(p);
      key->tp_dst = Load16(p + 2);
      key->tcp_flags = Load16(p + 12) & 0x0fff;
      return true;
    case kProtoUdp:
      if (avail < 8) break;
      key->tp_src = Load16(p);
      key->tp_dst = Load16(p + 2);
      return true;
    case kProtoSctp:
      if (avail < 12) break;
      key->tp_src = Load16(p);
      key->tp_dst = Load16(p + 2);
      return true;
    case kProtoIcmp:
    case kProtoIcmpv6:
      if (avail < 4) break;
      key->tp_src = p[0];
      key->tp_dst = p[1];
      return true;
    default:
      return true;  // other protocols carry no L4 fields we match on
  }
  *reason = DropReason::kMalformedL4;
  return false;
}

}  // namespace parser_detail

inline // Returns true when the frame is well-formed enough to forward. On false, *reason says why.
// `key` is fully overwritten (zeroed first), so it can be reused across packets.
bool ParseFrame(const uint8_t* data, uint32_t len, uint32_t in_port, FlowKey* key, PacketLayout* layout,
                DropReason* reason) {
  using namespace parser_detail;
  key->Clear();
  layout->l3_offset = 0;
  layout->l4_offset = 0;
  key->in_port = in_port;
  if (len < 14) {
    *reason = DropReason::kRuntFrame;
    return false;
  }
  std::memcpy(key->eth_dst, data, 6);
  std::memcpy(key->eth_src, data + 6, 6);
  uint16_t eth_type = Load16(data + 12);
  uint32_t off = 14;
  if (eth_type == kEthTypeVlan || eth_type == kEthTypeQinQ) {
    if (len < off + 4) {
      *reason = DropReason::kMalformedVlan;
      return false;
    }
    key->vlan_tci = Load16(data + off) | kVlanPresent;
    eth_type = Load16(data + off + 2);
    off += 4;
  }
  key->eth_type = eth_type;

  if (eth_type == kEthTypeIpv4) {
    const uint8_t* ip = data + off;
    uint32_t avail = len - off;
    if (avail < 20 || (ip[0] >> 4) != 4) {
      *reason = DropReason::kMalformedIpv4;
      return false;
    }
    uint32_t ihl = (ip[0] & 0x0f) * 4u;
    uint32_t total = Load16(ip + 2);
    if (ihl < 20 || total < ihl || total > avail) {
      *reason = DropReason::kMalformedIpv4;
      return false;
    }
    layout->l3_offset = static_cast<uint16_t>(off);
    key->nw_tos = ip[1];
    key->nw_ttl = ip[8];
    key->nw_proto = ip[9];
    std::memcpy(&key->nw_src, ip + 12, 4);
    std::memcpy(&key->nw_dst, ip + 16, 4);
    uint16_t frag = Load16(ip + 6);
    uint16_t frag_offset = frag & 0x1fff;
    bool more_fragments = frag & 0x2000;
    if (frag_offset != 0) {
      key->nw_frag = 3;  // later fragment: no L4 header here
      return true;
    }
    if (more_fragments) key->nw_frag = 1;
    layout->l4_offset = static_cast<uint16_t>(off + ihl);
    return ParseL4(key->nw_proto, ip + ihl, total - ihl, key, reason);
  }

  if (eth_type == kEthTypeIpv6) {
    const uint8_t* ip = data + off;
    uint32_t avail = len - off;
    if (avail < 40 || (ip[0] >> 4) != 6) {
      *reason = DropReason::kMalformedIpv6;
      return false;
    }
    uint32_t payload = Load16(ip + 4);
    if (40 + payload > avail) {
      *reason = DropReason::kMalformedIpv6;
      return false;
    }
    layout->l3_offset = static_cast<uint16_t>(off);
    key->nw_tos = static_cast<uint8_t>((Load16(ip) >> 4) & 0xff);
    key->nw_proto = ip[6];
    key->nw_ttl = ip[7];
    std::memcpy(key->ipv6_src, ip + 8, 16);
    std::memcpy(key->ipv6_dst, ip + 24, 16);
    // Extension headers are not walked: L4 fields are only filled for a direct next header.
    layout->l4_offset = static_cast<uint16_t>(off + 40);
    return ParseL4(key->nw_proto, ip + 40, payload, key, reason);
  }

  if (eth_type == kEthTypeArp) {
    const uint8_t* arp = data + off;
    if (len - off < 28) {
      *reason = DropReason::kMalformedArp;
      return false;
    }
    layout->l3_offset = static_cast<uint16_t>(off);
    // Ethernet/IPv4 ARP only: htype 1, ptype 0x0800, hlen 6, plen 4.
    if (Load16(arp) == 1 && Load16(arp + 2) == kEthTypeIpv4 && arp[4] == 6 && arp[5] == 4) {
      key->nw_proto = static_cast<uint8_t>(Load16(arp + 6));
      std::memcpy(&key->nw_src, arp + 14, 4);
      std::memcpy(&key->nw_dst, arp + 24, 4);
    }
    return true;
  }
  return true;
}

}  // namespace vswitch
