#include "vsctl/flow_commands.h"

#include <cinttypes>
#include <cstdio>

namespace vswitch::controlplane {

namespace {

const std::vector<CommandSpec> kFlowCommands = {
    {"add-flow", "RULE", "add (or replace) one flow rule",
     "RULE is in ovs-ofctl syntax: [table=N,][priority=N,][cookie=N,][idle_timeout=S,][hard_timeout=S,]\n"
     "MATCH,actions=ACTION[,ACTION...], ports by name or number. Match fields and actions are those\n"
     "of ovs-ofctl(8): in_port, dl_src, dl_dst, dl_type, dl_vlan, ip, tcp, udp, arp, nw_src, nw_dst,\n"
     "nw_proto, tp_src, tp_dst, regN, tun_id, ...; output:P, normal, flood, drop, in_port,\n"
     "mod_dl_src/dst, mod_nw_src/dst, mod_tp_src/dst, mod_vlan_vid, strip_vlan, goto_table:N, meter:N.\n"
     "A rule may be one argument or several (joined by spaces). A rule with the same table,\n"
     "priority and match replaces the old one.\n"
     "Example: vsctl add-flow 'table=0,priority=100,in_port=vm1,ip,nw_dst=10.0.0.2,actions=output:vm2'\n",
     1, kUnlimited},
    {"add-flows", "FILE", "add the rules of FILE (- = stdin) as one atomic batch",
     "One rule per line; blank lines and lines starting with # are skipped. The whole file is\n"
     "one transaction (like ovs-ofctl --bundle add-flows): a bad rule rejects every line, and\n"
     "the error names its line and its index in the batch. dump-flows output is accepted.\n",
     1, 1},
    {"mod-flows", "[--strict] RULE", "change the actions of the rules RULE's match covers",
     "Without --strict: every rule (in table=N if given, else in every table) whose match is at\n"
     "least as specific as RULE's. With --strict: the rule with exactly this match and priority.\n",
     1, kUnlimited, "strict"},
    {"del-flows", "[--strict] [MATCH]", "delete the rules MATCH covers (no MATCH: every rule)",
     "Without --strict: every rule (in table=N if given) whose match is at least as specific as\n"
     "MATCH; cookie=V/M selects by cookie. With --strict: the rule with exactly this match and\n"
     "priority. Deleting every rule brings back the implicit priority=0,actions=NORMAL.\n",
     0, kUnlimited, "strict"},
    {"dump-flows", "[FILTER]", "the installed rules with statistics (FILTER: table=N,cookie=V/M,MATCH)",
     "Each line: cookie=, duration=, table=, n_packets=, n_bytes=, idle_age=, then the rule in the\n"
     "syntax add-flow takes. Without the statistics a line is the rule exactly as installed.\n",
     0, kUnlimited},
    {"dump-tables", "", "per table: rules installed and packets matched", "", 0, 0},
    {"trace", "FLOW", "walk a packet through the tables: rules matched, actions, fate",
     "FLOW lists header fields with exact values, e.g. in_port=vm1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_dst=80.\n"
     "Unset fields are zero. The walk uses the live tables and the workers' own code; with NORMAL\n"
     "it also says where the learned MAC table would send the packet.\n",
     1, kUnlimited},
    {"add-meter", "METER", "add a meter (rate limit) for meter:ID actions",
     "METER is in ovs-ofctl syntax: meter=ID,kbps|pktps[,burst][,stats],bands=type=drop,rate=N\n"
     "[,burst_size=N] (burst_size only with the burst flag). Without burst the bucket holds one\n"
     "second of the rate. Example: vsctl add-meter meter=1,pktps,bands=type=drop,rate=1000\n",
     1, kUnlimited},
    {"mod-meter", "METER", "change a meter's rate, burst or unit (its counters stay)", "", 1, kUnlimited},
    {"del-meters", "[meter=N]", "delete a meter (no argument or meter=all: every meter)",
     "A meter that rules use cannot be deleted: delete or change those rules first.\n", 0, 1},
    {"dump-meters", "[meter=N]", "meters in add-meter syntax", "", 0, 1},
    {"meter-stats", "[meter=N]", "meter counters: packets/bytes in, dropped by the band", "", 0, 1},
};

std::string Hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, value);
  return buf;
}

// Removes a leading "name=...," + spaces from `text` if it starts with `name=`.
void DropLeadingField(std::string* text, std::string_view name) {
  if (text->compare(0, name.size(), name) != 0) return;
  size_t comma = text->find(',');
  if (comma == std::string::npos) return;
  size_t next = text->find_first_not_of(' ', comma + 1);
  text->erase(0, next == std::string::npos ? text->size() : next);
}

}  // namespace

std::vector<CommandSpec> WithFlowCommands(std::vector<CommandSpec> commands) {
  commands.insert(commands.end(), kFlowCommands.begin(), kFlowCommands.end());
  return commands;
}

