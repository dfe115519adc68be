// Packet rewrites behind the set-field / VLAN actions: pure functions over a frame buffer.
//
// Every function takes the frame start, its length and the PacketLayout the parser recorded,
// touches only the bytes it must, and fixes checksums incrementally (RFC 1624, eqn. 3:
// HC' = ~(~HC + ~m + m')), so a rewrite costs a few instructions and never re-reads the
// payload. The exception is SCTP, whose CRC32-C cannot be updated incrementally: changing an
// SCTP port recomputes it over the SCTP packet.
//
// Functions that do not apply to the frame (e.g. an IPv4 rewrite on an ARP frame, or a port
// rewrite on an ICMP packet or a later IP fragment) change nothing and return false; rule
// validation makes such cases rare (set_field:ip_dst needs an `ip` match), but a frame can
// still be too short or malformed, and a rewrite must never write out of bounds.
//
// VLAN push/pop move the frame start by 4 bytes. They return the new start and update *len
// and *layout; the caller keeps its buffer bookkeeping in step. For a DPDK mbuf:
//   push: uint8_t* p = PushVlan(data, &len, rte_pktmbuf_headroom(m), &layout, tpid);
//         if (p) rte_pktmbuf_prepend(m, 4);   // prepend only moves data_off, bytes are ours
//   pop:  uint8_t* p = PopVlan(data, &len, &layout);  if (p != data) rte_pktmbuf_adj(m, 4);
#pragma once

#include <cstddef>
#include <cstdint>

#include "flow/action.h"
#include "packet/flow_key.h"

namespace vswitch::flow {

// --- checksum arithmetic (values are 16-bit words as read big-endian from the wire) ---

// One's-complement sum of `len` bytes (odd length padded with a zero byte), not folded.
uint32_t ChecksumPartial(const uint8_t* data, size_t len, uint32_t sum = 0);
// Folds a 32-bit partial sum and complements it: the value stored in a checksum field.
uint16_t ChecksumFinish(uint32_t sum);
// RFC 1624 eqn. 3 for a 16-bit field changing from old_word to new_word.
uint16_t ChecksumReplace16(uint16_t checksum, uint16_t old_word, uint16_t new_word);
// The same for a 32-bit field (two 16-bit words).
uint16_t ChecksumReplace32(uint16_t checksum, uint32_t old_value, uint32_t new_value);
// CRC32-C as SCTP stores it (RFC 4960 appendix B), over `len` bytes.
uint32_t Crc32c(const uint8_t* data, size_t len, uint32_t crc = 0xffffffffu);

// --- rewrites ---

void SetEthSrc(uint8_t* frame, const uint8_t mac[6]);
void SetEthDst(uint8_t* frame, const uint8_t mac[6]);

// IPv4 source/destination (address in network byte order). Fixes the IP header checksum and
// the TCP/UDP checksum (pseudo-header); a UDP checksum of 0 ("none") stays 0.
bool SetIpv4Src(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint32_t addr_be);
bool SetIpv4Dst(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint32_t addr_be);

// TCP/UDP/SCTP source/destination port over IPv4 or IPv6, checksum fixed.
bool SetL4Src(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint16_t port);
bool SetL4Dst(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint16_t port);

// DSCP (0..63) of IPv4 (header checksum fixed) or IPv6 (traffic class; no checksum); ECN kept.
bool SetDscp(uint8_t* frame, uint32_t len, const PacketLayout& layout, uint8_t dscp);

// Pushes an 802.1Q/802.1ad tag with `tpid`; its TCI copies the current outer tag's TCI, or is
// 0 for an untagged frame. Needs 4 bytes of headroom before `frame`; returns the new frame
// start (frame - 4), or nullptr (frame unchanged) without room.
uint8_t* PushVlan(uint8_t* frame, uint32_t* len, uint32_t headroom, PacketLayout* layout, uint16_t tpid);
// Removes the outer tag; returns the new start (frame + 4), or `frame` if it was untagged.
uint8_t* PopVlan(uint8_t* frame, uint32_t* len, PacketLayout* layout);
// Sets the VID of the outer tag (PCP kept); an untagged frame gets a 0x8100 tag first
// (OVS mod_vlan_vid semantics), which needs headroom like PushVlan. nullptr = no room.
uint8_t* SetVlanVid(uint8_t* frame, uint32_t* len, uint32_t headroom, PacketLayout* layout, uint16_t vid);

enum class RewriteResult : uint8_t {
  kApplied,        // bytes changed
  kNotApplicable,  // frame has no such header (or the action is not a rewrite): unchanged
  kNoHeadroom,     // a VLAN push needed 4 bytes before the frame
};

// Dispatches one rewriting action (set-field, VLAN) to the functions above. *frame may move
// by +-4 bytes (VLAN push/pop): the caller syncs its buffer as described at the top.
RewriteResult ApplyRewrite(const Action& action, uint8_t** frame, uint32_t* len, uint32_t headroom,
                           PacketLayout* layout);

}  // namespace vswitch::flow
