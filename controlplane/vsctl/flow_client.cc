#include "vsctl/flow_client.h"

#include <grpcpp/grpcpp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <sstream>

#include "vsctl/flow_commands.h"
#include "vsctl/output_format.h"
#include "vswitch/v1/flows.grpc.pb.h"

namespace vswitch::controlplane {

namespace {

// The exit codes of vsctl (main.cc, README.md).
constexpr int kExitOk = 0;
constexpr int kExitDaemonError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;

int UsageError(const std::string& message) {
  std::fprintf(stderr, "vsctl: %s\n", message.c_str());
  return kExitUsage;
}

bool HasFlag(const CommandLine& line, const std::string& flag) {
  return std::find(line.flags.begin(), line.flags.end(), flag) != line.flags.end();
}

// Reads an add-flows file ("-" = stdin). Returns "" or why it cannot be read.
std::string ReadInput(const std::string& path, std::string* content) {
  if (path == "-") {
    content->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return std::cin.bad() ? "cannot read standard input" : "";
  }
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) return "cannot read " + path + ": " + std::strerror(errno);
  // One read into a buffer of the file's size (a stream copy doubled a 50 MB rule file).
  std::streamoff size = file.tellg();
  if (size < 0) return "cannot read " + path;
  content->resize(static_cast<size_t>(size));
  file.seekg(0);
  if (!file.read(content->data(), size)) return "cannot read " + path;
  return "";
}

class FlowClient {
 public:
  explicit FlowClient(const CommandLine& line) : line_(line) {}

  // Same checks as main.cc's client: the socket must exist and answer within the timeout.
  int Connect() {
    struct stat st {};
    if (::stat(line_.server.c_str(), &st) != 0) {
      std::fprintf(stderr, "vsctl: cannot reach vswitchd: %s does not exist (is vswitchd running? see --server)\n",
                   line_.server.c_str());
      return kExitUnreachable;
    }
    // Rule batches and dumps can be far over gRPC's default 4 MB per message.
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(-1);
    arguments.SetMaxSendMessageSize(-1);
    auto channel = grpc::CreateCustomChannel("unix:" + line_.server, grpc::InsecureChannelCredentials(), arguments);
    if (!channel->WaitForConnected(Deadline())) {
      std::fprintf(stderr, "vsctl: cannot reach vswitchd at %s: no answer within %gs (stale socket, or no permission)\n",
                   line_.server.c_str(), line_.timeout_seconds);
      return kExitUnreachable;
    }
    stub_ = v1::FlowTables::NewStub(channel);
    return kExitOk;
  }

