#include "config/config_apply.h"

#include <set>
#include <utility>

#include "config/config_validate.h"
#include "convert/port_convert.h"
#include "convert/switch_convert.h"

namespace vswitch::controlplane {

namespace {

std::string PortField(int index, const std::string& name) {
  return "ports[" + std::to_string(index) + "] '" + name + "'";
}

std::string MacField(int index, const v1::MacEntry& entry) {
  return "static_macs[" + std::to_string(index) + "] (VLAN " + std::to_string(entry.vlan()) + " " + entry.mac() + ")";
}

}  // namespace

Status ApplyConfig(Switch* sw, const v1::Config& config) {
  Status valid = ValidateConfig(config);
  if (!valid.ok()) return valid;

  std::vector<std::string> added_ports;
  std::vector<std::pair<uint16_t, std::string>> added_macs;
  auto roll_back = [&] {
    for (auto it = added_macs.rbegin(); it != added_macs.rend(); ++it) sw->DeleteMac(it->first, it->second);
    for (auto it = added_ports.rbegin(); it != added_ports.rend(); ++it) sw->DeletePort(*it);
  };

  for (int i = 0; i < config.ports_size(); ++i) {
    PortConfig port;
    Status status = PortFromProto(config.ports(i), &port);
    if (status.ok()) status = sw->AddPort(port);
    if (!status.ok()) {
      roll_back();
      return status.WithContext(PortField(i, config.ports(i).name()));
    }
    added_ports.push_back(port.name);
  }
  for (int i = 0; i < config.static_macs_size(); ++i) {
    const v1::MacEntry& entry = config.static_macs(i);
    Status status = sw->AddStaticMac(static_cast<uint16_t>(entry.vlan()), entry.mac(), entry.port());
    if (!status.ok()) {
      roll_back();
      return status.WithContext(MacField(i, entry));
    }
    added_macs.emplace_back(static_cast<uint16_t>(entry.vlan()), entry.mac());
  }
  return Status::Ok();
}

RestoreResult RestoreState(Switch* sw, const v1::Config& state) {
  RestoreResult result;
  std::set<std::string> present;
  for (const PortInfo& info : sw->ListPorts()) present.insert(info.config.name);

  for (int i = 0; i < state.ports_size(); ++i) {
    const v1::Port& proto = state.ports(i);
    if (present.count(proto.name())) {
      ++result.ports_already_present;
      continue;
    }
    PortConfig port;
    Status status = PortFromProto(proto, &port);
    if (status.ok()) status = sw->AddPort(port);
    if (!status.ok()) {
      result.warnings.push_back(status.WithContext(PortField(i, proto.name())).message());
      continue;
    }
    present.insert(port.name);
    ++result.ports_restored;
  }
  for (int i = 0; i < state.static_macs_size(); ++i) {
    const v1::MacEntry& entry = state.static_macs(i);
    Status status = CheckMacEntryFields(entry.vlan(), entry.mac());  // the file may be hand-edited
    if (status.ok()) status = sw->AddStaticMac(static_cast<uint16_t>(entry.vlan()), entry.mac(), entry.port());
    if (status.code() == Status::Code::kAlreadyExists) continue;  // also in --config
    if (!status.ok()) {
      result.warnings.push_back(status.WithContext(MacField(i, entry)).message());
      continue;
    }
    ++result.macs_restored;
  }
  return result;
}

}  // namespace vswitch::controlplane
