// Fuzz entry for vsbench's parsers: the received-frame probe parser (fed whatever a switch
// sends back) and the MAC / IPv4 text parsers of the command line.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vswitch::vsbench {

int FuzzVsbenchParsers(const uint8_t* data, size_t size);

}  // namespace vswitch::vsbench
