#include "vsctl/tunnel_commands.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <set>

#include "vsctl/output_format.h"
#include "vsctl/port_spec.h"
#include "vsctl/text_table.h"
#include "vswitch/v1/tunnels.grpc.pb.h"

namespace vswitch::controlplane {

namespace {

constexpr uint64_t kMaxVni = (1u << 24) - 1;

const std::vector<CommandSpec>& TunnelCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"add-vni", "VNI [REMOTE-IP ...]", "create a VXLAN network, or replace its flood list",
       "VNI is 1-16777215. Broadcast and unknown unicast of the VNI go to every REMOTE-IP (the\n"
       "remote VTEPs, head-end replication); with none, remote MACs must be static (fdb-add).\n"
       "Frames arriving for a VNI that does not exist are dropped (vxlan_unknown_vni).\n"
       "A local port joins the VNI with the port setting vni=N (vsctl add-port ... vni=N);\n"
       "a vxlan port (vsctl add-port vx0 vxlan uplink=PORT local-ip=A.B.C.D) carries them all.\n"
       "Example: vsctl add-vni 100 192.168.50.2 192.168.50.3\n",
       1, kUnlimited},
      {"del-vni", "VNI", "delete a VXLAN network (its learned MACs are forgotten)", "", 1, 1},
      {"vni-show", "[VNI]", "VXLAN networks: flood list (remote VTEPs) and local ports", "", 0, 1},
      {"neigh-add", "IP MAC", "add a static underlay neighbour (a remote VTEP or gateway)",
       "Static neighbours are never replaced by ARP. Without one, the switch resolves a remote\n"
       "VTEP or gateway by ARP on the uplink.\n"
       "Example: vsctl neigh-add 192.168.50.2 02:00:00:00:50:02\n",
       2, 2},
      {"neigh-del", "IP", "delete an underlay neighbour (static or learned)", "", 1, 1},
      {"neigh-show", "", "the underlay neighbour table: IP, MAC, static or learned on which uplink", "", 0, 0},
      {"route-add", "PREFIX GATEWAY", "route remote VTEPs in PREFIX via GATEWAY (replaces an existing route)",
       "PREFIX is A.B.C.D/LEN with no host bits set. Remote VTEPs outside the uplink's own\n"
       "subnet are reached through the longest matching route; GATEWAY is resolved like a\n"
       "neighbour.\n"
       "Example: vsctl route-add 10.20.0.0/16 192.168.50.1\n",
       2, 2},
      {"route-del", "PREFIX", "delete a route", "", 1, 1},
      {"route-show", "", "the static routes to remote VTEPs", "", 0, 0},
  };
  return kSpecs;
}

std::string ParseVni(const std::string& text, uint32_t* vni) {
  uint64_t value = 0;
  std::string error = ParseUnsigned("VNI", text, 1, kMaxVni, &value);
  *vni = static_cast<uint32_t>(value);
  return error;
}

std::chrono::system_clock::time_point Deadline(const CommandLine& line) {
  return std::chrono::system_clock::now() +
         std::chrono::milliseconds(static_cast<int64_t>(line.timeout_seconds * 1000));
}

}  // namespace

std::vector<CommandSpec> WithTunnelCommands(std::vector<CommandSpec> commands) {
  commands.insert(commands.end(), TunnelCommandSpecs().begin(), TunnelCommandSpecs().end());
  return commands;
}

bool IsTunnelCommand(const std::string& name) {
  for (const CommandSpec& spec : TunnelCommandSpecs()) {
    if (name == spec.name) return true;
  }
  return false;
}

std::string ParseTunnelCommand(const std::string& name, const std::vector<std::string>& args, TunnelRequest* out) {
  TunnelRequest request;
  std::string error;
  if (name == "add-vni") {
    uint32_t vni = 0;
    error = ParseVni(args[0], &vni);
    request.set_vni.set_vni(vni);
    for (size_t i = 1; i < args.size(); ++i) request.set_vni.add_remotes(args[i]);
  } else if (name == "del-vni") {
    uint32_t vni = 0;
    error = ParseVni(args[0], &vni);
    request.delete_vni.set_vni(vni);
  } else if (name == "vni-show") {
    uint32_t vni = 0;
    if (!args.empty()) error = ParseVni(args[0], &vni);
    request.list_vnis.set_vni(vni);
  } else if (name == "neigh-add") {
    request.add_neighbor.set_ip(args[0]);
    request.add_neighbor.set_mac(args[1]);
  } else if (name == "neigh-del") {
    request.delete_neighbor.set_ip(args[0]);
  } else if (name == "route-add") {
    request.add_route.mutable_route()->set_prefix(args[0]);
    request.add_route.mutable_route()->set_gateway(args[1]);
  } else if (name == "route-del") {
    request.delete_route.set_prefix(args[0]);
  } else if (name != "neigh-show" && name != "route-show") {
    return "'" + name + "' is not a tunnel command";
  }
  if (!error.empty()) return name + ": " + error;
  *out = std::move(request);
  return "";
}

