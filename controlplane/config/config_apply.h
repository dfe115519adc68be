// Applying configuration to a running Switch.
//
// ApplyConfig is all-or-nothing: the whole Config is validated first, then ports are added in
// file order (vxlan ports after the others: a VTEP needs its uplink), then VNIs, neighbours
// and routes (tunnel_config.h), and static MACs after them; if anything fails, everything
// added so far is removed again and the error names the item that failed ("ports[2] 'vm2': ...").
// Meters and flows come last (config/flow_config.h): the rules may name the ports and use the meters.
//
// RestoreState is best-effort by design: the state file describes ports that existed when
// the daemon stopped, and one of them may be gone now (a deleted container's veth). Such a
// port is reported as a warning and skipped, so the rest of the host keeps its network.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "switch/switch.h"
#include "vswitch/v1/vswitch.pb.h"

namespace vswitch::controlplane {

Status ApplyConfig(Switch* sw, const v1::Config& config);

struct RestoreResult {
  unsigned ports_restored = 0;
  unsigned ports_already_present = 0;  // configured by --config, which wins
  unsigned macs_restored = 0;
  unsigned vnis_restored = 0;
  unsigned neighbors_restored = 0;
  unsigned routes_restored = 0;
  unsigned meters_restored = 0;
  unsigned flows_restored = 0;
  std::vector<std::string> warnings;   // one line per item that could not be restored
};

RestoreResult RestoreState(Switch* sw, const v1::Config& state);

}  // namespace vswitch::controlplane
