// Packet sockets of DPDK's net_af_packet driver: making them receive only what arrives.
//
// A packet socket bound to an interface sees both directions by default: frames the interface
// receives and frames the host transmits on it (PACKET_OUTGOING). net_af_packet in DPDK 22.11
// does not check the packet type, so on the host end of a
// container's veth every frame the host stack sends towards the container (an ARP request,
// an IPv6 router solicitation, a ping from the host) would also be switched as if the
// container had sent it, with the container's side of the MAC table pointing the wrong way.
// The driver does not hand out its sockets, so after probing we find them among the
// process's file descriptors (AF_PACKET, bound to the interface's index) and attach a
// four-instruction classic BPF filter that drops PACKET_OUTGOING frames in the kernel.
// (PACKET_IGNORE_OUTGOING would be simpler, but the driver joins a PACKET_FANOUT group at
// probe, and a fanout group delivers through its own hook, which that option does not
// reach; the fanout flag for it can only be given when the group is created.)
// Control path only: runs once when the port is added.
#pragma once

#include <string>

#include "common/status.h"

namespace vswitch {

// Filters PACKET_OUTGOING frames out of every AF_PACKET socket of this process bound to
// `iface`. Fails when there is none (the driver changed how it opens the interface) or the
// kernel refuses the filter: the port would then switch host-sent frames.
Status IgnoreOutgoingFrames(const std::string& iface);

}  // namespace vswitch
