// vsctl's flow and meter commands: argument parsing, the add-flows file, error pointing and
// the dump-flows line (which must parse back to the same rule).
#include "vsctl/flow_commands.h"

#include <gtest/gtest.h>

#include "flow/rule_formatter.h"
#include "flow/rule_parser.h"

namespace vswitch::controlplane {
namespace {

std::string Parse(std::vector<std::string> args, CommandLine* out) {
  args.insert(args.begin(), "vsctl");
  return ParseCommandLine(args, "", out);
}

TEST(VsctlFlowCommands, ListedInTheCommandTableAndHelp) {
  for (const char* name : {"add-flow", "add-flows", "mod-flows", "del-flows", "dump-flows", "dump-tables", "trace",
                           "add-meter", "mod-meter", "del-meters", "dump-meters", "meter-stats"}) {
    EXPECT_NE(FindCommand(name), nullptr) << name;
    EXPECT_TRUE(IsFlowCommand(name)) << name;
    CommandLine line;
    ASSERT_EQ(Parse({name, "--help"}, &line), "") << name;
    EXPECT_EQ(line.action, CommandLine::Action::kCommandHelp);
    EXPECT_EQ(line.help_text.rfind(std::string("Usage: vsctl [OPTIONS] ") + name, 0), 0u) << line.help_text;
  }
  EXPECT_FALSE(IsFlowCommand("add-port"));
  CommandLine line;
  ASSERT_EQ(Parse({"--help"}, &line), "");
  EXPECT_NE(line.help_text.find("dump-flows [FILTER]"), std::string::npos) << line.help_text;
}

TEST(VsctlFlowCommands, StrictIsAFlagOfModAndDelOnly) {
  CommandLine line;
  ASSERT_EQ(Parse({"del-flows", "--strict", "priority=5,ip"}, &line), "");
  EXPECT_EQ(line.flags, std::vector<std::string>{"strict"});
  EXPECT_EQ(line.args, std::vector<std::string>{"priority=5,ip"});
  ASSERT_EQ(Parse({"mod-flows", "ip,actions=drop", "--strict"}, &line), "");
  EXPECT_EQ(line.flags, std::vector<std::string>{"strict"});
  ASSERT_EQ(Parse({"del-flows"}, &line), "");
  EXPECT_TRUE(line.flags.empty());
  EXPECT_TRUE(line.args.empty());
  EXPECT_NE(Parse({"add-flow", "--strict", "actions=drop"}, &line), "");
  EXPECT_NE(Parse({"dump-flows", "--bogus"}, &line), "");
}

TEST(VsctlFlowCommands, ArgumentCounts) {
  CommandLine line;
  EXPECT_NE(Parse({"add-flow"}, &line).find("missing arguments"), std::string::npos);
  EXPECT_NE(Parse({"add-flows"}, &line).find("missing arguments"), std::string::npos);
  EXPECT_NE(Parse({"add-flows", "a", "b"}, &line).find("too many arguments"), std::string::npos);
  ASSERT_EQ(Parse({"add-flows", "-"}, &line), "");
  EXPECT_EQ(line.args, std::vector<std::string>{"-"});
  EXPECT_NE(Parse({"trace"}, &line).find("missing arguments"), std::string::npos);
  EXPECT_NE(Parse({"del-meters", "meter=1", "meter=2"}, &line).find("too many arguments"), std::string::npos);
  // A rule split over several arguments is one rule.
  ASSERT_EQ(Parse({"add-flow", "priority=5,in_port=1", "actions=drop"}, &line), "");
  EXPECT_EQ(JoinArguments(line.args), "priority=5,in_port=1 actions=drop");
}

TEST(VsctlFlowCommands, FlowFileSkipsCommentsAndBlankLines) {
  auto lines = ParseFlowFile("# rules\n\n  priority=1,actions=drop  \r\n\t# indented comment\ntable=1,actions=normal");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].number, 3u);
  EXPECT_EQ(lines[0].text, "priority=1,actions=drop");
  EXPECT_EQ(lines[1].number, 5u);
  EXPECT_EQ(lines[1].text, "table=1,actions=normal");
  EXPECT_TRUE(ParseFlowFile("").empty());
  EXPECT_TRUE(ParseFlowFile("\n# only\n").empty());
}

TEST(VsctlFlowCommands, BatchRequest) {
  v1::ModifyFlowsRequest request = BuildModifyFlows(v1::FlowMod::DELETE_STRICT, {"priority=5,ip", "priority=6,arp"});
  ASSERT_EQ(request.mods_size(), 2);
  EXPECT_EQ(request.mods(0).command(), v1::FlowMod::DELETE_STRICT);
  EXPECT_EQ(request.mods(1).text(), "priority=6,arp");
}

TEST(VsctlFlowCommands, AddFlowsFilePacksItsRulesAsLines) {
  auto lines = ParseFlowFile("# header\npriority=1,actions=drop\n\n  table=1,actions=normal \r\n");
  v1::ModifyFlowsRequest request = BuildModifyFlows(lines);
  EXPECT_EQ(request.mods_size(), 0);  // no sub-message per rule
  EXPECT_EQ(request.add_lines(), "priority=1,actions=drop\ntable=1,actions=normal\n");
  EXPECT_EQ(BuildModifyFlows(std::vector<FlowFileLine>{}).add_lines(), "");
}

