// The tunnel part of a Config (vswitch.proto fields 6..8 with tunnels.proto messages, plus
// vxlan ports and static MACs behind remote VTEPs): validation, applying, restoring and
// snapshotting. config_validate, config_apply and state_store call these so the tunnel rules
// live in one file.
//
// Order of application (ApplyConfig): ports (vxlan ports after every other port, since a
// VTEP needs its uplink), then VNIs, neighbours and routes, then static MACs.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config_apply.h"
#include "switch/switch.h"
#include "vswitch/v1/vswitch.pb.h"

namespace vswitch::controlplane {

inline constexpr const char* kVxlanPortType = "vxlan";

// Receives one problem: the field path ("vnis[1].remotes[0]") and the reason.
using ProblemSink = std::function<void(const std::string& field, const std::string& reason)>;

// Checks what the tunnel part of `config` needs beyond single fields: vxlan ports (VTEP
// options by the dataplane's own parser, an uplink that is another configured non-vxlan
// port, one VTEP per uplink, no Port.vni), VNIs (1..16777215, no duplicates, valid flood
// lists), neighbours (IPv4 + unicast MAC, one entry per IP) and routes (prefix without host
// bits, gateway, one entry per prefix).
void ValidateTunnelConfig(const v1::Config& config, const ProblemSink& problem);

// A static MAC's tunnel fields against the port it names: behind a vxlan port it needs
// vni (non-zero) and remote_ip; on any other port remote_ip must be empty and vni must be
// the port's own VNI. Messages start with the field ("remote_ip: ...").
Status CheckStaticMacAgainstPort(const v1::MacEntry& entry, const v1::Port& port);

// Applies config.vnis, neighbors and routes. On failure everything it added is removed again
// and the error names the item ("vnis[1] (vni 200): ..."). On success `undo` holds the
// actions that remove what it added (run them in reverse if a later step fails).
Status ApplyTunnelConfig(Switch* sw, const v1::Config& config, std::vector<std::function<void()>>* undo);

// Best effort, like RestoreState: items already present (from --config, which wins) are
// skipped; items the switch refuses become warnings.
void RestoreTunnelState(Switch* sw, const v1::Config& state, RestoreResult* result);

// Adds the switch's VNIs (flood lists), static neighbours and routes to `out`. Learned
// neighbours are not state: ARP finds them again.
void SnapshotTunnels(const Switch& sw, v1::Config* out);

}  // namespace vswitch::controlplane
