// The pipeline walker: multi-table semantics, key rewrites between tables, table miss, the
// fresh-switch default, trace = the same walk, and a differential test against a reference
// walker written the obvious way.
#include "flow/flow_pipeline.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <random>

#include "flow/action_text.h"
#include "flow/flow_test_util.h"

namespace vswitch::flow {
namespace {

using testing::AddAll;
using testing::Key;

std::vector<uint32_t> RuleIds(const FlowPipeline& p, const PipelineResult& r) {
  std::vector<uint32_t> ids;
  for (uint32_t d = 0; d < r.depth; ++d) ids.push_back(p.rule(r.rules[d]).id);
  return ids;
}

std::string Composed(const FlowPipeline& p, const FlowKey& k) {
  PipelineResult r;
  p.Walk(k, &r);
  return FormatActions(p.ComposeActions(r));
}

TEST(FlowPipeline, EmptyPipelineIsAFreshSwitch) {
  FlowTable t;
  const FlowPipeline& p = *t.pipeline();
  EXPECT_TRUE(p.is_default());
  PipelineResult r;
  p.Walk(Key("in_port=1,tcp"), &r);
  ASSERT_EQ(r.depth, 1);
  EXPECT_EQ(r.fate, PipelineFate::kDone);
  EXPECT_EQ(p.rule(r.rules[0]).id, kDefaultRuleId);
  EXPECT_EQ(FormatActions(p.ComposeActions(r)), "NORMAL");
}

TEST(FlowPipeline, TableMissDropsAfterEarlierActions) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=10,tcp,actions=output:3,goto_table:1", "table=1,priority=5,tcp,tp_dst=80,actions=output:2"}).ok());
  const FlowPipeline& p = *t.pipeline();
  PipelineResult r;
  p.Walk(Key("tcp,tp_dst=80"), &r);
  EXPECT_EQ(r.depth, 2);
  EXPECT_EQ(r.fate, PipelineFate::kDone);
  EXPECT_EQ(FormatActions(p.ComposeActions(r)), "output:3,goto_table:1,output:2");
  p.Walk(Key("tcp,tp_dst=81"), &r);
  EXPECT_EQ(r.depth, 1);
  EXPECT_EQ(r.fate, PipelineFate::kTableMiss);
  EXPECT_EQ(r.miss_table, 1);
  p.Walk(Key("udp"), &r);
  EXPECT_EQ(r.depth, 0);
  EXPECT_EQ(r.fate, PipelineFate::kTableMiss);
  EXPECT_EQ(r.miss_table, 0);
}

TEST(FlowPipeline, LaterTablesSeeRewrittenKeyAndRegisters) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {
                             "table=0,priority=1,in_port=1,ip,actions=load:0x7->NXM_NX_REG1[],mod_nw_dst:10.9.9.9,goto_table:2",
                             "table=2,priority=1,reg1=7,ip,nw_dst=10.9.9.9,actions=set_field:5->reg2,goto_table:3",
                             "table=2,priority=0,actions=output:99",
                             "table=3,priority=1,reg2=5,actions=output:2",
                         })
                  .ok());
  const FlowPipeline& p = *t.pipeline();
  PipelineResult r;
  p.Walk(Key("in_port=1,ip,nw_dst=1.1.1.1"), &r);
  ASSERT_EQ(r.depth, 3);
  EXPECT_EQ(p.rule(r.rules[2]).table, 3);
  EXPECT_EQ(Composed(p, Key("in_port=1,ip,nw_dst=1.1.1.1")),
            "load:0x7->NXM_NX_REG1[],mod_nw_dst:10.9.9.9,goto_table:2,load:0x5->NXM_NX_REG2[],goto_table:3,output:2");
  // Without the table-0 rewrite the table-2 catch-all answers.
  EXPECT_EQ(Composed(p, Key("in_port=2,ip")), "drop");
}

