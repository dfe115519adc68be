// FlowKey: everything the pipeline may match on, extracted from a packet in one pass.
//
// The same struct is the key of the per-worker exact-match cache and the input of the
// wildcard classifier, so it is plain data: fixed layout, no pointers, padding always zero
// (the parser starts from a zeroed key), compared and hashed as bytes.
//
// Field conventions follow Open vSwitch so that rules read the same way:
//  - ARP: nw_src/nw_dst hold the sender/target protocol address, nw_proto the opcode
//    (low byte), arp_sha/arp_tha live in eth_src/eth_dst of the ARP body only if needed later.
//  - ICMP/ICMPv6: tp_src holds the type, tp_dst the code.
//  - vlan_tci: the 802.1Q TCI with bit 0x1000 (CFI/"present") forced on when a tag exists,
//    so vlan_tci == 0 means "untagged".
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#if defined(__AVX__)
#include <immintrin.h>
#endif

namespace vswitch {

inline constexpr int kNumRegisters = 4;
inline constexpr uint16_t kVlanPresent = 0x1000;

struct alignas(8) FlowKey {
  // --- metadata (not from packet bytes) ---
  uint32_t in_port;                 // switch port number (not the DPDK port id)
  uint32_t regs[kNumRegisters];     // metadata registers, zero at ingress
  uint64_t tun_id;                  // VXLAN VNI after decap, 0 otherwise
  uint32_t tun_src;                 // outer IPv4 source (network byte order), 0 if none
  uint32_t tun_dst;                 // outer IPv4 destination (network byte order)

  // --- L2 ---
  uint8_t eth_dst[6];
  uint8_t eth_src[6];
  uint16_t eth_type;                // host byte order, the type after any VLAN tag
  uint16_t vlan_tci;                // host byte order, kVlanPresent set if tagged

  // --- L3 (IPv4 addresses in network byte order; IPv6 in ipv6_src/dst) ---
  uint32_t nw_src;
  uint32_t nw_dst;
  uint8_t ipv6_src[16];
  uint8_t ipv6_dst[16];
  uint8_t nw_proto;                 // IP protocol, or ARP opcode (low byte)
  uint8_t nw_tos;                   // DSCP (high 6 bits) + ECN (low 2 bits)
  uint8_t nw_ttl;
  uint8_t nw_frag;                  // 0 = not a fragment, 1 = first fragment, 3 = later fragment

  // --- L4 (host byte order) ---
  uint16_t tp_src;                  // or ICMP type
  uint16_t tp_dst;                  // or ICMP code
  uint16_t tcp_flags;               // low 12 bits of the TCP flags word
  uint16_t pad0;                    // explicit padding, always zero

  // Zeroes the key with a few wide stores. A plain memset of this size is compiled to
  // `rep stos` on some targets, whose start-up cost was half of the parser's time per packet.
  inline void Clear();
  bool operator==(const FlowKey& o) const { return std::memcmp(this, &o, sizeof(*this)) == 0; }
};

static_assert(sizeof(FlowKey) % 8 == 0, "FlowKey is hashed and masked as 64-bit words");

inline void FlowKey::Clear() {
#if defined(__AVX__)
  static_assert(sizeof(FlowKey) == 112, "update Clear() when the key changes size");
  char* p = reinterpret_cast<char*>(this);
  const __m256i zero = _mm256_setzero_si256();
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), zero);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p + 32), zero);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p + 64), zero);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p + 96), _mm256_castsi256_si128(zero));
#else
  std::memset(this, 0, sizeof(*this));
#endif
}

// Header offsets recorded by the parser so actions can rewrite fields without re-parsing.
struct PacketLayout {
  uint16_t l3_offset;  // start of IP/ARP header; 0 if none
  uint16_t l4_offset;  // start of TCP/UDP/ICMP header; 0 if none
};

}  // namespace vswitch
