// ValidateConfig: checks a whole vswitch.v1.Config before anything is applied, so a bad file
// is rejected with every problem listed and nothing half-configured. Each problem names the
// field path (e.g. "ports[1].name: duplicate port name 'vm1' (first at ports[0])").
//
// It checks what can be known without opening devices: value ranges, MAC syntax, unique
// port names and FDB keys, static MACs pointing at configured ports, and every port's type
// and options through the dataplane's own rules (BuildPortDevargs; for vxlan ports the VTEP
// option parser), VNIs, neighbours and routes (tunnel_config.h), so the file and the API
// reject the same things with the same words. Whether a device really opens is only known
// when it is applied (config_apply.h).
#pragma once

#include "common/status.h"
#include "vswitch/v1/vswitch.pb.h"

namespace vswitch::controlplane {

// Ok, or InvalidArgument with every problem, separated by "; ".
Status ValidateConfig(const v1::Config& config);

}  // namespace vswitch::controlplane
