// Port conversion between the API schema (vswitch.v1.Port / PortStatus) and the dataplane's
// C++ types (vswitch::PortConfig / PortInfo).
//
// This is the only place that translates a port, and the config loader, the state file, the
// gRPC service and (through the service) vsctl all use it, so a port written in a file, sent
// in an API call or typed on the command line means exactly the same thing.
#pragma once

#include "common/status.h"
#include "port/port_config.h"
#include "switch/switch.h"
#include "vswitch/v1/vswitch.pb.h"

namespace vswitch::controlplane {

// Fills `out` from `port`, applying the schema's defaults (admin_up unset = up, rx_queues 0 =
// 1). Rejects values the C++ type cannot hold; the message names the field, e.g.
// "rx_queues: 70000 is out of range 1..65535". Option keys/values are checked later by the
// dataplane (BuildPortDevargs), which owns the per-type rules.
Status PortFromProto(const v1::Port& port, PortConfig* out);

// The inverse: every field set explicitly (admin_up included), so a round trip is exact.
v1::Port PortToProto(const PortConfig& config);

v1::PortCounters PortCountersToProto(const PortCounters& counters);
v1::PortStatus PortStatusToProto(const PortInfo& info);

}  // namespace vswitch::controlplane
