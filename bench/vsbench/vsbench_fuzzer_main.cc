// libFuzzer entry point for vsbench_fuzzer (built only with -DVSWITCH_FUZZ=ON).
#include "vsbench_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return vswitch::vsbench::FuzzVsbenchParsers(data, size);
}