  // Runs one RPC; on failure prints the daemon's message (through `describe` when given).
  template <typename Request, typename Response>
  bool Call(grpc::Status (v1::FlowTables::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
            const Request& request, Response* response,
            const std::function<std::string(const grpc::Status&)>& describe = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    grpc::Status status = (stub_.get()->*method)(&context, request, response);
    if (status.ok()) return true;
    std::string message = describe ? describe(status) : status.error_message();
    std::fprintf(stderr, "vsctl: %s: %s\n", line_.command->name, message.c_str());
    return false;
  }

 private:
  std::chrono::system_clock::time_point Deadline() const {
    return std::chrono::system_clock::now() +
           std::chrono::milliseconds(static_cast<int64_t>(line_.timeout_seconds * 1000));
  }

  const CommandLine& line_;
  std::unique_ptr<v1::FlowTables::Stub> stub_;
};

template <typename Response>
int Print(const CommandLine& line, const Response& response, const std::function<std::string()>& format) {
  std::fputs(line.json ? ToJson(response).c_str() : format().c_str(), stdout);
  return kExitOk;
}

}  // namespace

int RunFlowCommand(const CommandLine& line) {
  const std::string command = line.command->name;
  const std::string text = JoinArguments(line.args);
  const bool strict = HasFlag(line, "strict");
  auto nothing = [] { return std::string(); };

  // Everything vsctl reads itself is checked before contacting the daemon.
  std::string content;                  // an add-flows file; file_lines point into it
  std::vector<FlowFileLine> file_lines;
  v1::ModifyFlowsRequest modify;
  if (command == "add-flow") {
    modify = BuildModifyFlows(v1::FlowMod::ADD, {text});
  } else if (command == "add-flows") {
    if (std::string error = ReadInput(line.args[0], &content); !error.empty()) return UsageError("add-flows: " + error);
    if (IsPackedRuleFile(content)) {
      modify.set_add_lines(std::move(content));  // already one rule per line: sent as it is
    } else {
      file_lines = ParseFlowFile(content);
      modify = BuildModifyFlows(file_lines);
    }
  } else if (command == "mod-flows") {
    modify = BuildModifyFlows(strict ? v1::FlowMod::MODIFY_STRICT : v1::FlowMod::MODIFY, {text});
  } else if (command == "del-flows") {
    modify = BuildModifyFlows(strict ? v1::FlowMod::DELETE_STRICT : v1::FlowMod::DELETE, {text});
  }

  FlowClient client(line);
  if (int rc = client.Connect(); rc != kExitOk) return rc;
  using Stub = v1::FlowTables::Stub;

  if (command == "add-flow" || command == "add-flows" || command == "mod-flows" || command == "del-flows") {
    v1::ModifyFlowsResponse response;
    auto describe = [&](const grpc::Status& status) {
      return DescribeFlowModError(status.error_message(), status.error_details(), file_lines,
                                  command == "add-flows" ? line.args[0] : "");
    };
    if (!client.Call(&Stub::ModifyFlows, modify, &response, describe)) return kExitDaemonError;
    return Print(line, response, nothing);
  }
  if (command == "dump-flows") {
    v1::DumpFlowsRequest request;
    request.set_filter(text);
    v1::DumpFlowsResponse response;
    if (!client.Call(&Stub::DumpFlows, request, &response)) return kExitDaemonError;
    return Print(line, response, [&] { return FormatDumpFlows(response); });
  }
  if (command == "dump-tables") {
    v1::GetTableStatsResponse response;
    if (!client.Call(&Stub::GetTableStats, v1::GetTableStatsRequest(), &response)) return kExitDaemonError;
    return Print(line, response, [&] { return FormatTableStats(response); });
  }
  if (command == "trace") {
    v1::TraceRequest request;
    request.set_flow(text);
    v1::TraceResponse response;
    if (!client.Call(&Stub::Trace, request, &response)) return kExitDaemonError;
    return Print(line, response, [&] { return response.report(); });
  }
  if (command == "add-meter") {
    v1::AddMeterRequest request;
    request.set_text(text);
    v1::AddMeterResponse response;
    if (!client.Call(&Stub::AddMeter, request, &response)) return kExitDaemonError;
    return Print(line, response, nothing);
  }
  if (command == "mod-meter") {
    v1::ModifyMeterRequest request;
    request.set_text(text);
    v1::ModifyMeterResponse response;
    if (!client.Call(&Stub::ModifyMeter, request, &response)) return kExitDaemonError;
    return Print(line, response, nothing);
  }
  if (command == "del-meters") {
    v1::DeleteMetersRequest request;
    request.set_selector(text);
    v1::DeleteMetersResponse response;
    if (!client.Call(&Stub::DeleteMeters, request, &response)) return kExitDaemonError;
    return Print(line, response, nothing);
  }
  if (command == "dump-meters" || command == "meter-stats") {
    v1::DumpMetersRequest request;
    request.set_selector(text);
    v1::DumpMetersResponse response;
    if (!client.Call(&Stub::DumpMeters, request, &response)) return kExitDaemonError;
    if (command == "dump-meters") return Print(line, response, [&] { return FormatDumpMeters(response); });
    return Print(line, response, [&] { return FormatMeterStats(response); });
  }
  return UsageError("command '" + command + "' is listed but not implemented");  // a bug in this file
}

}  // namespace vswitch::controlplane
