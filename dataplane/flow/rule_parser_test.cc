// The rule syntax: whole rules, every flow-mod form, errors naming token and position, and
// parse(format(rule)) == rule (including over random rules).
#include "flow/rule_parser.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <random>

#include "flow/action_text.h"
#include "flow/rule_formatter.h"

namespace vswitch::flow {
namespace {

std::optional<uint32_t> Ports(std::string_view name) {
  if (name == "vm1") return 1;
  if (name == "vm2") return 2;
  if (name == "uplink") return 10;
  return std::nullopt;
}
std::optional<std::string> Names(uint32_t port) {
  if (port == 1) return "vm1";
  if (port == 2) return "vm2";
  return std::nullopt;
}

Rule MustParse(const std::string& text) {
  Rule r;
  Status s = ParseRule(text, Ports, &r);
  EXPECT_TRUE(s.ok()) << text << ": " << s.message();
  return r;
}

std::string RuleError(const std::string& text) {
  Rule r;
  Status s = ParseRule(text, Ports, &r);
  EXPECT_FALSE(s.ok()) << text;
  return s.message();
}

TEST(RuleParser, TheIssueExample) {
  Rule r = MustParse(
      "table=0,priority=100,cookie=0x1/-1,idle_timeout=10,hard_timeout=30,in_port=vm1,ip,nw_dst=10.0.0.0/24,tcp,"
      "tp_dst=80,actions=output:vm2,output:3");
  EXPECT_EQ(r.table, 0);
  EXPECT_EQ(r.priority, 100);
  EXPECT_EQ(r.cookie, 1u);
  EXPECT_EQ(r.idle_timeout, 10);
  EXPECT_EQ(r.hard_timeout, 30);
  EXPECT_EQ(r.match.key.in_port, 1u);
  EXPECT_EQ(r.match.key.eth_type, 0x0800);
  EXPECT_EQ(r.match.key.nw_proto, 6);
  EXPECT_EQ(r.match.key.nw_dst, inet_addr("10.0.0.0"));
  EXPECT_EQ(r.match.key.tp_dst, 80);
  ASSERT_EQ(r.actions.size(), 2u);
  EXPECT_EQ(r.actions[0], Action::Output(2));
  EXPECT_EQ(r.actions[1], Action::Output(3));
  EXPECT_EQ(FormatRule(r, Names),
            "cookie=0x1, table=0, idle_timeout=10, hard_timeout=30, priority=100,in_port=vm1,tcp,nw_dst=10.0.0.0/24,"
            "tp_dst=80 actions=output:vm2,output:3");
}

TEST(RuleParser, DefaultsAndSeparators) {
  Rule r = MustParse("ip actions=drop");
  EXPECT_EQ(r.table, 0);
  EXPECT_EQ(r.priority, kDefaultPriority);
  EXPECT_TRUE(r.actions.empty());
  Rule spaced = MustParse("  priority=5 , udp   tp_dst=53,  actions=NORMAL ");
  EXPECT_EQ(spaced.priority, 5);
  EXPECT_EQ(spaced.match.key.tp_dst, 53);
  EXPECT_EQ(spaced.actions, ActionList{Action::Normal()});
  Rule all = MustParse("actions=normal");
  EXPECT_TRUE(all.match.IsCatchAll());
}

TEST(RuleParser, ErrorsNameTokenAndColumn) {
  EXPECT_EQ(RuleError("priority=10,tcp,tp_dst=80x,actions=drop"),
            "token 3 'tp_dst=80x' at column 17: '80x' is not a number");
  EXPECT_EQ(RuleError("priority=10,frobnicate=3,actions=drop"),
            "token 2 'frobnicate=3' at column 13: unknown field 'frobnicate'");
  EXPECT_EQ(RuleError("ip,bogus,actions=drop"), "token 2 'bogus' at column 4: unknown keyword 'bogus'");
  EXPECT_EQ(RuleError("in_port=vm9,actions=drop"), "token 1 'in_port=vm9' at column 1: unknown port 'vm9'");
  EXPECT_EQ(RuleError("ip,actions=output:vm9"), "token 2 'output:vm9' at column 12: unknown port 'vm9'");
  EXPECT_EQ(RuleError("ip,actions=output:1,flodo"), "token 3 'flodo' at column 21: unknown action 'flodo'");
  EXPECT_EQ(RuleError("tp_dst=80,actions=drop"),
            "token 1 'tp_dst=80' at column 1: tp_dst requires tcp, udp or sctp (nw_proto=6, 17 or 132)");
  EXPECT_EQ(RuleError("table=1,ip,actions=goto_table:1"),
            "token 3 'goto_table:1' at column 20: actions: goto_table:1: must go to a table after 1");
  EXPECT_EQ(RuleError("ip,actions=goto_table:2,output:1"),
            "token 2 'goto_table:2' at column 12: actions: goto_table:2: must be the last action");
  EXPECT_EQ(RuleError("priority=10,ip"), "add-flow: missing actions= (use actions=drop to drop)");
  EXPECT_EQ(RuleError("ip,actions=output:1,drop"), "token 3 'drop' at column 21: 'drop' must be the only action");
  EXPECT_EQ(RuleError("ip,actions=output:1,,output:2"), "token 3 '' at column 21: empty action");
  EXPECT_EQ(RuleError("priority=70000,actions=drop"), "token 1 'priority=70000' at column 1: '70000' is out of range (max 65535)");
  EXPECT_EQ(RuleError("priority=1,priority=2,actions=drop"), "token 2 'priority=2' at column 12: duplicate priority");
  EXPECT_EQ(RuleError("arp,actions=mod_nw_dst:1.2.3.4"),
            "token 2 'mod_nw_dst:1.2.3.4' at column 13: actions: mod_nw_dst:1.2.3.4: requires the match to include ip "
            "(dl_type=0x0800)");
  EXPECT_EQ(RuleError("ip,actions=mod_tp_dst:80"),
            "token 2 'mod_tp_dst:80' at column 12: actions: mod_tp_dst:80: requires the match to include tcp, udp or "
            "sctp");
  EXPECT_EQ(RuleError("cookie=0x1/0xff,actions=drop"),
            "token 1 'cookie=0x1/0xff' at column 1: a cookie mask selects rules; add-flow takes an exact cookie (or /-1)");
  EXPECT_EQ(RuleError("ip,nw_dst,actions=drop"), "token 2 'nw_dst' at column 4: missing value");
  EXPECT_EQ(RuleError("ip,nw_dst=,actions=drop"), "token 2 'nw_dst=' at column 4: nw_dst needs a value");
  EXPECT_EQ(RuleError("in_port=1/0xff,actions=drop"), "token 1 'in_port=1/0xff' at column 1: in_port cannot be masked");
}

TEST(RuleParser, FlowModForms) {
  FlowMod m;
  ASSERT_TRUE(ParseFlowMod("cookie=0x10/0xf0,tcp,actions=output:2", FlowModCommand::kModify, Ports, &m).ok());
  EXPECT_TRUE(m.all_tables);
  EXPECT_EQ(m.cookie_mask, 0xf0u);
  EXPECT_EQ(m.rule.cookie, 0x10u);
  ASSERT_TRUE(ParseFlowMod("table=2,priority=9,udp,actions=drop", FlowModCommand::kModifyStrict, Ports, &m).ok());
  EXPECT_FALSE(m.all_tables);
  EXPECT_EQ(m.rule.table, 2);
  EXPECT_EQ(m.rule.priority, 9);
  ASSERT_TRUE(ParseFlowMod("cookie=0x5/-1", FlowModCommand::kDelete, Ports, &m).ok());
  EXPECT_EQ(m.cookie_mask, UINT64_MAX);
  EXPECT_TRUE(m.rule.match.IsCatchAll());
  ASSERT_TRUE(ParseFlowMod("", FlowModCommand::kDelete, Ports, &m).ok());
  EXPECT_EQ(m.cookie_mask, 0u);
  Status s = ParseFlowMod("tcp,actions=drop", FlowModCommand::kDelete, Ports, &m);
  EXPECT_EQ(s.message(), "token 2 'actions=drop' at column 5: del-flows takes no actions");
  s = ParseFlowMod("priority=5,tcp", FlowModCommand::kDelete, Ports, &m);
  EXPECT_EQ(s.message(), "token 1 'priority=5' at column 1: priority is only used with --strict, not in del-flows");
  s = ParseFlowMod("tcp,idle_timeout=5,actions=drop", FlowModCommand::kModify, Ports, &m);
  EXPECT_EQ(s.message(), "token 2 'idle_timeout=5' at column 5: idle_timeout is only allowed in add-flow");
  s = ParseFlowMod("tcp", FlowModCommand::kModify, Ports, &m);
  EXPECT_EQ(s.message(), "mod-flows: missing actions= (use actions=drop to drop)");
}

TEST(RuleParser, FilterAndTrace) {
  FlowFilter f;
  ASSERT_TRUE(ParseFlowFilter("table=3,cookie=0x2/0x2,ip", Ports, &f).ok());
  EXPECT_FALSE(f.all_tables);
  EXPECT_EQ(f.table, 3);
  EXPECT_EQ(f.cookie_mask, 2u);
  FlowKey k;
  ASSERT_TRUE(ParseTraceFlow("in_port=vm1,tcp,nw_src=10.0.0.1,tp_dst=80", Ports, &k).ok());
  EXPECT_EQ(k.in_port, 1u);
  EXPECT_EQ(k.eth_type, 0x0800);
  EXPECT_EQ(k.nw_proto, 6);
  EXPECT_EQ(k.nw_src, inet_addr("10.0.0.1"));
  EXPECT_EQ(k.tp_dst, 80);
  EXPECT_EQ(k.tp_src, 0);
  Status s = ParseTraceFlow("tcp,nw_src=10.0.0.0/8", Ports, &k);
  EXPECT_EQ(s.message(), "token 2 'nw_src=10.0.0.0/8' at column 5: takes an exact value here, not a mask");
  s = ParseTraceFlow("table=1,tcp", Ports, &k);
  EXPECT_EQ(s.message(), "token 1 'table=1' at column 1: table is not part of a packet description");
  s = ParseTraceFlow("tcp,actions=drop", Ports, &k);
  EXPECT_EQ(s.message(), "token 2 'actions=drop' at column 5: trace takes no actions");
}

TEST(RuleParser, DumpWithStatsParsesBack) {
  Rule r = MustParse("table=2,priority=7,cookie=0xab,udp,tp_dst=53,actions=output:vm1");
  RuleDumpStats st{1234, 5, 600};
  std::string dumped = FormatRule(r, Names, &st);
  EXPECT_EQ(dumped,
            "cookie=0xab, duration=1.234s, table=2, n_packets=5, n_bytes=600, priority=7,udp,tp_dst=53 actions=output:vm1");
  EXPECT_EQ(MustParse(dumped), r);
  EXPECT_NE(RuleError("duration=abc,actions=drop").find("not a valid duration"), std::string::npos);
}

TEST(RuleParser, RoundTripOfHandPickedRules) {
  const char* rules[] = {
      "actions=drop",
      "priority=0 actions=NORMAL",
      "table=4,priority=65535,dl_vlan=0xffff,arp,arp_op=2 actions=FLOOD",
      "in_port=2,dl_src=00:00:00:00:00:01/ff:ff:ff:00:00:00,ipv6,ipv6_dst=fe80::/10 actions=IN_PORT",
      "icmp6,icmpv6_type=135 actions=output:1,output:2,output:3",
      "tcp,nw_src=10.0.0.0/255.0.255.0,tcp_flags=+syn-ack-rst,tp_src=0x400/0xfc00 actions=mod_tp_dst:8080,output:1",
      "udp,ip_dscp=10,nw_ecn=2,nw_ttl=1 actions=set_field:46->ip_dscp,mod_nw_dst:1.1.1.1,output:1",
      "tun_id=0x5,reg0=0x1/0x1,reg1=7 actions=load:0x3->NXM_NX_REG1[4..5],set_tunnel:0x9,goto_table:5",
      "dl_vlan=10,dl_vlan_pcp=3 actions=pop_vlan,push_vlan:0x88a8,mod_vlan_vid:20,meter:3,output:4",
      "ip,nw_frag=first actions=drop",
  };
  for (const char* text : rules) {
    Rule r = MustParse(text);
    std::string formatted = FormatRule(r, Names);
    Rule again = MustParse(formatted);
    EXPECT_EQ(again, r) << text << " -> " << formatted;
    EXPECT_EQ(FormatRule(again, Names), formatted);
  }
}

// Random rules built in code (every field kind, random masks) survive format -> parse.
TEST(RuleParser, RoundTripOfRandomRules) {
  std::mt19937_64 rng(12345);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text = "table=" + std::to_string(pick(10)) + ",priority=" + std::to_string(pick(65536));
    if (pick(2)) text += ",cookie=" + std::to_string(rng() >> 1);
    if (pick(2)) text += ",in_port=" + std::to_string(pick(100) + 1);
    if (pick(3) == 0) text += ",dl_src=02:00:00:00:00:" + std::to_string(10 + pick(80));
    int l3 = pick(5);
    const char* protos[] = {"tcp", "udp", "sctp", "icmp", "ip"};
    if (l3 == 0) text += std::string(",") + protos[pick(5)];
    if (l3 == 1) text += ",ipv6";
    if (l3 == 2) text += ",arp";
    if (l3 == 0) {
      if (pick(2)) text += ",nw_src=10." + std::to_string(pick(256)) + ".0.0/" + std::to_string(pick(33));
      if (pick(2)) text += ",nw_ttl=" + std::to_string(pick(256));
    }
    if (l3 == 0 && text.find("tcp") != std::string::npos && pick(2)) text += ",tp_dst=" + std::to_string(pick(65536)) + "/0x" + "ff00";
    if (pick(3) == 0) text += ",reg" + std::to_string(pick(4)) + "=" + std::to_string(rng() & 0xffffffff);
    if (pick(3) == 0) text += ",dl_vlan=" + std::to_string(pick(4096));
    text += ",actions=";
    int n = pick(4);
    if (n == 0) text += "drop";
    for (int a = 0; a < n; ++a) text += (a ? ",output:" : "output:") + std::to_string(pick(50));
    Rule r = MustParse(text);
    Rule again = MustParse(FormatRule(r));
    ASSERT_EQ(again, r) << text << " -> " << FormatRule(r);
  }
}

}  // namespace
}  // namespace vswitch::flow
