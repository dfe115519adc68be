// VXLAN on the wire (RFC 7348): building the 50-byte outer header stack and checking one.
//
// Pure functions over byte buffers: the worker calls them on mbuf data, the packet fixtures
// and the fuzz target call them on plain arrays.
//
//   outer Ethernet (14) | outer IPv4 (20, DF, no options) | UDP (8) | VXLAN (8) | inner frame
//
// Encapsulation choices, as Linux and OVS make them: the outer UDP source port is taken from
// a hash of the inner flow (49152-65535) so the underlay's ECMP spreads tenant flows; the
// UDP checksum is 0 (allowed for IPv4 by RFC 7348 section 5); DF is set so an oversized
// frame is refused here (counted) instead of being fragmented in the underlay.
#pragma once

#include <cstdint>

namespace vswitch::tunnels {

inline constexpr uint32_t kVxlanHeaderBytes = 50;  // Ethernet + IPv4 + UDP + VXLAN
inline constexpr uint32_t kVxlanOverheadIp = 36;    // what the outer IP packet adds to the inner frame
inline constexpr uint16_t kVxlanDefaultPort = 4789;
inline constexpr uint8_t kVxlanDefaultTtl = 64;
inline constexpr uint32_t kMaxVni = (1u << 24) - 1;

struct VxlanEncap {
  uint8_t src_mac[6];   // the uplink's MAC
  uint8_t dst_mac[6];   // the next hop's MAC (remote VTEP or gateway)
  uint32_t src_ip;      // local VTEP address, network byte order
  uint32_t dst_ip;      // remote VTEP address, network byte order
  uint16_t udp_src;     // host order, from FlowEntropyPort()
  uint16_t udp_dst;     // host order, usually 4789
  uint32_t vni;         // 24 bits
  uint8_t ttl;
  uint16_t ip_id;       // host order
};

// Writes the 50 header bytes at `out`, for an inner frame of `inner_len` bytes that follows.
// (BuildVxlanTemplate + StampVxlanHeaders: the fixtures check both through it.)
void WriteVxlanHeaders(uint8_t* out, const VxlanEncap& e, uint32_t inner_len);

// The header bytes every packet to one (VTEP, remote, VNI) shares, built once per burst; a
// packet then only needs its lengths, IP id, UDP source port and checksum. The checksum is
// finished arithmetically from `checksum_partial` (the one's-complement sum of the fixed
// header words) rather than by reading back bytes just stored: re-reading a header written
// with narrow stores stalls store forwarding, which cost a quarter of the encap time.
struct VxlanTemplate {
  alignas(64) uint8_t bytes[64];  // kVxlanHeaderBytes used
  uint32_t checksum_partial;
};
void BuildVxlanTemplate(const VxlanEncap& e, VxlanTemplate* t);  // e.udp_src / e.ip_id unused

// Writes the kVxlanHeaderBytes header bytes for one packet at `out` (the prepended headroom;
// the inner frame follows at out + 50): the template, then the per-packet fields.
inline void StampVxlanHeaders(uint8_t* out, const VxlanTemplate& t, uint32_t inner_len, uint16_t ip_id,
                              uint16_t udp_src) {
  __builtin_memcpy(out, t.bytes, kVxlanHeaderBytes);
  const uint16_t ip_len = static_cast<uint16_t>(kVxlanOverheadIp + inner_len);
  uint32_t sum = t.checksum_partial + ip_len + ip_id;
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  const uint16_t csum = static_cast<uint16_t>(~sum);
  const uint16_t udp_len = static_cast<uint16_t>(16 + inner_len);
  out[16] = static_cast<uint8_t>(ip_len >> 8);
  out[17] = static_cast<uint8_t>(ip_len);
  out[18] = static_cast<uint8_t>(ip_id >> 8);
  out[19] = static_cast<uint8_t>(ip_id);
  out[24] = static_cast<uint8_t>(csum >> 8);
  out[25] = static_cast<uint8_t>(csum);
  out[34] = static_cast<uint8_t>(udp_src >> 8);
  out[35] = static_cast<uint8_t>(udp_src);
  out[38] = static_cast<uint8_t>(udp_len >> 8);
  out[39] = static_cast<uint8_t>(udp_len);
}

// A hash of the inner frame's flow (MACs, and for IPv4/IPv6 the addresses, protocol and
// TCP/UDP/SCTP ports; one 802.1Q tag is skipped), read straight from the frame: the
// entropy for the outer UDP source port. Packets of one flow always get the same value.
uint32_t InnerFlowHash(const uint8_t* frame, uint32_t len);

// The outer UDP source port for an inner-flow hash (RFC 7348: 49152-65535 recommended).
inline uint16_t FlowEntropyPort(uint32_t inner_hash) {
  return static_cast<uint16_t>(49152u + ((inner_hash ^ (inner_hash >> 16)) & 0x3fffu));
}

enum class VxlanCheck : uint8_t {
  kNotVxlan,      // not addressed to this VTEP's IP/UDP port: ordinary uplink traffic
  kOk,            // valid: *info filled
  kMalformed,     // addressed to us, but truncated, bad lengths, options, or a fragment
  kBadChecksum,   // outer IPv4 header checksum wrong
  kBadFlags,      // VXLAN I flag clear
};

struct VxlanInfo {
  uint32_t vni;
  uint32_t outer_src_ip;  // network byte order
  uint32_t outer_dst_ip;
  uint32_t inner_offset;  // where the inner Ethernet frame starts
  uint32_t inner_len;
};

// Checks a frame received on the uplink against the local VTEP (local_ip in network byte
// order, udp_port in host order). Only IPv4/UDP frames to local_ip:udp_port are "ours";
// those are then fully validated.
VxlanCheck CheckVxlan(const uint8_t* frame, uint32_t len, uint32_t local_ip, uint16_t udp_port, VxlanInfo* info);

// One's-complement checksum of an IPv4 header (`len` bytes, checksum field included).
uint16_t Ipv4HeaderChecksum(const uint8_t* header, uint32_t len);

}  // namespace vswitch::tunnels
