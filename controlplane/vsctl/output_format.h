// vsctl's human-readable output, one function per command, from the daemon's replies.
// Modelled on the Open vSwitch tools operators know: `ovs-vsctl show` (ports at a glance),
// `ovs-ofctl dump-ports` (counters), `ovs-appctl dpif-netdev/pmd-stats-show` (workers) and
// `ovs-appctl fdb/show` (MAC table). --json bypasses these and prints the reply itself.
#pragma once

#include <string>

#include "vswitch/v1/vswitch.pb.h"

namespace vswitch::controlplane {

// "vswitchd 0.1.0 (DPDK 22.11.1), 1 worker" then a port table.
std::string FormatShow(const v1::GetVersionResponse& version, const v1::ListPortsResponse& ports);
std::string FormatPortStats(const v1::ListPortsResponse& ports);
std::string FormatWorkerStats(const v1::GetWorkerStatsResponse& stats);
std::string FormatFdb(const v1::ListMacsResponse& macs);
std::string FormatListPorts(const v1::ListPortsResponse& ports);

// "key=value,key=value" for the port's options and non-default settings, sorted by key.
std::string FormatPortOptions(const v1::Port& port);

// Protobuf JSON (lowerCamelCase names, uint64 as strings, zero values included so scripts
// always find every counter).
std::string ToJson(const google::protobuf::Message& message);

}  // namespace vswitch::controlplane
