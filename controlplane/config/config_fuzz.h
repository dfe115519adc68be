// Fuzz entry for the state directory's parsers: the bytes are parsed as a text-format and as
// a JSON config (whatever parses is validated and printed back), and as a flow journal
// (whatever parses is journaled again and must read back the same). Called by the
// libFuzzer binary (config_fuzzer) and, over the seed corpus, by a unit test.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vswitch::controlplane {

int FuzzConfigParser(const uint8_t* data, size_t size);

}  // namespace vswitch::controlplane
