// Bundles: OpenFlow add/modify/delete semantics, atomicity (a bad mod changes nothing and
// names its index and field), the goto chain limit, cookies, ids and counters, timeouts.
#include "flow/flow_table.h"

#include <set>
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "flow/action_text.h"
#include "flow/flow_test_util.h"
#include "flow/rule_formatter.h"

namespace vswitch::flow {
namespace {

using testing::Add;
using testing::AddAll;
using testing::Key;
using testing::Mod;

std::vector<std::string> Dump(const FlowTable& t) {
  std::vector<std::string> out;
  for (const InstalledRule* r : t.Select(FlowFilter{})) out.push_back(FormatRule(r->rule.ToRule()));
  return out;
}

std::string Verdict(const FlowTable& t, const std::string& packet) {
  PipelineResult r;
  t.pipeline()->Walk(Key(packet), &r);
  return FormatActions(t.pipeline()->ComposeActions(r));
}

TEST(FlowTable, AddReplacesSameIdentity) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=5,tcp,actions=output:1", "priority=6,tcp,actions=output:2"}).ok());
  uint32_t id5 = t.Select(FlowFilter{})[1]->id;
  ASSERT_TRUE(AddAll(&t, {"priority=5,tcp,actions=output:3"}).ok());
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(Dump(t), (std::vector<std::string>{"table=0, priority=6,tcp actions=output:2",
                                               "table=0, priority=5,tcp actions=output:3"}));
  EXPECT_NE(t.Select(FlowFilter{})[1]->id, id5);  // a replaced rule is a new rule (new counters)
}

TEST(FlowTable, ModifyKeepsIdAndChangesActions) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=5,tcp,tp_dst=80,actions=output:1", "priority=5,tcp,tp_dst=81,actions=output:1",
                          "priority=5,udp,actions=output:1", "table=1,priority=5,tcp,actions=output:1"})
                  .ok());
  uint32_t id = t.Select(FlowFilter{})[0]->id;
  ASSERT_TRUE(t.Commit({Mod(FlowModCommand::kModify, "table=0,tcp,actions=output:9")}, 0).ok());
  EXPECT_EQ(Verdict(t, "tcp,tp_dst=80"), "output:9");
  EXPECT_EQ(Verdict(t, "tcp,tp_dst=81"), "output:9");
  EXPECT_EQ(Verdict(t, "udp"), "output:1");
  EXPECT_EQ(Dump(t)[3], "table=1, priority=5,tcp actions=output:1");  // other table untouched
  bool kept = false;
  for (const InstalledRule* r : t.Select(FlowFilter{})) kept |= r->id == id;
  EXPECT_TRUE(kept);
  // Strict: only the exact (table, priority, match).
  ASSERT_TRUE(t.Commit({Mod(FlowModCommand::kModifyStrict, "priority=5,tcp,tp_dst=81,actions=output:7")}, 0).ok());
  EXPECT_EQ(Verdict(t, "tcp,tp_dst=81"), "output:7");
  EXPECT_EQ(Verdict(t, "tcp,tp_dst=80"), "output:9");
  // No rule selected: nothing happens (no add).
  ASSERT_TRUE(t.Commit({Mod(FlowModCommand::kModifyStrict, "priority=4,tcp,tp_dst=81,actions=output:7")}, 0).ok());
  EXPECT_EQ(t.size(), 4u);
}

TEST(FlowTable, DeleteStrictNonStrictAndByCookie) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"cookie=0x11,priority=5,tcp,tp_dst=80,actions=output:1",
                          "cookie=0x12,priority=6,tcp,tp_dst=80,actions=output:2", "cookie=0x21,priority=5,udp,actions=output:1",
                          "cookie=0x22,table=3,priority=5,ip,actions=output:1"})
                  .ok());
  ASSERT_TRUE(t.Commit({Mod(FlowModCommand::kDeleteStrict, "priority=6,tcp,tp_dst=80")}, 0).ok());
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(Verdict(t, "tcp,tp_dst=80"), "output:1");
  ASSERT_TRUE(t.Commit({Mod(FlowModCommand::kDelete, "cookie=0x20/0xf0")}, 0).ok());  // by cookie, all tables
  EXPECT_EQ(Dump(t), (std::vector<std::string>{"cookie=0x11, table=0, priority=5,tcp,tp_dst=80 actions=output:1"}));
  ASSERT_TRUE(t.Commit({Mod(FlowModCommand::kDelete, "ip")}, 0).ok());  // covers tcp rules
  EXPECT_EQ(t.size(), 0u);
  // No rules at all is the fresh-switch pipeline again (the implicit NORMAL rule); an explicit
  // priority=0 drop rule is how an operator makes an empty-looking switch drop.
  EXPECT_TRUE(t.pipeline()->is_default());
  EXPECT_EQ(Verdict(t, "tcp"), "NORMAL");
  ASSERT_TRUE(AddAll(&t, {"priority=0,actions=drop"}).ok());
  EXPECT_EQ(Verdict(t, "tcp"), "drop");
}