TEST(FlowPipeline, TraceRecordsTheSameWalk) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=10,in_port=vm1,tcp,actions=mod_tp_dst:8080,goto_table:4",
                          "table=4,priority=3,tcp,tp_dst=8080,actions=output:vm2"})
                  .ok());
  const FlowPipeline& p = *t.pipeline();
  FlowKey k = Key("in_port=vm1,tcp,tp_dst=80");
  PipelineTrace trace;
  PipelineResult traced, plain;
  p.Walk(k, &traced, &trace);
  p.Walk(k, &plain);
  ASSERT_EQ(trace.steps.size(), 2u);
  EXPECT_EQ(trace.steps[0].table, 0);
  EXPECT_EQ(trace.steps[1].table, 4);
  EXPECT_EQ(trace.steps[1].key.tp_dst, 8080);  // the key table 4 saw
  EXPECT_EQ(RuleIds(p, traced), RuleIds(p, plain));
  std::string text = t.Trace(k, [](uint32_t port) -> std::optional<std::string> {
    return port == 2 ? std::optional<std::string>("vm2") : std::nullopt;
  });
  EXPECT_EQ(text,
            "table 0: matched table=0, priority=10,in_port=1,tcp actions=mod_tp_dst:8080,goto_table:4\n"
            "table 4: matched table=4, priority=3,tcp,tp_dst=8080 actions=output:vm2\n"
            "actions: mod_tp_dst:8080,output:vm2\n"
            "fate: output:vm2\n");
  EXPECT_EQ(t.Trace(Key("udp")), "table 0: no match -> table miss, drop\nactions: drop\nfate: drop (table miss in table 0)\n");
}

TEST(FlowPipeline, WalkBurstEqualsWalk) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=10,tcp,actions=goto_table:1", "priority=5,udp,actions=output:1",
                          "table=1,tcp,tp_dst=80,actions=output:2", "table=1,priority=1,actions=output:3"})
                  .ok());
  const FlowPipeline& p = *t.pipeline();
  std::vector<FlowKey> keys = {Key("tcp,tp_dst=80"), Key("tcp,tp_dst=81"), Key("udp"), Key("arp"), Key("tcp")};
  const FlowKey* ptrs[5];
  for (int i = 0; i < 5; ++i) ptrs[i] = &keys[i];
  PipelineResult burst[5];
  p.WalkBurst(ptrs, 5, burst);
  for (int i = 0; i < 5; ++i) {
    PipelineResult one;
    p.Walk(keys[i], &one);
    EXPECT_EQ(RuleIds(p, burst[i]), RuleIds(p, one));
    EXPECT_EQ(burst[i].fate, one.fate);
  }
}

// Reference walker: linear scans, apply-actions applied to a copy of the key.
std::vector<const InstalledRule*> ReferenceWalk(const FlowTable& t, FlowKey key) {
  std::vector<const InstalledRule*> path;
  FlowFilter all;
  std::vector<const InstalledRule*> rules = t.Select(all);  // sorted: table, priority desc, age
  int table = 0;
  while (true) {
    const InstalledRule* hit = nullptr;
    for (const InstalledRule* r : rules)
      if (r->rule.table == table && r->rule.match().Matches(key)) {
        hit = r;
        break;
      }
    if (!hit) return path;
    path.push_back(hit);
    int next = -1;
    for (const Action& a : hit->rule.actions) {
      if (a.type == ActionType::kGotoTable) next = a.u16;
      ApplyActionToKey(a, &key);
    }
    if (next < 0) return path;
    table = next;
  }
}

