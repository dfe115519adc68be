// PortConfig: what an operator asks for when adding a port (API, config file or vsctl).
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace vswitch {

struct PortConfig {
  std::string name;                            // unique, [A-Za-z0-9_.-]{1,32}
  std::string type;                            // see port_devargs.h for the list
  std::map<std::string, std::string> options;  // type-specific, validated by PortDevargs
  std::string mac;                             // "" = keep the device's own address
  uint32_t mtu = 0;                            // 0 = device default (1500)
  bool admin_up = true;
  uint16_t rx_queues = 1;                      // spread over the workers round-robin
  uint32_t mac_learning_limit = 0;             // max learned MACs on this port, 0 = no limit
  uint32_t vni = 0;                            // L2 domain for NORMAL: 0, or a tenant's VNI
};

}  // namespace vswitch
