// libFuzzer entry point for config_fuzzer (built only with -DVSWITCH_FUZZ=ON).
#include "config/config_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return vswitch::controlplane::FuzzConfigParser(data, size);
}
