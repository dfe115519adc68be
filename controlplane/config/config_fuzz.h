// Fuzz entry for the config parser and validator: the bytes are parsed as a text-format and
// as a JSON config, and whatever parses is validated and printed back. Called by the
// libFuzzer binary (config_fuzzer) and, over the seed corpus, by a unit test.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vswitch::controlplane {

int FuzzConfigParser(const uint8_t* data, size_t size);

}  // namespace vswitch::controlplane
