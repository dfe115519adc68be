// DropReason: every reason the dataplane drops a packet, declared once with its counter name
// (the VPP "error counter table" idea). Counters are kept per worker and per port and shown by
// `vsctl port-stats`; adding a reason here is all it takes to get it counted and displayed.
#pragma once

#include <cstdint>

namespace vswitch {

#define VSWITCH_DROP_REASONS(X)                                                          \
  X(kRuntFrame, "runt_frame", "shorter than an Ethernet header")                          \
  X(kMalformedVlan, "malformed_vlan", "802.1Q tag truncated")                             \
  X(kMalformedIpv4, "malformed_ipv4", "bad IPv4 version, header length or total length") \
  X(kMalformedIpv6, "malformed_ipv6", "IPv6 header truncated or bad payload length")     \
  X(kMalformedL4, "malformed_l4", "TCP/UDP/SCTP/ICMP header truncated")                   \
  X(kMalformedArp, "malformed_arp", "ARP body truncated")                                 \
  X(kAdminDown, "admin_down", "port is administratively down")                            \
  X(kTxRingFull, "tx_ring_full", "output queue full")                                     \
  X(kSamePort, "same_port", "destination is the ingress port")                            \
  X(kNoOutput, "no_output", "no port to send to (flood on a one-port switch, or the output port is gone)")                                   \
  X(kPolicy, "policy", "dropped by a flow rule")                                          \
  X(kMeter, "meter", "over a meter's rate (meter:ID action)")                             \
  X(kTableMiss, "table_miss", "no flow rule matched")                                     \
  X(kNoMbuf, "no_mbuf", "no packet buffer for a copy an action list needed")              \
  X(kNoHeadroom, "no_headroom", "no room in front of the frame for a VLAN tag or tunnel header") \
  X(kVxlanMalformed, "vxlan_malformed", "VXLAN to our VTEP with bad lengths, or fragmented")  \
  X(kVxlanBadChecksum, "vxlan_bad_checksum", "outer IPv4 header checksum wrong")             \
  X(kVxlanBadFlags, "vxlan_bad_flags", "VXLAN header without the I flag")                    \
  X(kVxlanUnknownVni, "vxlan_unknown_vni", "VXLAN frame for a VNI this switch does not have") \
  X(kTunnelNoRemote, "tunnel_no_remote", "no remote VTEP or VNI known for a tunnel output")    \
  X(kTunnelNoNeighbor, "tunnel_no_neighbor", "remote VTEP or gateway MAC not resolved yet (ARP sent)") \
  X(kTunnelMtu, "tunnel_mtu", "frame too big for the underlay MTU once encapsulated")

enum class DropReason : uint8_t {
#define VSWITCH_DROP_ENUM(id, name, help) id,
  VSWITCH_DROP_REASONS(VSWITCH_DROP_ENUM)
#undef VSWITCH_DROP_ENUM
  kCount
};

inline constexpr int kNumDropReasons = static_cast<int>(DropReason::kCount);

inline constexpr const char* kDropReasonNames[] = {
#define VSWITCH_DROP_NAME(id, name, help) name,
    VSWITCH_DROP_REASONS(VSWITCH_DROP_NAME)
#undef VSWITCH_DROP_NAME
};

inline constexpr const char* kDropReasonHelp[] = {
#define VSWITCH_DROP_HELP(id, name, help) help,
    VSWITCH_DROP_REASONS(VSWITCH_DROP_HELP)
#undef VSWITCH_DROP_HELP
};

}  // namespace vswitch
