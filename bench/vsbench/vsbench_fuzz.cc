#include "vsbench_fuzz.h"

#include <cstdlib>
#include <string>

#include "frame_spec.h"
#include "probe.h"

namespace vswitch::vsbench {

int FuzzVsbenchParsers(const uint8_t* data, size_t size) {
  // The whole input as a received frame: must never read past size.
  (void)ParseProbe(data, size);
  // The input as text: a parsed address must print back to something that parses the same.
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto ip = ParseIpv4(text)) {
    if (ParseIpv4(FormatIpv4(*ip)) != ip) std::abort();
  }
  (void)ParseMac(text);
  return 0;
}

}  // namespace vswitch::vsbench
