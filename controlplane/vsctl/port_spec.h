// Turning vsctl's "add-port NAME TYPE [key=value ...]" into a vswitch.v1.Port.
//
// The keys mac=, mtu=, rxq=, admin=up|down, learn-limit= and vni= are port settings; every other
// key=value is a type option (iface=veth0, path=/tmp/vm1.sock, ...), passed through as is:
// the daemon checks options with the same rules it applies to config files. Only what the
// CLI itself must interpret (numbers, up/down, the key=value shape) is checked here.
#pragma once

#include <string>
#include <vector>

#include "vswitch/v1/vswitch.pb.h"

namespace vswitch::controlplane {

// Returns "" on success, else a usage error naming the argument.
std::string ParsePortSpec(const std::string& name, const std::string& type, const std::vector<std::string>& settings,
                          v1::Port* out);

// "admin=up" / "admin=down" as used by set-port; "" on success.
std::string ParseAdminSetting(const std::string& argument, bool* up);

// A decimal number within [min, max]; "" on success, else "FIELD: expected ..., got '...'".
std::string ParseUnsigned(const std::string& field, const std::string& text, uint64_t min, uint64_t max,
                          uint64_t* out);

}  // namespace vswitch::controlplane