TEST(VsctlFlowCommands, BatchErrorPointsAtTheFileLine) {
  auto lines = ParseFlowFile("# header\npriority=1,actions=drop\n\npriority=2,bogus=1,actions=drop\n");
  v1::FlowModError error;
  error.set_index(1);
  error.set_message("flow-mod 1: token 2 'bogus=1' at column 12: unknown field");
  EXPECT_EQ(DescribeFlowModError(error.message(), error.SerializeAsString(), lines, "rules.txt"),
            "rules.txt:4: flow-mod 1: token 2 'bogus=1' at column 12: unknown field");
  EXPECT_EQ(DescribeFlowModError(error.message(), error.SerializeAsString(), lines, "-"),
            "<stdin>:4: flow-mod 1: token 2 'bogus=1' at column 12: unknown field");
  // No details, or not from a file: the daemon's words as they are.
  EXPECT_EQ(DescribeFlowModError(error.message(), "", lines, "rules.txt"), error.message());
  EXPECT_EQ(DescribeFlowModError(error.message(), error.SerializeAsString(), {}, ""), error.message());
  error.set_index(7);
  EXPECT_EQ(DescribeFlowModError(error.message(), error.SerializeAsString(), lines, "rules.txt"), error.message());
  // A file sent packed as it is: batch index 7 is line 8.
  EXPECT_EQ(DescribeFlowModError(error.message(), error.SerializeAsString(), {}, "rules.txt"),
            "rules.txt:8: " + error.message());
}

TEST(VsctlFlowCommands, OnlyACleanRuleFileIsSentAsItIs) {
  EXPECT_TRUE(IsPackedRuleFile("priority=1,actions=drop\n"));
  EXPECT_TRUE(IsPackedRuleFile("a=1\nb=2\n"));
  EXPECT_FALSE(IsPackedRuleFile(""));
  EXPECT_FALSE(IsPackedRuleFile("a=1"));               // last line not ended
  EXPECT_FALSE(IsPackedRuleFile("a=1\n\nb=2\n"));      // blank line
  EXPECT_FALSE(IsPackedRuleFile("# rules\na=1\n"));    // comment
  EXPECT_FALSE(IsPackedRuleFile(" a=1\n"));            // leading white space
  EXPECT_FALSE(IsPackedRuleFile("a=1\r\n"));           // CRLF
  EXPECT_FALSE(IsPackedRuleFile("a=1 \n"));
}

// The text the switch reports for a rule (the dataplane's own formatter), as an entry.
v1::FlowEntry Entry(const std::string& rule_text) {
  flow::Rule rule;
  Status status = flow::ParseRule(rule_text, nullptr, &rule);
  EXPECT_TRUE(status.ok()) << status.message();
  v1::FlowEntry entry;
  entry.set_text(flow::FormatRule(rule));
  entry.set_table(rule.table);
  entry.set_priority(rule.priority);
  entry.set_cookie(rule.cookie);
  return entry;
}

TEST(VsctlFlowCommands, DumpLineIsOvsStyleAndParsesBack) {
  v1::FlowEntry entry = Entry("table=3,cookie=0x2a,idle_timeout=60,priority=100,in_port=1,tcp,tp_dst=80,actions=output:2");
  entry.set_n_packets(12);
  entry.set_n_bytes(960);
  entry.set_duration_ms(5250);
  entry.set_idle_age_ms(2900);
  std::string line = FormatFlowEntry(entry);
  EXPECT_EQ(line,
            "cookie=0x2a, duration=5.250s, table=3, n_packets=12, n_bytes=960, idle_age=2, idle_timeout=60, "
            "priority=100,in_port=1,tcp,tp_dst=80 actions=output:2")
      << line;

  // The whole line is accepted by add-flow (statistics ignored) and gives the same rule.
  flow::Rule original;
  ASSERT_TRUE(flow::ParseRule(entry.text(), nullptr, &original).ok());
  flow::Rule reparsed;
  Status status = flow::ParseRule(line, nullptr, &reparsed);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(flow::FormatRule(reparsed), entry.text());

  // Cookie 0 and table 0 still appear once, where ovs-ofctl prints them.
  v1::FlowEntry plain = Entry("actions=drop");
  EXPECT_EQ(FormatFlowEntry(plain),
            "cookie=0x0, duration=0.000s, table=0, n_packets=0, n_bytes=0, idle_age=0, priority=32768 actions=drop");
  ASSERT_TRUE(flow::ParseRule(FormatFlowEntry(plain), nullptr, &reparsed).ok());
  EXPECT_EQ(flow::FormatRule(reparsed), plain.text());
}

TEST(VsctlFlowCommands, TablesAndMeters) {
  v1::GetTableStatsResponse tables;
  auto* t0 = tables.add_tables();
  t0->set_table(0);
  t0->set_rules(3);
  t0->set_matched_packets(42);
  auto* t1 = tables.add_tables();
  t1->set_table(1);
  t1->set_rules(1);
  EXPECT_EQ(FormatTableStats(tables), "table=0: active=3, matched=42\ntable=1: active=1, matched=0\n");

  v1::DumpMetersResponse meters;
  auto* m = meters.add_meters();
  m->set_text("meter=1,pktps,bands=type=drop,rate=10");
  m->set_stats_text("meter:1 flow_count:0 packet_in_count:0 byte_in_count:0 duration:1.000s bands: 0: packet_count:0 byte_count:0");
  EXPECT_EQ(FormatDumpMeters(meters), "meter=1,pktps,bands=type=drop,rate=10\n");
  EXPECT_EQ(FormatMeterStats(meters), m->stats_text() + "\n");
}

}  // namespace
}  // namespace vswitch::controlplane
