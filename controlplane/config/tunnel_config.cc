#include "config/tunnel_config.h"

#include <map>
#include <set>
#include <utility>

#include "convert/tunnel_convert.h"
#include "vtep/vtep_options.h"

namespace vswitch::controlplane {

namespace {

// Check* messages start with their own field ("vni: ..."): report them under `field`
// ("vnis[2]") as "vnis[2].vni: ...".
void ReportNested(const ProblemSink& problem, const std::string& field, const Status& status) {
  if (status.ok()) return;
  const std::string& message = status.message();
  size_t colon = message.find(": ");
  if (colon == std::string::npos) {
    problem(field, message);
  } else {
    problem(field + "." + message.substr(0, colon), message.substr(colon + 2));
  }
}

void ValidateVxlanPorts(const v1::Config& config, const ProblemSink& problem) {
  std::map<std::string, int> port_index;  // name -> first index
  for (int i = 0; i < config.ports_size(); ++i) port_index.emplace(config.ports(i).name(), i);
  std::map<std::string, int> vtep_on_uplink;  // uplink name -> index of its vxlan port
  for (int i = 0; i < config.ports_size(); ++i) {
    const v1::Port& port = config.ports(i);
    if (port.type() != kVxlanPortType) continue;
    std::string field = "ports[" + std::to_string(i) + "]";
    if (port.vni() != 0) {
      problem(field + ".vni", "a vxlan port carries every VNI (use option key=VNI to fix one)");
    }
    tunnels::VtepOptions vtep;
    Status parsed = tunnels::ParseVtepOptions({port.options().begin(), port.options().end()}, &vtep);
    if (!parsed.ok()) {
      problem(field + ".options", parsed.message());
      continue;
    }
    auto uplink = port_index.find(vtep.uplink);
    if (uplink == port_index.end()) {
      problem(field + ".options", "uplink '" + vtep.uplink + "' is not a port of this config");
      continue;
    }
    if (config.ports(uplink->second).type() == kVxlanPortType) {
      problem(field + ".options", "uplink '" + vtep.uplink + "' is itself a vxlan port");
      continue;
    }
    auto [first, inserted] = vtep_on_uplink.emplace(vtep.uplink, i);
    if (!inserted) {
      problem(field + ".options", "uplink '" + vtep.uplink + "' already carries vxlan port '" +
                                      config.ports(first->second).name() + "' (ports[" +
                                      std::to_string(first->second) + "]); one VTEP per uplink");
    }
  }
}

void ValidateVnis(const v1::Config& config, const ProblemSink& problem) {
  std::map<uint32_t, int> seen;
  for (int i = 0; i < config.vnis_size(); ++i) {
    const v1::Vni& vni = config.vnis(i);
    std::string field = "vnis[" + std::to_string(i) + "]";
    Status number = CheckVniNumber(vni.vni());
    ReportNested(problem, field, number);
    ReportNested(problem, field, CheckVniRemotes(vni.remotes()));
    if (vni.ports_size() != 0) {
      problem(field + ".ports", "is reported by the daemon, not configured (give the port vni: " +
                                    std::to_string(vni.vni()) + " instead)");
    }
    if (!number.ok()) continue;
    auto [first, inserted] = seen.emplace(vni.vni(), i);
    if (!inserted) {
      problem(field + ".vni", "duplicate VNI " + std::to_string(vni.vni()) + " (first at vnis[" +
                                  std::to_string(first->second) + "])");
    }
  }
}

void ValidateNeighbors(const v1::Config& config, const ProblemSink& problem) {
  std::map<uint32_t, int> seen;
  for (int i = 0; i < config.neighbors_size(); ++i) {
    const v1::Neighbor& neighbor = config.neighbors(i);
    std::string field = "neighbors[" + std::to_string(i) + "]";
    Status fields = CheckNeighborFields(neighbor.ip(), neighbor.mac());
    if (!fields.ok()) {
      ReportNested(problem, field, fields);
      continue;
    }
    uint32_t ip = 0;
    tunnels::ParseIpv4(neighbor.ip(), &ip);
    auto [first, inserted] = seen.emplace(ip, i);
    if (!inserted) {
      problem(field + ".ip", "duplicate neighbour " + neighbor.ip() + " (first at neighbors[" +
                                 std::to_string(first->second) + "])");
    }
  }
}

void ValidateRoutes(const v1::Config& config, const ProblemSink& problem) {
  std::map<std::string, int> seen;
  for (int i = 0; i < config.routes_size(); ++i) {
    const v1::Route& route = config.routes(i);
    std::string field = "routes[" + std::to_string(i) + "]";
    Status fields = CheckRouteFields(route.prefix(), route.gateway());
    if (!fields.ok()) {
      ReportNested(problem, field, fields);
      continue;
    }
    // No host bits (checked above), so equal prefixes are equal strings once re-formatted.
    uint32_t prefix = 0;
    uint8_t length = 0;
    tunnels::ParseIpv4Prefix(route.prefix(), &prefix, &length);
    std::string key = tunnels::FormatIpv4(prefix) + "/" + std::to_string(length);
    auto [first, inserted] = seen.emplace(key, i);
    if (!inserted) {
      problem(field + ".prefix", "duplicate route for " + key + " (first at routes[" +
                                     std::to_string(first->second) + "])");
    }
  }
}

std::vector<std::string> Remotes(const v1::Vni& vni) { return {vni.remotes().begin(), vni.remotes().end()}; }

}  // namespace

void ValidateTunnelConfig(const v1::Config& config, const ProblemSink& problem) {
  ValidateVxlanPorts(config, problem);
  ValidateVnis(config, problem);
  ValidateNeighbors(config, problem);
  ValidateRoutes(config, problem);
}

Status CheckStaticMacAgainstPort(const v1::MacEntry& entry, const v1::Port& port) {
  if (Status fields = CheckMacTunnelFields(entry.vni(), entry.remote_ip()); !fields.ok()) return fields;
  if (port.type() == kVxlanPortType) {
    if (entry.vni() == 0) {
      return Status::InvalidArgument("vni: a MAC behind vxlan port '" + port.name() + "' needs the VNI it lives in");
    }
    if (entry.remote_ip().empty()) {
      return Status::InvalidArgument("remote_ip: a MAC behind vxlan port '" + port.name() +
                                     "' needs the remote VTEP's address");
    }
    return Status::Ok();
  }
  if (!entry.remote_ip().empty()) {
    return Status::InvalidArgument("remote_ip: only for MACs behind a vxlan port ('" + port.name() + "' is " +
                                   port.type() + ")");
  }
  if (entry.vni() != port.vni()) {
    return Status::InvalidArgument("vni: port '" + port.name() + "' is in VNI " + std::to_string(port.vni()) +
                                   ", not " + std::to_string(entry.vni()));
  }
  return Status::Ok();
}

Status ApplyTunnelConfig(Switch* sw, const v1::Config& config, std::vector<std::function<void()>>* undo) {
  std::vector<std::function<void()>> done;
  auto fail = [&](const Status& status, const std::string& item) {
    for (auto it = done.rbegin(); it != done.rend(); ++it) (*it)();
    return status.WithContext(item);
  };
  for (int i = 0; i < config.vnis_size(); ++i) {
    const v1::Vni& vni = config.vnis(i);
    Status status = sw->SetVni(vni.vni(), Remotes(vni));
    if (!status.ok()) return fail(status, "vnis[" + std::to_string(i) + "] (vni " + std::to_string(vni.vni()) + ")");
    done.push_back([sw, number = vni.vni()] { sw->DeleteVni(number); });
  }
  for (int i = 0; i < config.neighbors_size(); ++i) {
    const v1::Neighbor& neighbor = config.neighbors(i);
    Status status = sw->AddNeighbor(neighbor.ip(), neighbor.mac());
    if (!status.ok()) return fail(status, "neighbors[" + std::to_string(i) + "] (" + neighbor.ip() + ")");
    done.push_back([sw, ip = neighbor.ip()] { sw->DeleteNeighbor(ip); });
  }
  for (int i = 0; i < config.routes_size(); ++i) {
    const v1::Route& route = config.routes(i);
    Status status = sw->AddRoute(route.prefix(), route.gateway());
    if (!status.ok()) return fail(status, "routes[" + std::to_string(i) + "] (" + route.prefix() + ")");
    done.push_back([sw, prefix = route.prefix()] { sw->DeleteRoute(prefix); });
  }
  for (auto& action : done) undo->push_back(std::move(action));
  return Status::Ok();
}

void RestoreTunnelState(Switch* sw, const v1::Config& state, RestoreResult* result) {
  // The state file may have been edited by hand: every item is checked as the API would.
  std::set<uint32_t> vnis;
  for (const VniInfo& vni : sw->ListVnis()) vnis.insert(vni.vni);
  for (int i = 0; i < state.vnis_size(); ++i) {
    const v1::Vni& vni = state.vnis(i);
    std::string item = "vnis[" + std::to_string(i) + "] (vni " + std::to_string(vni.vni()) + ")";
    if (vnis.count(vni.vni())) continue;  // configured by --config, which wins
    Status status = CheckVniNumber(vni.vni());
    if (status.ok()) status = CheckVniRemotes(vni.remotes());
    if (status.ok()) status = sw->SetVni(vni.vni(), Remotes(vni));
    if (!status.ok()) {
      result->warnings.push_back(status.WithContext(item).message());
      continue;
    }
    ++result->vnis_restored;
  }
  std::set<std::string> neighbors;
  for (const NeighborInfo& neighbor : sw->ListNeighbors()) neighbors.insert(neighbor.ip);
  for (int i = 0; i < state.neighbors_size(); ++i) {
    const v1::Neighbor& neighbor = state.neighbors(i);
    if (neighbors.count(neighbor.ip())) continue;
    Status status = CheckNeighborFields(neighbor.ip(), neighbor.mac());
    if (status.ok()) status = sw->AddNeighbor(neighbor.ip(), neighbor.mac());
    if (!status.ok()) {
      std::string item = "neighbors[" + std::to_string(i) + "] (" + neighbor.ip() + ")";
      result->warnings.push_back(status.WithContext(item).message());
      continue;
    }
    ++result->neighbors_restored;
  }
  std::set<std::string> routes;
  for (const RouteInfo& route : sw->ListRoutes()) routes.insert(route.prefix);
  for (int i = 0; i < state.routes_size(); ++i) {
    const v1::Route& route = state.routes(i);
    if (routes.count(route.prefix())) continue;
    Status status = CheckRouteFields(route.prefix(), route.gateway());
    if (status.ok()) status = sw->AddRoute(route.prefix(), route.gateway());
    if (!status.ok()) {
      std::string item = "routes[" + std::to_string(i) + "] (" + route.prefix() + ")";
      result->warnings.push_back(status.WithContext(item).message());
      continue;
    }
    ++result->routes_restored;
  }
}

void SnapshotTunnels(const Switch& sw, v1::Config* out) {
  for (const VniInfo& info : sw.ListVnis()) {
    v1::Vni* vni = out->add_vnis();
    vni->set_vni(info.vni);
    for (const std::string& remote : info.remotes) vni->add_remotes(remote);
  }
  for (const NeighborInfo& info : sw.ListNeighbors()) {
    if (!info.is_static) continue;
    v1::Neighbor* neighbor = out->add_neighbors();
    neighbor->set_ip(info.ip);
    neighbor->set_mac(info.mac);
  }
  for (const RouteInfo& info : sw.ListRoutes()) *out->add_routes() = RouteToProto(info);
}

}  // namespace vswitch::controlplane
