// vsctl: the operator's command-line client for vswitchd's gRPC API.
// Exit codes: 0 ok, 1 error reported by vswitchd, 2 usage error, 3 cannot reach vswitchd.
//
// Reachability is decided before the call (by connecting), not from the call's status: the
// daemon may itself answer UNAVAILABLE (e.g. a device that cannot be opened), which is an
// error reported by vswitchd, not an unreachable daemon.
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "heap/heap_hugepages.h"
#include "vsctl/command_line.h"
#include "vsctl/flow_client.h"
#include "vsctl/flow_commands.h"
#include "vsctl/output_format.h"
#include "vsctl/port_spec.h"
#include "vsctl/tunnel_commands.h"
#include "vswitch/v1/vswitch.grpc.pb.h"

namespace {

using namespace vswitch::controlplane;
namespace v1 = vswitch::v1;

constexpr int kExitOk = 0;
constexpr int kExitDaemonError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;

int UsageError(const std::string& message) {
  std::fprintf(stderr, "vsctl: %s\n", message.c_str());
  return kExitUsage;
}

class Client {
 public:
  explicit Client(const CommandLine& line) : line_(line) {}

  // Returns kExitOk when connected, else prints why and returns kExitUnreachable.
  int Connect() {
    struct stat st {};
    if (::stat(line_.server.c_str(), &st) != 0) {
      std::fprintf(stderr, "vsctl: cannot reach vswitchd: %s does not exist (is vswitchd running? see --server)\n",
                   line_.server.c_str());
      return kExitUnreachable;
    }
    channel_ = grpc::CreateChannel("unix:" + line_.server, grpc::InsecureChannelCredentials());
    if (!channel_->WaitForConnected(Deadline())) {
      std::fprintf(stderr, "vsctl: cannot reach vswitchd at %s: no answer within %gs (stale socket, or no permission)\n",
                   line_.server.c_str(), line_.timeout_seconds);
      return kExitUnreachable;
    }
    stub_ = v1::Vswitch::NewStub(channel_);
    return kExitOk;
  }

