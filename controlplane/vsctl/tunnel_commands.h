// vsctl's tunnel commands: VXLAN networks (add-vni, del-vni, vni-show), underlay neighbours
// (neigh-add, neigh-del, neigh-show) and routes (route-add, route-del, route-show), over the
// Tunnels service (tunnels.proto); plus the vni=/remote= arguments of fdb-add / fdb-del,
// which stay on the Vswitch service.
//
// Like the other commands: what the CLI interprets itself (VNI numbers, the key=value shape)
// is checked before the daemon is contacted, so a typo is a usage error (exit 2); addresses
// are checked by the daemon, with the same words as in a config file (exit 1).
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "vsctl/command_line.h"
#include "vswitch/v1/tunnels.pb.h"

namespace vswitch::controlplane {

// `commands` with the tunnel commands appended (for the command table in command_line.cc).
std::vector<CommandSpec> WithTunnelCommands(std::vector<CommandSpec> commands);

bool IsTunnelCommand(const std::string& name);

// The request a tunnel command sends; only the one for the command is filled.
struct TunnelRequest {
  v1::SetVniRequest set_vni;
  v1::DeleteVniRequest delete_vni;
  v1::ListVnisRequest list_vnis;
  v1::AddNeighborRequest add_neighbor;
  v1::DeleteNeighborRequest delete_neighbor;
  v1::AddRouteRequest add_route;
  v1::DeleteRouteRequest delete_route;
};

// Parses the arguments of tunnel command `name` (their count is already checked against its
// CommandSpec). Returns "" or a usage error that names the argument.
std::string ParseTunnelCommand(const std::string& name, const std::vector<std::string>& args, TunnelRequest* out);

// The optional "vni=N" / "remote=IP" arguments of fdb-add (`allow_remote`) and fdb-del.
// Returns "" or a usage error.
std::string ParseFdbTunnelArguments(const std::vector<std::string>& args, bool allow_remote, uint32_t* vni,
                                    std::string* remote_ip);

// Sends the request over `channel`, prints the reply (JSON with --json) and returns true, or
// prints vswitchd's error ("vsctl: COMMAND: ...") and returns false.
bool RunTunnelCommand(const CommandLine& line, const TunnelRequest& request,
                      const std::shared_ptr<grpc::Channel>& channel);

// Human-readable tables, like `ip neigh` / `ip route` / `bridge fdb` put together.
std::string FormatVnis(const v1::ListVnisResponse& vnis);
std::string FormatNeighbors(const v1::ListNeighborsResponse& neighbors);
std::string FormatRoutes(const v1::ListRoutesResponse& routes);

}  // namespace vswitch::controlplane
