#include "vsctl/port_spec.h"

#include <set>

namespace vswitch::controlplane {

std::string ParseUnsigned(const std::string& field, const std::string& text, uint64_t min, uint64_t max,
                          uint64_t* out) {
  std::string expected = "expected a number " + std::to_string(min) + ".." + std::to_string(max);
  if (text.empty() || text.size() > 19) return field + ": " + expected + ", got '" + text + "'";
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return field + ": " + expected + ", got '" + text + "'";
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value < min || value > max) return field + ": " + expected + ", got '" + text + "'";
  *out = value;
  return "";
}

std::string ParseAdminSetting(const std::string& argument, bool* up) {
  if (argument == "admin=up") {
    *up = true;
    return "";
  }
  if (argument == "admin=down") {
    *up = false;
    return "";
  }
  return "expected admin=up or admin=down, got '" + argument + "'";
}

std::string ParsePortSpec(const std::string& name, const std::string& type, const std::vector<std::string>& settings,
                          v1::Port* out) {
  v1::Port port;
  port.set_name(name);
  port.set_type(type);
  std::set<std::string> seen;
  for (const std::string& setting : settings) {
    size_t eq = setting.find('=');
    if (eq == std::string::npos || eq == 0) return "'" + setting + "': expected key=value";
    std::string key = setting.substr(0, eq);
    std::string value = setting.substr(eq + 1);
    if (!seen.insert(key).second) return "'" + key + "' is given more than once";
    uint64_t number = 0;
    std::string error;
    if (key == "mac") {
      port.set_mac(value);
    } else if (key == "mtu") {
      error = ParseUnsigned("mtu", value, 68, 65535, &number);
      port.set_mtu(static_cast<uint32_t>(number));
    } else if (key == "rxq") {
      error = ParseUnsigned("rxq", value, 1, 65535, &number);
      port.set_rx_queues(static_cast<uint32_t>(number));
    } else if (key == "learn-limit") {
      error = ParseUnsigned("learn-limit", value, 0, UINT32_MAX, &number);
      port.set_mac_learning_limit(static_cast<uint32_t>(number));
    } else if (key == "vni") {
      error = ParseUnsigned("vni", value, 0, (1u << 24) - 1, &number);
      port.set_vni(static_cast<uint32_t>(number));
    } else if (key == "admin") {
      bool up = true;
      error = ParseAdminSetting(setting, &up);
      port.set_admin_up(up);
    } else {
      (*port.mutable_options())[key] = value;
    }
    if (!error.empty()) return error;
  }
  *out = std::move(port);
  return "";
}

}  // namespace vswitch::controlplane