TEST(FlowPipeline, DifferentialAgainstReferenceWalker) {
  std::mt19937 rng(77);
  int determined_walks = 0;
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  for (int round = 0; round < 20; ++round) {
    std::vector<std::string> rules;
    for (int i = 0; i < 200; ++i) {
      int table = pick(4) * 2;  // tables 0,2,4,6
      std::string r = "table=" + std::to_string(table) + ",priority=" + std::to_string(pick(5));
      if (pick(2)) r += ",in_port=" + std::to_string(1 + pick(3));
      if (pick(2)) r += ",reg0=" + std::to_string(pick(3));
      if (pick(2)) r += ",tcp,tp_dst=" + std::to_string(80 + pick(3));
      else if (pick(2)) r += ",ip,nw_dst=10.0.0." + std::to_string(pick(4)) + "/" + std::to_string(30 + pick(3));
      r += ",actions=";
      if (pick(2)) r += "load:" + std::to_string(pick(3)) + "->NXM_NX_REG0[],";
      if (r.find(",ip") != std::string::npos && pick(2)) r += "mod_nw_dst:10.0.0." + std::to_string(pick(4)) + ",";
      r += "output:" + std::to_string(pick(9));
      if (table < 6 && pick(2)) r += ",goto_table:" + std::to_string(table + 2 * (1 + pick((6 - table) / 2)));
      rules.push_back(r);
    }
    FlowTable t;
    ASSERT_TRUE(AddAll(&t, rules).ok());
    const FlowPipeline& p = *t.pipeline();
    for (int i = 0; i < 2000; ++i) {
      FlowKey k;
      k.Clear();
      k.in_port = 1 + pick(3);
      k.eth_type = 0x0800;
      k.nw_proto = pick(2) ? 6 : 17;
      k.nw_dst = htonl(0x0a000000u + pick(6));
      k.tp_dst = static_cast<uint16_t>(80 + pick(3));
      PipelineResult r;
      p.Walk(k, &r);
      std::vector<const InstalledRule*> want = ReferenceWalk(t, k);
      ASSERT_EQ(r.depth, want.size());
      for (size_t d = 0; d < want.size(); ++d) ASSERT_EQ(p.rule(r.rules[d]).id, want[d]->id);
      // A port whose walk was precomputed as packet-independent walks that way for every packet.
      const PortVerdict& v = p.port_verdict(k.in_port);
      if (!v.determined) continue;
      ++determined_walks;
      ASSERT_EQ(v.result.depth, r.depth) << "port " << k.in_port << " round " << round;
      ASSERT_EQ(v.result.fate, r.fate);
      for (size_t d = 0; d < r.depth; ++d) ASSERT_EQ(v.result.rules[d], r.rules[d]);
    }
  }
  EXPECT_GT(determined_walks, 0);  // the rule sets do give some ports a verdict
}

// Rules on ports and registers only: every packet of a port walks the same way, and the
// precomputed verdict equals the walk of any packet from that port.
TEST(FlowPipeline, PortOnlyRulesGiveOneVerdictPerPort) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=10,in_port=1,actions=load:0x5->NXM_NX_REG0[],goto_table:1",
                          "priority=10,in_port=2,actions=output:1,output:3",
                          "table=1,priority=5,reg0=5,actions=output:2"})
                  .ok());
  const FlowPipeline& p = *t.pipeline();
  ASSERT_TRUE(p.port_determined());
  const PortVerdict& v1 = p.port_verdict(1);
  EXPECT_TRUE(v1.packet_blind);
  EXPECT_EQ(FormatActions(p.ComposeActions(v1.result)), "load:0x5->NXM_NX_REG0[],goto_table:1,output:2");
  EXPECT_EQ(Composed(p, Key("in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80")), "load:0x5->NXM_NX_REG0[],goto_table:1,output:2");
  EXPECT_EQ(FormatActions(p.ComposeActions(p.port_verdict(2).result)), "output:1,output:3");
  EXPECT_EQ(p.port_verdict(3).result.fate, PipelineFate::kTableMiss);  // no rule for port 3
  EXPECT_EQ(p.port_verdict(3).result.depth, 0);
}

