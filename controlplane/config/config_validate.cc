#include "config/config_validate.h"

#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/mac_address.h"
#include "config/flow_config.h"
#include "config/tunnel_config.h"
#include "convert/port_convert.h"
#include "convert/switch_convert.h"
#include "port/port_devargs.h"

namespace vswitch::controlplane {

namespace {

// Collects every problem so one run of the validator tells the operator everything to fix.
class Problems {
 public:
  void Add(const std::string& field, const std::string& reason) { list_.push_back(field + ": " + reason); }
  void Add(const std::string& field, const Status& status) {
    if (!status.ok()) Add(field, status.message());
  }
  // For messages that already start with the sub-field ("vlan: ..."): "static_macs[0].vlan: ...".
  void AddNested(const std::string& field, const Status& status) {
    if (!status.ok()) list_.push_back(field + "." + status.message());
  }
  Status ToStatus() const {
    if (list_.empty()) return Status::Ok();
    std::string joined;
    for (const std::string& problem : list_) joined += (joined.empty() ? "" : "; ") + problem;
    return Status::InvalidArgument(joined);
  }

 private:
  std::vector<std::string> list_;
};

void ValidateSettings(const v1::SwitchSettings& settings, Problems* problems) {
  auto check_descriptors = [&](const char* field, uint32_t value) {
    if (value != 0 && (value < 64 || value > 32768)) {
      problems->Add(std::string("settings.") + field, std::to_string(value) + " is out of range 64..32768");
    }
  };
  check_descriptors("rx_descriptors", settings.rx_descriptors());
  check_descriptors("tx_descriptors", settings.tx_descriptors());
  if (settings.mbufs() != 0 && settings.mbufs() < 1024) {
    problems->Add("settings.mbufs", std::to_string(settings.mbufs()) + " is too small (at least 1024)");
  }
  if (settings.mac_table_size() != 0 && settings.mac_table_size() < 16) {
    problems->Add("settings.mac_table_size", std::to_string(settings.mac_table_size()) + " is too small (at least 16)");
  }
}

void ValidatePort(const v1::Port& port, const std::string& field, Problems* problems) {
  PortConfig config;
  Status converted = PortFromProto(port, &config);
  if (!converted.ok()) {
    problems->AddNested(field, converted);
    return;
  }
  Status name = ValidatePortName(config.name);
  if (!name.ok()) {
    problems->Add(field + ".name", name);
    return;  // the devargs check would report the same name problem again
  }
  if (!config.mac.empty()) {
    auto mac = MacAddress::Parse(config.mac);
    if (!mac) {
      problems->Add(field + ".mac", "'" + config.mac + "' is not a MAC address (expected aa:bb:cc:dd:ee:ff)");
    } else if (mac->IsMulticast() || mac->IsZero()) {
      problems->Add(field + ".mac", "'" + config.mac + "' is not a unicast address");
    }
  }
  if (config.mtu != 0 && config.mtu < 68) {
    problems->Add(field + ".mtu", std::to_string(config.mtu) + " is below the IPv4 minimum of 68");
  }
  // A vxlan port has no device: its options are checked with the other ports in view
  // (ValidateTunnelConfig), since its uplink must be one of them.
  if (config.type == kVxlanPortType) return;
  // Type and options, by the same rules the dataplane applies when the port is added.
  PortDevargs devargs;
  problems->Add(field, BuildPortDevargs(config, "validate", &devargs));
}

}  // namespace

Status ValidateConfig(const v1::Config& config) {
  Problems problems;
  ValidateSettings(config.settings(), &problems);

  std::map<std::string, int> port_index;  // name -> first index
  for (int i = 0; i < config.ports_size(); ++i) {
    const v1::Port& port = config.ports(i);
    std::string field = "ports[" + std::to_string(i) + "]";
    ValidatePort(port, field, &problems);
    auto [it, inserted] = port_index.emplace(port.name(), i);
    if (!inserted && !port.name().empty()) {
      problems.Add(field + ".name",
                   "duplicate port name '" + port.name() + "' (first at ports[" + std::to_string(it->second) + "])");
    }
  }

  std::map<std::tuple<uint32_t, uint32_t, std::string>, int> mac_index;  // (vni, vlan, mac) -> first index
  for (int i = 0; i < config.static_macs_size(); ++i) {
    const v1::MacEntry& entry = config.static_macs(i);
    std::string field = "static_macs[" + std::to_string(i) + "]";
    Status fields = CheckMacEntryFields(entry.vlan(), entry.mac());
    if (!fields.ok()) {
      problems.AddNested(field, fields);
      continue;
    }
    auto mac = MacAddress::Parse(entry.mac());
    if (mac->IsMulticast() || mac->IsZero()) {
      problems.Add(field + ".mac", "'" + entry.mac() + "' is not a unicast address");
    }
    auto port = port_index.find(entry.port());
    if (port == port_index.end()) {
      problems.Add(field + ".port", entry.port().empty() ? "is required" : "unknown port '" + entry.port() + "'");
    } else {
      problems.AddNested(field, CheckStaticMacAgainstPort(entry, config.ports(port->second)));
    }
    // Keys are compared in canonical form so "AA-BB-..." and "aa:bb:..." collide.
    auto [it, inserted] = mac_index.emplace(std::make_tuple(entry.vni(), entry.vlan(), mac->ToString()), i);
    if (!inserted) {
      std::string vni = entry.vni() == 0 ? "" : "VNI " + std::to_string(entry.vni()) + " ";
      problems.Add(field, "duplicate entry for " + vni + "VLAN " + std::to_string(entry.vlan()) + " MAC " +
                              mac->ToString() + " (first at static_macs[" + std::to_string(it->second) + "])");
    }
  }
  ValidateTunnelConfig(config,
                       [&](const std::string& field, const std::string& reason) { problems.Add(field, reason); });
  for (const auto& [field, reason] : ValidateFlowConfig(config)) problems.Add(field, reason);
  return problems.ToStatus();
}

}  // namespace vswitch::controlplane