std::string ParseFdbTunnelArguments(const std::vector<std::string>& args, bool allow_remote, uint32_t* vni,
                                    std::string* remote_ip) {
  *vni = 0;
  remote_ip->clear();
  std::set<std::string> seen;
  for (const std::string& arg : args) {
    size_t eq = arg.find('=');
    std::string key = eq == std::string::npos ? arg : arg.substr(0, eq);
    if (eq == std::string::npos || (key != "vni" && (key != "remote" || !allow_remote))) {
      return "'" + arg + "': expected " + (allow_remote ? "vni=N or remote=IP" : "vni=N");
    }
    if (!seen.insert(key).second) return "'" + key + "' is given more than once";
    std::string value = arg.substr(eq + 1);
    if (key == "vni") {
      uint64_t number = 0;
      std::string error = ParseUnsigned("vni", value, 0, kMaxVni, &number);
      if (!error.empty()) return error;
      *vni = static_cast<uint32_t>(number);
    } else {
      if (value.empty()) return "remote: expected the remote VTEP's IPv4 address";
      *remote_ip = value;
    }
  }
  return "";
}

bool RunTunnelCommand(const CommandLine& line, const TunnelRequest& request,
                      const std::shared_ptr<grpc::Channel>& channel) {
  using Stub = v1::Tunnels::Stub;
  std::unique_ptr<Stub> stub = v1::Tunnels::NewStub(channel);
  const std::string name = line.command->name;

  // One RPC, then its reply printed as JSON (--json) or by `format` (nothing when null).
  auto call = [&](auto method, const auto& rpc_request, auto* response,
                  const std::function<std::string()>& format) {
    grpc::ClientContext context;
    context.set_deadline(Deadline(line));
    grpc::Status status = (stub.get()->*method)(&context, rpc_request, response);
    if (!status.ok()) {
      std::fprintf(stderr, "vsctl: %s: %s\n", name.c_str(), status.error_message().c_str());
      return false;
    }
    if (line.json) {
      std::fputs(ToJson(*response).c_str(), stdout);
    } else if (format) {
      std::fputs(format().c_str(), stdout);
    }
    return true;
  };

  if (name == "add-vni") {
    v1::SetVniResponse response;
    return call(&Stub::SetVni, request.set_vni, &response, nullptr);
  }
  if (name == "del-vni") {
    v1::DeleteVniResponse response;
    return call(&Stub::DeleteVni, request.delete_vni, &response, nullptr);
  }
  if (name == "vni-show") {
    v1::ListVnisResponse response;
    return call(&Stub::ListVnis, request.list_vnis, &response, [&] { return FormatVnis(response); });
  }
  if (name == "neigh-add") {
    v1::AddNeighborResponse response;
    return call(&Stub::AddNeighbor, request.add_neighbor, &response, nullptr);
  }
  if (name == "neigh-del") {
    v1::DeleteNeighborResponse response;
    return call(&Stub::DeleteNeighbor, request.delete_neighbor, &response, nullptr);
  }
  if (name == "neigh-show") {
    v1::ListNeighborsResponse response;
    return call(&Stub::ListNeighbors, v1::ListNeighborsRequest(), &response,
                [&] { return FormatNeighbors(response); });
  }
  if (name == "route-add") {
    v1::AddRouteResponse response;
    return call(&Stub::AddRoute, request.add_route, &response, nullptr);
  }
  if (name == "route-del") {
    v1::DeleteRouteResponse response;
    return call(&Stub::DeleteRoute, request.delete_route, &response, nullptr);
  }
  if (name == "route-show") {
    v1::ListRoutesResponse response;
    return call(&Stub::ListRoutes, v1::ListRoutesRequest(), &response, [&] { return FormatRoutes(response); });
  }
  std::fprintf(stderr, "vsctl: %s: not a tunnel command\n", name.c_str());  // a bug in the caller
  return false;
}

std::string FormatVnis(const v1::ListVnisResponse& vnis) {
  using Align = TextTable::Align;
  TextTable table({{"VNI", Align::kRight}, {"REMOTES"}, {"PORTS"}});
  auto join = [](const google::protobuf::RepeatedPtrField<std::string>& items) {
    std::string out;
    for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
    return out.empty() ? std::string("-") : out;
  };
  for (const v1::Vni& vni : vnis.vnis()) {
    table.AddRow({std::to_string(vni.vni()), join(vni.remotes()), join(vni.ports())});
  }
  return table.ToString();
}

std::string FormatNeighbors(const v1::ListNeighborsResponse& neighbors) {
  using Align = TextTable::Align;
  TextTable table({{"IP"}, {"MAC"}, {"TYPE"}, {"PORT"}, {"AGE", Align::kRight}});
  for (const v1::Neighbor& n : neighbors.neighbors()) {
    table.AddRow({n.ip(), n.mac(), n.is_static() ? "static" : "learned", n.port().empty() ? "-" : n.port(),
                  n.is_static() ? "-" : std::to_string(n.age_seconds())});
  }
  return table.ToString();
}

std::string FormatRoutes(const v1::ListRoutesResponse& routes) {
  TextTable table({{"PREFIX"}, {"GATEWAY"}});
  for (const v1::Route& route : routes.routes()) table.AddRow({route.prefix(), route.gateway()});
  return table.ToString();
}

}  // namespace vswitch::controlplane