const std::vector<CommandSpec>& FlowCommandSpecs() { return kFlowCommands; }

bool IsFlowCommand(const std::string& name) {
  for (const CommandSpec& command : kFlowCommands) {
    if (name == command.name) return true;
  }
  return false;
}

std::string JoinArguments(const std::vector<std::string>& args) {
  std::string text;
  for (const std::string& arg : args) text += (text.empty() ? "" : " ") + arg;
  return text;
}

std::vector<FlowFileLine> ParseFlowFile(std::string_view content) {
  std::vector<FlowFileLine> lines;
  unsigned number = 0;
  while (!content.empty()) {
    size_t end = content.find('\n');
    std::string_view line = content.substr(0, end);
    content.remove_prefix(end == std::string_view::npos ? content.size() : end + 1);
    ++number;
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    size_t last = line.find_last_not_of(" \t\r");
    lines.push_back({number, line.substr(first, last - first + 1)});
  }
  return lines;
}

bool IsPackedRuleFile(std::string_view content) {
  if (content.empty() || content.back() != '\n') return false;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  for (size_t start = 0; start < content.size();) {
    const size_t end = content.find('\n', start);  // found: the content ends with '\n'
    if (end == start || is_space(content[start]) || content[start] == '#' || is_space(content[end - 1])) return false;
    start = end + 1;
  }
  return true;
}

v1::ModifyFlowsRequest BuildModifyFlows(v1::FlowMod::Command command, const std::vector<std::string>& rules) {
  v1::ModifyFlowsRequest request;
  for (const std::string& rule : rules) {
    v1::FlowMod* mod = request.add_mods();
    mod->set_command(command);
    mod->set_text(rule);
  }
  return request;
}

v1::ModifyFlowsRequest BuildModifyFlows(const std::vector<FlowFileLine>& lines) {
  // Packed: one string for the whole file instead of a sub-message per rule (see add_lines).
  size_t bytes = 0;
  for (const FlowFileLine& line : lines) bytes += line.text.size() + 1;
  std::string packed;
  packed.reserve(bytes);
  for (const FlowFileLine& line : lines) {
    packed.append(line.text);
    packed.push_back('\n');
  }
  v1::ModifyFlowsRequest request;
  request.set_add_lines(std::move(packed));
  return request;
}

std::string DescribeFlowModError(const std::string& message, const std::string& details,
                                 const std::vector<FlowFileLine>& lines, const std::string& source) {
  v1::FlowModError error;
  if (source.empty() || details.empty() || !error.ParseFromString(details)) return message;
  uint64_t number = uint64_t{error.index()} + 1;  // a packed file: line = index + 1
  if (!lines.empty()) {
    if (error.index() >= lines.size()) return message;
    number = lines[error.index()].number;
  }
  return (source == "-" ? std::string("<stdin>") : source) + ":" + std::to_string(number) + ": " + message;
}

std::string FormatFlowEntry(const v1::FlowEntry& flow) {
  // The rule text starts with "[cookie=X, ]table=N, "; ovs-ofctl prints those two among the
  // statistics, so they move there and appear once.
  std::string rule = flow.text();
  DropLeadingField(&rule, "cookie=");
  DropLeadingField(&rule, "table=");
  char stats[200];
  std::snprintf(stats, sizeof stats, "duration=%" PRIu64 ".%03" PRIu64 "s, table=%u, n_packets=%" PRIu64
                ", n_bytes=%" PRIu64 ", idle_age=%" PRIu64 ", ",
                flow.duration_ms() / 1000, flow.duration_ms() % 1000, flow.table(), flow.n_packets(), flow.n_bytes(),
                flow.idle_age_ms() / 1000);
  return "cookie=" + Hex(flow.cookie()) + ", " + stats + rule;
}

std::string FormatDumpFlows(const v1::DumpFlowsResponse& response) {
  std::string out;
  for (const v1::FlowEntry& flow : response.flows()) out += FormatFlowEntry(flow) + "\n";
  return out;
}

std::string FormatTableStats(const v1::GetTableStatsResponse& response) {
  std::string out;
  for (const v1::TableStats& table : response.tables()) {
    out += "table=" + std::to_string(table.table()) + ": active=" + std::to_string(table.rules()) +
           ", matched=" + std::to_string(table.matched_packets()) + "\n";
  }
  return out;
}

std::string FormatDumpMeters(const v1::DumpMetersResponse& response) {
  std::string out;
  for (const v1::Meter& meter : response.meters()) out += meter.text() + "\n";
  return out;
}

std::string FormatMeterStats(const v1::DumpMetersResponse& response) {
  std::string out;
  for (const v1::Meter& meter : response.meters()) out += meter.stats_text() + "\n";
  return out;
}

}  // namespace vswitch::controlplane
