// vswitchd's command line (Boost.Program_options), separate from main() so it can be
// unit-tested: parsing never touches DPDK, so --help and --version work without hugepages
// or root.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "eal/eal.h"

namespace vswitch::controlplane {

inline constexpr const char* kDefaultSocketPath = "/run/vswitch/vswitchd.sock";
inline constexpr const char* kDefaultStateDir = "/var/lib/vswitch";

struct VswitchdOptions {
  bool help = false;
  bool version = false;
  std::string help_text;        // filled whenever parsing succeeds
  std::string config_file;      // "" = none
  eal::EalOptions eal;
  std::string socket_path = kDefaultSocketPath;
  std::string state_dir = kDefaultStateDir;  // "" after parsing "none" = no persistence
  unsigned mbufs = 0;           // 0 = from the config file's settings, else the built-in default
  unsigned idle_sleep_us = 0;   // 0 = never sleep: pure poll mode
};

// argv[0] is the program name. Errors name the option, e.g. "--workers: expected a number
// 1-64, got 'x'".
Status ParseVswitchdOptions(const std::vector<std::string>& args, VswitchdOptions* out);

}  // namespace vswitch::controlplane
