// libFuzzer entry point for vsctl_fuzzer (built only with -DVSWITCH_FUZZ=ON).
#include "vsctl/command_line_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return vswitch::controlplane::FuzzVsctlCommandLine(data, size);
}