  // The connection, for commands of the other services (tunnels).
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Runs one RPC; on failure prints the daemon's message and returns false.
  template <typename Request, typename Response>
  bool Call(grpc::Status (v1::Vswitch::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
            const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    grpc::Status status = (stub_.get()->*method)(&context, request, response);
    if (status.ok()) return true;
    std::fprintf(stderr, "vsctl: %s: %s\n", line_.command->name, status.error_message().c_str());
    return false;
  }

 private:
  std::chrono::system_clock::time_point Deadline() const {
    return std::chrono::system_clock::now() +
           std::chrono::milliseconds(static_cast<int64_t>(line_.timeout_seconds * 1000));
  }

  const CommandLine& line_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Vswitch::Stub> stub_;
};

// Prints `response` as JSON or with `format`, returning the exit code.
template <typename Response>
int Print(const CommandLine& line, const Response& response, const std::function<std::string()>& format) {
  std::fputs(line.json ? ToJson(response).c_str() : format().c_str(), stdout);
  return kExitOk;
}

int Run(const CommandLine& line) {
  const std::string command = line.command->name;
  const std::vector<std::string>& args = line.args;
  if (IsFlowCommand(command)) return RunFlowCommand(line);

  // Everything the CLI itself interprets is checked before contacting the daemon, so a
  // typo is a usage error (2) even when the daemon is down.
  v1::AddPortRequest add_port;
  v1::SetPortAdminRequest set_admin;
  v1::AddStaticMacRequest add_mac;
  v1::DeleteMacRequest del_mac;
  TunnelRequest tunnel_request;
  uint64_t vlan = 0;
  if (command == "add-port") {
    std::string error = ParsePortSpec(args[0], args[1], {args.begin() + 2, args.end()}, add_port.mutable_port());
    if (!error.empty()) return UsageError("add-port: " + error);
  } else if (command == "set-port") {
    bool up = true;
    std::string error = ParseAdminSetting(args[1], &up);
    if (!error.empty()) return UsageError("set-port: " + error);
    set_admin.set_name(args[0]);
    set_admin.set_up(up);
  } else if (command == "fdb-add" || command == "fdb-del") {
    std::string error = ParseUnsigned("VLAN", args[0], 0, 4095, &vlan);
    const bool add = command == "fdb-add";
    uint32_t vni = 0;
    std::string remote_ip;
    std::vector<std::string> tunnel_args(args.begin() + (add ? 3 : 2), args.end());
    if (error.empty()) error = ParseFdbTunnelArguments(tunnel_args, add, &vni, &remote_ip);
    if (!error.empty()) return UsageError(command + ": " + error);
    add_mac.set_vlan(static_cast<uint32_t>(vlan));
    add_mac.set_mac(args[1]);
    if (add) add_mac.set_port(args[2]);
    add_mac.set_vni(vni);
    add_mac.set_remote_ip(remote_ip);
    del_mac.set_vlan(static_cast<uint32_t>(vlan));
    del_mac.set_mac(args[1]);
    del_mac.set_vni(vni);
  } else if (IsTunnelCommand(command)) {
    std::string error = ParseTunnelCommand(command, args, &tunnel_request);
    if (!error.empty()) return UsageError(error);
  }

  Client client(line);
  if (int rc = client.Connect(); rc != kExitOk) return rc;
  using Stub = v1::Vswitch::Stub;
  auto empty = [] { return std::string(); };
  if (IsTunnelCommand(command)) {
    return RunTunnelCommand(line, tunnel_request, client.channel()) ? kExitOk : kExitDaemonError;
  }

  if (command == "show") {
    v1::GetVersionResponse version;
    v1::ListPortsResponse ports;
    if (!client.Call(&Stub::GetVersion, v1::GetVersionRequest(), &version)) return kExitDaemonError;
    if (!client.Call(&Stub::ListPorts, v1::ListPortsRequest(), &ports)) return kExitDaemonError;
    return Print(line, ports, [&] { return FormatShow(version, ports); });
  }
  if (command == "version") {
    v1::GetVersionResponse version;
    if (!client.Call(&Stub::GetVersion, v1::GetVersionRequest(), &version)) return kExitDaemonError;
    return Print(line, version, [&] {
      return "vsctl " VSWITCH_VERSION "\nvswitchd " + version.version() + ", " + std::to_string(version.workers()) +
             (version.workers() == 1 ? " worker\n" : " workers\n");
    });
  }
  if (command == "add-port") {
    v1::AddPortResponse response;
    if (!client.Call(&Stub::AddPort, add_port, &response)) return kExitDaemonError;
    return Print(line, response, empty);
  }
  if (command == "del-port") {
    v1::DeletePortRequest request;
    request.set_name(args[0]);
    v1::DeletePortResponse response;
    if (!client.Call(&Stub::DeletePort, request, &response)) return kExitDaemonError;
    return Print(line, response, empty);
  }
  if (command == "set-port") {
    v1::SetPortAdminResponse response;
    if (!client.Call(&Stub::SetPortAdmin, set_admin, &response)) return kExitDaemonError;
    return Print(line, response, empty);
  }
  if (command == "list-ports" || command == "port-stats") {
    v1::ListPortsRequest request;
    if (!args.empty()) request.set_name(args[0]);
    v1::ListPortsResponse response;
    if (!client.Call(&Stub::ListPorts, request, &response)) return kExitDaemonError;
    if (command == "list-ports") return Print(line, response, [&] { return FormatListPorts(response); });
    return Print(line, response, [&] { return FormatPortStats(response); });
  }
  if (command == "fdb-show") {
    v1::ListMacsResponse response;
    if (!client.Call(&Stub::ListMacs, v1::ListMacsRequest(), &response)) return kExitDaemonError;
    return Print(line, response, [&] { return FormatFdb(response); });
  }
  if (command == "fdb-add") {
    v1::AddStaticMacResponse response;
    if (!client.Call(&Stub::AddStaticMac, add_mac, &response)) return kExitDaemonError;
    return Print(line, response, empty);
  }
  if (command == "fdb-del") {
    v1::DeleteMacResponse response;
    if (!client.Call(&Stub::DeleteMac, del_mac, &response)) return kExitDaemonError;
    return Print(line, response, empty);
  }
  if (command == "fdb-flush") {
    v1::FlushMacsRequest request;
    if (!args.empty()) request.set_port(args[0]);
    v1::FlushMacsResponse response;
    if (!client.Call(&Stub::FlushMacs, request, &response)) return kExitDaemonError;
    return Print(line, response, empty);
  }
  if (command == "worker-stats") {
    v1::GetWorkerStatsResponse response;
    if (!client.Call(&Stub::GetWorkerStats, v1::GetWorkerStatsRequest(), &response)) return kExitDaemonError;
    return Print(line, response, [&] { return FormatWorkerStats(response); });
  }
  return UsageError("command '" + command + "' is listed but not implemented");  // a bug in this file
}

}  // namespace

int main(int argc, char** argv) {
  // gRPC's own logging would repeat what vsctl reports in its own words; GRPC_VERBOSITY set
  // by the user still wins (for debugging).
  ::setenv("GRPC_VERBOSITY", "NONE", 0);
  const char* env_server = std::getenv("VSCTL_SERVER");
  CommandLine line;
  std::string error = ParseCommandLine(std::vector<std::string>(argv, argv + argc), env_server ? env_server : "", &line);
  if (!error.empty()) return UsageError(error);
  if (line.action != CommandLine::Action::kRun) {
    std::fputs(line.help_text.c_str(), stdout);
    return kExitOk;
  }
  // A bulk add-flows builds and sends a batch of up to millions of rules: its heap goes on
  // huge pages (the re-exec costs milliseconds; every other command stays as it is).
  if (line.command && std::string(line.command->name) == "add-flows") ReexecWithHugepageHeap("vsctl", argv);
  return Run(line);
}
