// Packet parser: one pass over the headers of a frame fills a FlowKey and a PacketLayout.
//
// It reads only contiguous bytes (DPDK rx gives single-segment mbufs for frames up to the
// mbuf data room; a multi-segment frame is parsed from its first segment, which always holds
// the headers we look at when the data room is >= 2 KB). Truncated or inconsistent headers are
// reported as a DropReason instead of being guessed at; frames we do not understand (other
// EtherTypes, IPv6 extension chains we do not walk) are valid L2 frames with fewer fields set.
#pragma once

#include <cstdint>

#include "packet/drop_reason.h"
#include "packet/flow_key.h"

namespace vswitch {

// Returns true when the frame is well-formed enough to forward. On false, *reason says why.
// `key` is fully overwritten (zeroed first), so it can be reused across packets.
bool ParseFrame(const uint8_t* data, uint32_t len, uint32_t in_port, FlowKey* key, PacketLayout* layout,
                DropReason* reason);

}  // namespace vswitch
