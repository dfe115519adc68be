// Conversion of the switch-wide types (FDB entries, worker and switch statistics, settings)
// between vswitch.v1 and the dataplane's C++ API. Ports have their own file (port_convert.h).
#pragma once

#include "common/status.h"
#include "switch/switch.h"
#include "vswitch/v1/vswitch.pb.h"

namespace vswitch::controlplane {

v1::MacEntry MacEntryToProto(const MacEntry& entry);

// Checks what the dataplane cannot represent or would reject late: VLAN 0..4095 and a MAC
// in "aa:bb:cc:dd:ee:ff" form; the message names the field.
Status CheckMacEntryFields(uint32_t vlan, const std::string& mac);

v1::WorkerStats WorkerStatsToProto(const WorkerStats& stats);
v1::SwitchStats SwitchStatsToProto(const SwitchStats& stats);

// Applies the non-zero settings on top of `defaults` (0 in the schema = built-in default).
SwitchOptions SwitchOptionsFromSettings(const v1::SwitchSettings& settings, SwitchOptions defaults = {});

}  // namespace vswitch::controlplane
