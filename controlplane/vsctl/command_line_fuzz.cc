#include "vsctl/command_line_fuzz.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "convert/flow_convert.h"
#include "vsctl/command_line.h"
#include "vsctl/flow_commands.h"
#include "vsctl/port_spec.h"
#include "vsctl/tunnel_commands.h"

namespace vswitch::controlplane {

int FuzzVsctlCommandLine(const uint8_t* data, size_t size) {
  std::vector<std::string> args = {"vsctl"};
  std::string current;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  args.push_back(current);

  CommandLine line;
  std::string error = ParseCommandLine(args, "", &line);
  if (!error.empty() || line.action != CommandLine::Action::kRun) return 0;
  // The parser promised this many arguments.
  if (line.command == nullptr || line.args.size() < line.command->min_args ||
      line.args.size() > line.command->max_args) {
    std::abort();
  }
  if (std::string(line.command->name) == "add-port") {
    v1::Port port;
    ParsePortSpec(line.args[0], line.args[1], {line.args.begin() + 2, line.args.end()}, &port);
  } else if (std::string(line.command->name) == "set-port") {
    bool up = false;
    ParseAdminSetting(line.args[1], &up);
  } else if (IsFlowCommand(line.command->name)) {
    // Switches are only those the command declares; rule text is the daemon's to parse, but
    // what vsctl reads from an add-flows file must never yield a blank or comment line.
    if (!line.flags.empty() && *line.command->flags == '\0') std::abort();
    const std::string content = JoinArguments(line.args);  // the lines point into it
    const std::vector<FlowFileLine> rules = ParseFlowFile(content);
    for (const FlowFileLine& rule : rules) {
      if (rule.text.empty() || rule.text[0] == '#' || rule.number == 0) std::abort();
    }
    // A file vsctl sends as it is holds exactly the rules ParseFlowFile finds, one a line.
    if (IsPackedRuleFile(content)) {
      std::string joined;
      for (const FlowFileLine& rule : rules) joined.append(rule.text).push_back('\n');
      if (joined != content) std::abort();
    }
    // What the daemon unpacks from the add-flows request (add_lines, through the wire format)
    // is exactly the file's rules, one ADD each, in order.
    v1::ModifyFlowsRequest received;
    if (!received.ParseFromString(BuildModifyFlows(rules).SerializeAsString())) std::abort();
    std::vector<FlowModView> views;
    size_t bad_index = 0;
    if (!FlowModsFromProto(received, &views, &bad_index).ok() || views.size() != rules.size()) std::abort();
    for (size_t i = 0; i < rules.size(); ++i) {
      if (views[i].command != FlowModRequest::Command::kAdd || views[i].text != rules[i].text) std::abort();
    }
  } else if (IsTunnelCommand(line.command->name)) {
    TunnelRequest request;
    ParseTunnelCommand(line.command->name, line.args, &request);
  } else if (std::string(line.command->name) == "fdb-add" || std::string(line.command->name) == "fdb-del") {
    const bool add = std::string(line.command->name) == "fdb-add";
    uint32_t vni = 0;
    std::string remote_ip;
    ParseFdbTunnelArguments({line.args.begin() + (add ? 3 : 2), line.args.end()}, add, &vni, &remote_ip);
  }
  return 0;
}

}  // namespace vswitch::controlplane