// Rules on packet fields do not take the verdict from a port whose own rules outrank them at
// every table it visits (a priority-200 in_port rule above a million nw_dst rules).
TEST(FlowPipeline, PortRulesAboveFieldRulesStillGiveThatPortAVerdict) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=200,in_port=1,actions=output:3",
                          "priority=100,ip,nw_dst=10.0.0.1,actions=output:2",
                          "priority=100,ip,nw_dst=10.0.0.2,actions=output:2",
                          "priority=300,in_port=2,tcp,actions=drop",  // above port 2's own rule
                          "priority=250,in_port=2,actions=output:1",
                          "priority=250,in_port=4,actions=load:0x7->NXM_NX_REG1[],goto_table:1",
                          "table=1,priority=5,reg1=7,actions=output:1",
                          "table=1,priority=1,udp,actions=drop",  // outranked by the reg1 rule
                          "priority=250,in_port=5,actions=goto_table:2",
                          "table=2,priority=5,udp,actions=drop"})
                  .ok());
  const FlowPipeline& p = *t.pipeline();
  EXPECT_FALSE(p.port_determined());  // not every port
  ASSERT_TRUE(p.port_verdict(1).determined);
  EXPECT_TRUE(p.port_verdict(1).packet_blind);
  EXPECT_EQ(FormatActions(p.ComposeActions(p.port_verdict(1).result)), "output:3");
  EXPECT_FALSE(p.port_verdict(2).determined);  // a tcp packet takes the priority-300 rule
  EXPECT_FALSE(p.port_verdict(3).determined);  // only the nw_dst rules could match
  ASSERT_TRUE(p.port_verdict(4).determined);
  EXPECT_EQ(FormatActions(p.ComposeActions(p.port_verdict(4).result)), "load:0x7->NXM_NX_REG1[],goto_table:1,output:1");
  EXPECT_FALSE(p.port_verdict(5).determined);  // table 2 reads the packet
  // Any packet from ports 1 and 4 walks like the verdict.
  for (const char* packet : {"in_port=1,ip,nw_dst=10.0.0.1", "in_port=1,tcp,tp_dst=80", "in_port=4,udp,tp_dst=53"}) {
    const PortVerdict& v = p.port_verdict(Key(packet).in_port);
    EXPECT_EQ(Composed(p, Key(packet)), FormatActions(p.ComposeActions(v.result))) << packet;
  }
  // The same port loses its verdict once a field rule outranks its own.
  ASSERT_TRUE(AddAll(&t, {"priority=201,ip,nw_dst=10.0.0.9,actions=drop"}).ok());
  EXPECT_FALSE(t.pipeline()->port_verdict(1).determined);
}

TEST(FlowPipeline, ActionsThatTouchThePacketAreNotBlind) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"in_port=1,actions=mod_dl_src:02:00:00:00:00:01,output:2", "in_port=2,actions=normal",
                          "in_port=3,actions=meter:1,output:1", "in_port=4,actions=output:1"})
                  .ok());
  const FlowPipeline& p = *t.pipeline();
  ASSERT_TRUE(p.port_determined());
  EXPECT_FALSE(p.port_verdict(1).packet_blind);
  EXPECT_FALSE(p.port_verdict(2).packet_blind);
  EXPECT_FALSE(p.port_verdict(3).packet_blind);
  EXPECT_TRUE(p.port_verdict(4).packet_blind);
}

TEST(FlowPipeline, AnyPacketFieldInAnyTableMakesTheWalkPacketDependent) {
  for (const char* rule : {"table=1,tcp,actions=drop", "table=0,dl_src=02:00:00:00:00:01,actions=drop",
                           "table=2,tun_id=5,actions=drop", "table=0,vlan_tci=0x1005,actions=drop"}) {
    FlowTable t;
    ASSERT_TRUE(AddAll(&t, {"priority=0,in_port=1,actions=goto_table:1", rule}).ok()) << rule;
    EXPECT_FALSE(t.pipeline()->port_determined()) << rule;
  }
}

// The projection holds exactly the bits the rules read.
TEST(FlowPipeline, ProjectionIsTheUnionOfTheMasks) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=5,ip,nw_dst=10.0.0.0/8,actions=drop", "table=1,udp,tp_dst=53,actions=drop"}).ok());
  const KeyProjection& proj = t.pipeline()->projection();
  FlowKey a = Key("in_port=1,udp,nw_src=1.2.3.4,nw_dst=10.9.8.7,tp_src=7,tp_dst=53");
  FlowKey b = proj.Apply(a);
  EXPECT_EQ(b.in_port, 0u);
  EXPECT_EQ(b.nw_src, 0u);
  EXPECT_EQ(b.tp_src, 0);
  EXPECT_EQ(b.tp_dst, 53);
  EXPECT_EQ(b.nw_dst, htonl(0x0a000000));
  EXPECT_EQ(b.eth_type, 0x0800);
  EXPECT_EQ(b.nw_proto, 17);
  EXPECT_TRUE(proj.SameAs(b, a));
}

}  // namespace
}  // namespace vswitch::flow
