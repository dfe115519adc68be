// Incremental snapshots (PipelineBuilder via FlowTable::Commit) against full rebuilds
// (FlowPipeline::Build over the same rules): same verdicts, same projection, over random
// sequences of adds, replaces, modifies, deletes and rolled-back batches.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "flow/flow_table.h"
#include "flow/flow_test_util.h"

namespace vswitch::flow {
namespace {

using testing::Key;
using testing::Mod;

// Rule ids along a walk, compared instead of handles (handles differ between the builds).
std::vector<uint32_t> Verdict(const FlowPipeline& p, const FlowKey& key) {
  PipelineResult r;
  p.Walk(key, &r);
  std::vector<uint32_t> out;
  for (uint32_t d = 0; d < r.depth; ++d) {
    const CompiledRule& cr = p.rule(r.rules[d]);
    out.push_back(cr.id);
    for (const Action& a : p.actions(cr)) out.push_back(static_cast<uint32_t>(a.type) << 24 ^ a.u32);
  }
  out.push_back(static_cast<uint32_t>(r.fate) << 8 | r.miss_table);
  return out;
}

std::string RandomMatch(std::mt19937& rng) {
  std::string m = "in_port=" + std::to_string(1 + rng() % 3);
  switch (rng() % 5) {
    case 0: break;
    case 1: m += ",ip,nw_dst=10.0." + std::to_string(rng() % 4) + "." + std::to_string(rng() % 4); break;
    case 2: m += ",ip,nw_dst=10.0." + std::to_string(rng() % 4) + ".0/24"; break;
    case 3: m += ",tcp,tp_dst=" + std::to_string(80 + rng() % 3); break;
    case 4: m += ",ip,nw_src=192.168." + std::to_string(rng() % 3) + ".0/24"; break;
  }
  if (rng() % 4 == 0) m = m.substr(m.find(',') == std::string::npos ? m.size() : m.find(',') + 1);
  if (m.empty()) m = "in_port=1";
  return m;
}

std::string RandomActions(std::mt19937& rng, int table) {
  if (table < 2 && rng() % 3 == 0) return "actions=output:" + std::to_string(1 + rng() % 3) + ",goto_table:" + std::to_string(table + 1);
  if (rng() % 5 == 0) return "actions=drop";
  return "actions=output:" + std::to_string(1 + rng() % 3);
}

std::vector<FlowKey> Probes(std::mt19937& rng) {
  std::vector<FlowKey> keys;
  for (int i = 0; i < 300; ++i) {
    std::string k = "in_port=" + std::to_string(1 + rng() % 3) + ",tcp,nw_src=192.168." + std::to_string(rng() % 3) + "." +
                    std::to_string(rng() % 3) + ",nw_dst=10.0." + std::to_string(rng() % 4) + "." + std::to_string(rng() % 4) +
                    ",tp_dst=" + std::to_string(80 + rng() % 3);
    keys.push_back(Key(k));
  }
  return keys;
}

void ExpectSameAsFullBuild(const FlowTable& table, const std::vector<FlowKey>& keys, int step) {
  std::vector<InstalledRule> rules;
  for (const InstalledRule* r : table.Select(FlowFilter())) rules.push_back(*r);
  std::unique_ptr<FlowPipeline> full = FlowPipeline::Build(rules);
  const FlowPipeline& inc = *table.pipeline();
  ASSERT_EQ(inc.rule_count(), full->rule_count()) << "step " << step;
  ASSERT_EQ(inc.is_default(), full->is_default()) << "step " << step;
  ASSERT_EQ(inc.port_determined(), full->port_determined()) << "step " << step;
  for (const FlowKey& k : keys) ASSERT_EQ(Verdict(inc, k), Verdict(*full, k)) << "step " << step;
  if (inc.port_determined()) {
    for (uint32_t port = 0; port < 5; ++port) {
      FlowKey k;
      k.Clear();
      k.in_port = port;
      ASSERT_EQ(Verdict(inc, k), Verdict(*full, k)) << "step " << step;
    }
  }
}

TEST(IncrementalPipeline, SameVerdictsAsAFullBuildOverRandomChanges) {
  std::mt19937 rng(12345);
  FlowTable table;
  std::vector<FlowKey> keys = Probes(rng);
  size_t most_rules = 0, refused = 0;
  for (int step = 0; step < 400; ++step) {
    std::vector<FlowMod> mods;
    int n = 1 + static_cast<int>(rng() % (step % 10 == 0 ? 40 : 4));
    for (int i = 0; i < n; ++i) {
      int t = static_cast<int>(rng() % 3);
      std::string match = RandomMatch(rng);
      std::string loose = "table=" + std::to_string(t) + "," + match;  // non-strict: no priority
      std::string rule = "table=" + std::to_string(t) + ",priority=" + std::to_string(rng() % 6) + "," + match;
      switch (rng() % 8) {
        case 0: mods.push_back(Mod(FlowModCommand::kDelete, loose)); break;
        case 1: mods.push_back(Mod(FlowModCommand::kDeleteStrict, rule)); break;
        case 2: mods.push_back(Mod(FlowModCommand::kModifyStrict, rule + "," + RandomActions(rng, t))); break;
        case 3: mods.push_back(Mod(FlowModCommand::kModify, loose + "," + RandomActions(rng, t))); break;
        default: mods.push_back(Mod(FlowModCommand::kAdd, rule + "," + RandomActions(rng, t))); break;
      }
    }
    // Now and then a batch that fails after it was applied: a goto_table chain of 10 tables
    // (0, 3, 4, ..., 11) fails the whole-set depth check. It must roll back completely.
    bool poison = rng() % 7 == 0;
    if (poison) {
      mods.push_back(Mod(FlowModCommand::kAdd, "table=0,priority=9,in_port=3,actions=goto_table:3"));
      for (int t = 3; t <= 10; ++t) {
        mods.push_back(Mod(FlowModCommand::kAdd, "table=" + std::to_string(t) + ",priority=1,in_port=3,actions=goto_table:" +
                                                     std::to_string(t + 1)));
      }
    }
    if (!poison && step % 97 == 96) mods.push_back(Mod(FlowModCommand::kDelete, ""));  // delete everything
    uint64_t before = table.pipeline()->generation();
    Status s = table.Commit(std::move(mods), 0);
    if (poison) {
      // Refused after applying: everything rolled back, same snapshot.
      ASSERT_FALSE(s.ok());
      ASSERT_EQ(table.pipeline()->generation(), before);
      ++refused;
    } else {
      ASSERT_TRUE(s.ok()) << s.message();
    }
    ExpectSameAsFullBuild(table, keys, step);
    table.RecycleRetiredIds(table.pipeline()->generation());  // ids get reused, as in the switch
    most_rules = std::max(most_rules, table.size());
  }
  EXPECT_GT(most_rules, 50u);  // the random walk does build up sizeable tables
  EXPECT_GT(refused, 20u);
}

TEST(IncrementalPipeline, OneRuleChangeOnALargeTableKeepsTheOthers) {
  FlowTable table;
  std::vector<FlowMod> mods;
  for (uint32_t i = 0; i < 100000; ++i) {
    mods.push_back(Mod(FlowModCommand::kAdd, "priority=100,ip,nw_dst=10." + std::to_string(i >> 16) + "." +
                                                 std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255) +
                                                 ",actions=output:2"));
  }
  mods.push_back(Mod(FlowModCommand::kAdd, "priority=1,in_port=1,actions=output:2"));
  ASSERT_TRUE(table.Commit(std::move(mods), 0).ok());
  auto old = table.pipeline();
  FlowKey hit = Key("in_port=1,ip,nw_dst=10.1.2.3");
  FlowKey miss = Key("in_port=1,ip,nw_dst=11.0.0.1");
  std::vector<uint32_t> hit_before = Verdict(*old, hit);

