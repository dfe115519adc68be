#include "config/config_apply.h"

#include <functional>
#include <set>
#include <utility>

#include "config/config_validate.h"
#include "config/tunnel_config.h"
#include "config/flow_config.h"
#include "convert/port_convert.h"
#include "convert/switch_convert.h"
#include "convert/tunnel_convert.h"

namespace vswitch::controlplane {

namespace {

std::string PortField(int index, const std::string& name) {
  return "ports[" + std::to_string(index) + "] '" + name + "'";
}

std::string MacField(int index, const v1::MacEntry& entry) {
  std::string vni = entry.vni() == 0 ? "" : "VNI " + std::to_string(entry.vni()) + " ";
  return "static_macs[" + std::to_string(index) + "] (" + vni + "VLAN " + std::to_string(entry.vlan()) + " " +
         entry.mac() + ")";
}

// The order ports are added in: the file's, except that vxlan ports come after every other
// port, since a VTEP needs its uplink to exist (and the state file lists ports by number).
std::vector<int> PortOrder(const google::protobuf::RepeatedPtrField<v1::Port>& ports) {
  std::vector<int> order;
  for (bool vxlan : {false, true}) {
    for (int i = 0; i < ports.size(); ++i) {
      if ((ports.Get(i).type() == kVxlanPortType) == vxlan) order.push_back(i);
    }
  }
  return order;
}

}  // namespace

Status ApplyConfig(Switch* sw, const v1::Config& config) {
  Status valid = ValidateConfig(config);
  if (!valid.ok()) return valid;

  std::vector<std::string> added_ports;
  std::vector<std::function<void()>> added_tunnels;
  std::vector<const v1::MacEntry*> added_macs;
  auto roll_back = [&] {
    for (auto it = added_macs.rbegin(); it != added_macs.rend(); ++it) {
      sw->DeleteMac(static_cast<uint16_t>((*it)->vlan()), (*it)->mac(), (*it)->vni());
    }
    for (auto it = added_tunnels.rbegin(); it != added_tunnels.rend(); ++it) (*it)();
    for (auto it = added_ports.rbegin(); it != added_ports.rend(); ++it) sw->DeletePort(*it);
  };

  for (int i : PortOrder(config.ports())) {
    PortConfig port;
    Status status = PortFromProto(config.ports(i), &port);
    if (status.ok()) status = sw->AddPort(port);
    if (!status.ok()) {
      roll_back();
      return status.WithContext(PortField(i, config.ports(i).name()));
    }
    added_ports.push_back(port.name);
  }
  if (Status status = ApplyTunnelConfig(sw, config, &added_tunnels); !status.ok()) {
    roll_back();
    return status;
  }
  for (int i = 0; i < config.static_macs_size(); ++i) {
    const v1::MacEntry& entry = config.static_macs(i);
    Status status = sw->AddStaticMac(static_cast<uint16_t>(entry.vlan()), entry.mac(), entry.port(), entry.vni(),
                                     entry.remote_ip());
    if (!status.ok()) {
      roll_back();
      return status.WithContext(MacField(i, entry));
    }
    added_macs.push_back(&entry);
  }
  // Meters, then all flows in one batch (the rules may use the ports and meters).
  if (Status status = ApplyFlowConfig(sw, config); !status.ok()) {
    roll_back();
    return status;
  }
  return Status::Ok();
}

RestoreResult RestoreState(Switch* sw, const v1::Config& state) {
  RestoreResult result;
  std::set<std::string> present;
  for (const PortInfo& info : sw->ListPorts()) present.insert(info.config.name);

  for (int i : PortOrder(state.ports())) {
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
  RestoreTunnelState(sw, state, &result);
  for (int i = 0; i < state.static_macs_size(); ++i) {
    const v1::MacEntry& entry = state.static_macs(i);
    Status status = CheckMacEntryFields(entry.vlan(), entry.mac());  // the file may be hand-edited
    if (status.ok()) status = CheckMacTunnelFields(entry.vni(), entry.remote_ip());
    if (status.ok()) {
      status = sw->AddStaticMac(static_cast<uint16_t>(entry.vlan()), entry.mac(), entry.port(), entry.vni(),
                                entry.remote_ip());
    }
    if (status.code() == Status::Code::kAlreadyExists) continue;  // also in --config
    if (!status.ok()) {
      result.warnings.push_back(status.WithContext(MacField(i, entry)).message());
      continue;
    }
    ++result.macs_restored;
  }
  FlowRestoreResult flows = RestoreFlowState(sw, state);
  result.meters_restored = flows.meters_restored;
  result.flows_restored = flows.flows_restored;
  result.warnings.insert(result.warnings.end(), flows.warnings.begin(), flows.warnings.end());
  return result;
}

}  // namespace vswitch::controlplane