TEST(FlowTable, BadModRejectsTheWholeBundle) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=5,tcp,actions=output:1", "priority=5,udp,actions=output:2"}).ok());
  auto before = Dump(t);
  auto generation = t.pipeline()->generation();

  std::vector<FlowMod> mods;
  mods.push_back(Add("priority=9,icmp,actions=output:3"));
  mods.push_back(Mod(FlowModCommand::kDelete, "udp"));
  mods.push_back(Mod(FlowModCommand::kModify, "tcp,actions=output:4"));
  FlowMod bad = Add("table=2,priority=1,ip,actions=output:1");
  bad.rule.actions.push_back(Action::GotoTable(1));  // backwards: only possible when built in code
  mods.push_back(bad);
  BundleError err;
  Status s = t.Commit(mods, 0, &err);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(err.index, 3u);
  EXPECT_EQ(err.field, "actions");
  EXPECT_EQ(s.message(), "flow-mod 3 (add): actions: goto_table:1: must go to a table after 2");
  EXPECT_EQ(Dump(t), before);
  EXPECT_EQ(t.pipeline()->generation(), generation);

  // A mod that fails while applying (a modify whose actions do not fit a rule it selects)
  // rolls back the mods before it.
  mods.clear();
  mods.push_back(Add("priority=9,icmp,actions=output:3"));
  mods.push_back(Mod(FlowModCommand::kDelete, "udp"));
  mods.push_back(Add("priority=7,tcp,tp_dst=22,actions=output:5"));
  // Fits the tcp rule it covers but not the icmp one (no ports): only detectable per target.
  FlowMod modify = Mod(FlowModCommand::kModify, "ip,actions=output:1");
  modify.rule.actions = {Action::SetTpDst(99), Action::Output(1)};
  mods.push_back(modify);
  s = t.Commit(mods, 0, &err);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(err.index, 3u);
  EXPECT_EQ(err.field, "actions");
  EXPECT_NE(s.message().find("flow-mod 3 (modify): actions: mod_tp_dst:99: requires the match to include tcp, udp or sctp"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(Dump(t), before);
  EXPECT_EQ(t.pipeline()->generation(), generation);
  EXPECT_EQ(Verdict(t, "udp"), "output:2");
}


// The streaming form (how the switch commits parsed-as-applied texts): a source that fails
// at mod 3, after an add, a delete and a replace were applied, changes nothing; mods after
// the failure are never asked for.
TEST(FlowTable, StreamedBatchFailingMidwayChangesNothing) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=5,tcp,actions=output:1", "priority=5,udp,actions=output:2"}).ok());
  auto before = Dump(t);
  auto generation = t.pipeline()->generation();
  std::vector<FlowMod> good = {Add("priority=9,icmp,actions=output:3"), Mod(FlowModCommand::kDelete, "udp"),
                               Add("priority=5,tcp,actions=output:7")};
  size_t asked = 0;
  BundleError err;
  Status s = t.Commit(
      5, 4,
      [&](size_t i, FlowMod* out) {
        ++asked;
        if (i == 3) return Status::InvalidArgument("flow-mod 3: token 1 'bogus=1': unknown field");
        *out = good[i];
        return Status::Ok();
      },
      0, &err);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "flow-mod 3: token 1 'bogus=1': unknown field");
  EXPECT_EQ(err.index, 3u);
  EXPECT_EQ(asked, 4u);
  EXPECT_EQ(Dump(t), before);
  EXPECT_EQ(t.pipeline()->generation(), generation);
  EXPECT_EQ(Verdict(t, "udp"), "output:2");
  EXPECT_EQ(Verdict(t, "tcp"), "output:1");

  // The same source without the failure commits all of it.
  ASSERT_TRUE(t.Commit(3, 2, [&](size_t i, FlowMod* out) { *out = good[i]; return Status::Ok(); }, 0, &err).ok());
  EXPECT_EQ(Verdict(t, "udp"), "drop");
  EXPECT_EQ(Verdict(t, "tcp"), "output:7");
  EXPECT_EQ(Verdict(t, "icmp"), "output:3");
}
TEST(FlowTable, GotoChainLimit) {
  FlowTable t;
  std::vector<FlowMod> mods;
  for (int i = 0; i < kMaxPipelineDepth - 1; ++i)
    mods.push_back(Add("table=" + std::to_string(i) + ",actions=goto_table:" + std::to_string(i + 1)));
  mods.push_back(Add("table=" + std::to_string(kMaxPipelineDepth - 1) + ",actions=output:1"));
  ASSERT_TRUE(t.Commit(mods, 0).ok());  // exactly kMaxPipelineDepth tables
  EXPECT_EQ(Verdict(t, "tcp"), std::string(FormatActions(t.pipeline()->ComposeActions([&] {
              PipelineResult r;
              t.pipeline()->Walk(Key("tcp"), &r);
              return r;
            }()))));
  PipelineResult r;
  t.pipeline()->Walk(Key("tcp"), &r);
  EXPECT_EQ(r.depth, kMaxPipelineDepth);
  size_t before = t.size();
  BundleError err;
  Status s = t.Commit({Add("priority=1,ip,actions=output:2"),
                       Add("table=" + std::to_string(kMaxPipelineDepth - 1) + ",priority=9,actions=goto_table:100"),
                       Add("table=100,actions=output:1")},
                      0, &err);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(err.index, 1u);
  EXPECT_EQ(s.message(), "flow-mod 1 (add): actions: goto_table chains visit up to 9 tables; the limit is 8");
  EXPECT_EQ(t.size(), before);
}