  std::vector<FlowMod> one;
  one.push_back(Mod(FlowModCommand::kAdd, "priority=200,in_port=1,actions=output:3"));
  ASSERT_TRUE(table.Commit(std::move(one), 0).ok());
  const FlowPipeline& now = *table.pipeline();
  EXPECT_EQ(now.rule_count(), 100002u);
  // The new rule wins over the low-priority port rule and over the nw_dst rules.
  PipelineResult r;
  now.Walk(miss, &r);
  ASSERT_EQ(r.depth, 1);
  EXPECT_EQ(now.rule(r.rules[0]).priority, 200);
  now.Walk(hit, &r);
  EXPECT_EQ(now.rule(r.rules[0]).priority, 200);
  // The old snapshot still answers as before (workers may hold it until the grace period).
  EXPECT_EQ(Verdict(*old, hit), hit_before);
  // Removing it brings back every other rule's verdict.
  std::vector<FlowMod> del;
  del.push_back(Mod(FlowModCommand::kDeleteStrict, "priority=200,in_port=1"));
  ASSERT_TRUE(table.Commit(std::move(del), 0).ok());
  EXPECT_EQ(Verdict(*table.pipeline(), hit), hit_before);
  for (uint32_t i = 0; i < 100000; i += 997) {
    FlowKey k = Key("in_port=2,ip,nw_dst=10." + std::to_string(i >> 16) + "." + std::to_string((i >> 8) & 255) + "." +
                    std::to_string(i & 255));
    table.pipeline()->Walk(k, &r);
    ASSERT_EQ(r.depth, 1) << i;
    EXPECT_EQ(table.pipeline()->rule(r.rules[0]).priority, 100);
  }
  ExpectSameAsFullBuild(table, {hit, miss}, 0);
}

}  // namespace
}  // namespace vswitch::flow
