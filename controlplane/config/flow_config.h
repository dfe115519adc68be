// Flows and meters in a Config: the config file's `flows` / `meters` and the persisted state.
//
// Both are lists of text lines in the syntax vsctl and ovs-ofctl take, so a config file, the
// state file and `vsctl dump-flows` (minus statistics) are interchangeable.
//
//  - ValidateFlowConfig: what can be checked before DPDK starts: every line parses (against
//    the config's own port names), meter ids are unique, every meter:N a rule uses is in the
//    file. Each problem names the line: flows[3] "priority=10,...": token 2 'foo=1' ...
//  - ApplyFlowConfig (start-up, all or nothing): meters first, then every flow as ONE atomic
//    batch of adds; a failure removes the meters it added and names the line.
//  - SnapshotFlows (persistence): the running rules and meters, without statistics. Rules
//    with an idle or hard timeout are left out: they are transient by design (a restart
//    would bring back a rule that had expired long ago).
//  - RestoreFlowState (restart, best effort like ports): meters (a meter the config file
//    also has takes the saved settings: the state holds the latest change), then the flows
//    as one batch of adds; a line that no longer applies (its port is gone) is dropped with
//    a warning and the rest is installed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "switch/switch.h"
#include "vswitch/v1/vswitch.pb.h"

namespace vswitch::controlplane {

// (field, reason) pairs, e.g. {"flows[3] \"priority=10,foo=1,actions=drop\"", "token 2 ..."}.
std::vector<std::pair<std::string, std::string>> ValidateFlowConfig(const v1::Config& config);

Status ApplyFlowConfig(Switch* sw, const v1::Config& config);

void SnapshotFlows(const Switch& sw, v1::Config* config);

struct FlowRestoreResult {
  unsigned meters_restored = 0;
  unsigned flows_restored = 0;
  std::vector<std::string> warnings;
};
FlowRestoreResult RestoreFlowState(Switch* sw, const v1::Config& state);

// "flows[2] \"in_port=vm1,actions=drop\"": how errors name a line of the file.
std::string FlowLineField(int index, const std::string& text);
std::string MeterLineField(int index, const std::string& text);

// The dataplane prefixes batch errors with "flow-mod I: " / "flow-mod I (add): "; where the
// error already names the line that prefix only repeats the index, so it is removed.
std::string WithoutFlowModPrefix(const std::string& message);

}  // namespace vswitch::controlplane