TEST(FlowTable, CountersFollowRuleIds) {
  RuleCounters counters(2, 1 << 16);
  FlowTable t(&counters);
  ASSERT_TRUE(AddAll(&t, {"priority=5,tcp,actions=output:1"}).ok());
  uint32_t id = t.Select(FlowFilter{})[0]->id;
  counters.Hit(0, id, 1, 100, 5);
  counters.Hit(1, id, 2, 50, 7);
  EXPECT_EQ(counters.Read(id).packets, 3u);
  EXPECT_EQ(counters.Read(id).bytes, 150u);
  EXPECT_EQ(counters.Read(id).last_hit, 7u);
  // Modify keeps counters; delete retires the id, reused only after recycling (and reset then).
  ASSERT_TRUE(t.Commit({Mod(FlowModCommand::kModify, "tcp,actions=output:2")}, 0).ok());
  EXPECT_EQ(t.Select(FlowFilter{})[0]->id, id);
  EXPECT_EQ(counters.Read(id).packets, 3u);
  ASSERT_TRUE(t.Commit({Mod(FlowModCommand::kDelete, "")}, 0).ok());
  uint64_t gen = t.pipeline()->generation();
  ASSERT_TRUE(AddAll(&t, {"priority=6,udp,actions=output:1"}).ok());
  EXPECT_NE(t.Select(FlowFilter{})[0]->id, id);  // not recycled yet
  t.RecycleRetiredIds(gen);
  EXPECT_EQ(counters.Read(id).packets, 0u);
  ASSERT_TRUE(AddAll(&t, {"priority=7,udp,actions=output:1"}).ok());
  EXPECT_EQ(t.Select(FlowFilter{})[0]->id, id);
}

