// vsctl's flow-table and meter commands (service FlowTables, flows.proto): their specs for
// the command table, the requests they build and the text they print. Pure (no I/O), so it
// is unit-tested; flow_client.cc runs them against the daemon.
//
// The commands and their output follow ovs-ofctl, which operators know:
//   add-flow RULE, add-flows FILE|- (one atomic batch, like `ovs-ofctl --bundle add-flows`),
//   mod-flows [--strict] RULE, del-flows [--strict] [MATCH], dump-flows [FILTER],
//   dump-tables, trace FLOW, add-meter/mod-meter METER, del-meters/dump-meters/meter-stats
//   [meter=N]. A rule may be given as one argument or split over several (joined by spaces).
// A dump-flows line is "cookie=0x0, duration=1.5s, table=0, n_packets=3, n_bytes=180,
// idle_age=0, priority=100,in_port=vm1 actions=output:vm2": the statistics ovs-ofctl prints,
// then the rule. add-flow accepts the whole line (statistics are ignored), and without the
// statistics it is exactly the rule as installed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vsctl/command_line.h"
#include "vswitch/v1/flows.pb.h"

namespace vswitch::controlplane {

// `commands` followed by the flow and meter commands (the order of `vsctl --help`).
std::vector<CommandSpec> WithFlowCommands(std::vector<CommandSpec> commands);
const std::vector<CommandSpec>& FlowCommandSpecs();
bool IsFlowCommand(const std::string& name);

// The arguments of a command that takes a rule/match/flow, as one text.
std::string JoinArguments(const std::vector<std::string>& args);

// One rule of an add-flows file with its 1-based line number.
struct FlowFileLine {
  unsigned number = 0;
  std::string_view text;  // into the content given to ParseFlowFile (no copy of a 50 MB file)
};
// add-flows input: one rule per line; blank lines and lines starting with '#' (after
// leading white space) are skipped; trailing white space and '\r' are removed.
std::vector<FlowFileLine> ParseFlowFile(std::string_view content);

// True when an add-flows file already is what ModifyFlowsRequest.add_lines carries: every
// line a rule (none blank or a comment, no surrounding white space or '\r'), the last one
// ended by '\n'. vsctl then sends the file as it is, without parsing or copying it, and the
// rule at batch index i is on line i + 1.
bool IsPackedRuleFile(std::string_view content);

// add-flow / add-flows (ADD), mod-flows (MODIFY[_STRICT]), del-flows (DELETE[_STRICT]).
v1::ModifyFlowsRequest BuildModifyFlows(v1::FlowMod::Command command, const std::vector<std::string>& rules);
// add-flows: every line of a file as an ADD.
v1::ModifyFlowsRequest BuildModifyFlows(const std::vector<FlowFileLine>& lines);

// The daemon's refusal of a batch, pointed at the line of `lines` (from `source`, "-" for
// stdin) the index names: "rules.txt:7: flow-mod 3: token 2 'foo=1' ...". Empty lines with
// a source: the file was sent packed as it is (IsPackedRuleFile), index i is line i + 1.
// Without a source, or without a FlowModError in `details`, the message as is.
std::string DescribeFlowModError(const std::string& message, const std::string& details,
                                 const std::vector<FlowFileLine>& lines, const std::string& source);

std::string FormatFlowEntry(const v1::FlowEntry& flow);  // one dump-flows line, no newline
std::string FormatDumpFlows(const v1::DumpFlowsResponse& response);
std::string FormatTableStats(const v1::GetTableStatsResponse& response);
std::string FormatDumpMeters(const v1::DumpMetersResponse& response);
std::string FormatMeterStats(const v1::DumpMetersResponse& response);

}  // namespace vswitch::controlplane
