// Fuzz entry for vsctl's command-line parsing: the bytes are split at NUL into argv, then
// parsed as a vsctl command line and, for add-port / set-port, as a port spec.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vswitch::controlplane {

int FuzzVsctlCommandLine(const uint8_t* data, size_t size);

}  // namespace vswitch::controlplane