TEST(FlowTable, Timeouts) {
  RuleCounters counters(1, 1 << 16);
  FlowTable t(&counters);
  ASSERT_TRUE(t.Commit({Add("priority=1,tcp,idle_timeout=10,actions=output:1"),
                        Add("priority=2,udp,hard_timeout=20,actions=output:1"), Add("priority=3,icmp,actions=output:1")},
                       1'000'000'000ull)
                  .ok());
  EXPECT_TRUE(t.ExpiredRules(5'000'000'000ull, &counters).empty());
  uint32_t tcp_id = t.Select(FlowFilter{})[2]->id;
  counters.Hit(0, tcp_id, 1, 60, 9'000'000'000ull);
  EXPECT_TRUE(t.ExpiredRules(15'000'000'000ull, &counters).empty());  // idle since 9 s
  auto expired = t.ExpiredRules(21'000'000'000ull, &counters);
  ASSERT_EQ(expired.size(), 2u);  // udp hard timeout, tcp idle timeout
  ASSERT_TRUE(t.Commit(std::move(expired), 0).ok());
  EXPECT_EQ(Dump(t), (std::vector<std::string>{"table=0, priority=3,icmp actions=output:1"}));
}

TEST(FlowTable, LargeBundleThenSingleChange) {
  FlowTable t;
  std::vector<FlowMod> mods;
  for (uint32_t i = 0; i < 20000; ++i) {
    FlowMod m;
    m.rule.priority = 10;
    m.rule.match.key.eth_type = 0x0800;
    m.rule.match.mask.eth_type = 0xffff;
    m.rule.match.key.nw_dst = htonl(0x0a000000u + i);
    m.rule.match.mask.nw_dst = 0xffffffffu;
    m.rule.actions.push_back(Action::Output(i % 7));
    mods.push_back(std::move(m));
  }
  ASSERT_TRUE(t.Commit(std::move(mods), 0).ok());
  EXPECT_EQ(t.size(), 20000u);
  EXPECT_EQ(Verdict(t, "ip,nw_dst=10.0.0.100"), "output:2");
  ASSERT_TRUE(t.Commit({Mod(FlowModCommand::kModifyStrict, "priority=10,ip,nw_dst=10.0.0.100,actions=output:42")}, 0).ok());
  EXPECT_EQ(Verdict(t, "ip,nw_dst=10.0.0.100"), "output:42");
  ASSERT_TRUE(t.Commit({Mod(FlowModCommand::kDeleteStrict, "priority=10,ip,nw_dst=10.0.0.100")}, 0).ok());
  EXPECT_EQ(Verdict(t, "ip,nw_dst=10.0.0.100"), "drop");
  EXPECT_EQ(t.size(), 19999u);
  // Every remaining rule is still found by its identity after all the swap-removes.
  for (uint32_t i = 0; i < 20000; i += 997) {
    if (i == 100) continue;
    FlowMod m;
    m.command = FlowModCommand::kDeleteStrict;
    m.rule.priority = 10;
    m.rule.match.key.eth_type = 0x0800;
    m.rule.match.mask.eth_type = 0xffff;
    m.rule.match.key.nw_dst = htonl(0x0a000000u + i);
    m.rule.match.mask.nw_dst = 0xffffffffu;
    size_t before = t.size();
    ASSERT_TRUE(t.Commit({m}, 0).ok());
    ASSERT_EQ(t.size(), before - 1) << i;
  }
}

}  // namespace
}  // namespace vswitch::flow

namespace vswitch::flow {
namespace {

// Rules with equal masks share one stored mask (a million nw_dst rules: one), and a pool
// forgets masks no rule uses any more.
TEST(StoredRule, EqualMasksAreSharedAndRulesReadBackWhole) {
  FlowTable t;
  std::vector<std::string> rules;
  for (int i = 0; i < 200; ++i) rules.push_back("priority=5,ip,nw_dst=10.0." + std::to_string(i) + ".0/24,actions=output:1");
  rules.push_back("priority=6,tcp,tp_dst=80,actions=drop");
  ASSERT_TRUE(AddAll(&t, rules).ok());
  std::set<const FlowKey*> masks;
  for (const InstalledRule* r : t.Select(FlowFilter{})) masks.insert(r->rule.shared_mask.get());
  EXPECT_EQ(masks.size(), 2u);
  // The stored form gives back exactly the rule that was added.
  auto selected = t.Select(FlowFilter{});
  EXPECT_EQ(FormatRule(selected.front()->rule.ToRule()), "table=0, priority=6,tcp,tp_dst=80 actions=drop");

  MaskPool pool;
  FlowKey a;
  a.Clear();
  a.nw_dst = 0xffffffffu;
  std::shared_ptr<const FlowKey> first = pool.Intern(a);
  EXPECT_EQ(pool.Intern(a), first);
  for (uint32_t i = 1; i <= 200; ++i) {  // 200 masks used once and dropped
    FlowKey m;
    m.Clear();
    m.tp_dst = static_cast<uint16_t>(i);
    pool.Intern(m);
  }
  EXPECT_LT(pool.size(), 130u);          // swept as it grew
  EXPECT_EQ(pool.Intern(a), first);      // still held by `first`: the same copy
}

}  // namespace
}  // namespace vswitch::flow
