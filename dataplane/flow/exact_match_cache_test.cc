// The exact-match cache: hits serve the cached walk; a new pipeline generation makes every
// entry a miss, so a changed rule takes effect on the very next packet of an existing flow.
#include "flow/exact_match_cache.h"

#include <gtest/gtest.h>

#include "flow/action_text.h"
#include "flow/flow_lookup.h"
#include "flow/flow_test_util.h"

namespace vswitch::flow {
namespace {

using testing::AddAll;
using testing::Key;
using testing::Mod;

std::string Classify(const FlowPipeline& p, ExactMatchCache* emc, const FlowKey& k) {
  const FlowKey* keys[1] = {&k};
  PipelineResult r[1];
  ClassifyBurst(p, emc, keys, 1, r);
  return FormatActions(p.ComposeActions(r[0]));
}

TEST(ExactMatchCache, HitAfterInsertMissOnOtherGenerationOrKey) {
  ExactMatchCache emc(64);
  const KeyProjection full = KeyProjection::Full();
  FlowKey a = Key("tcp,tp_dst=80"), b = Key("tcp,tp_dst=81");
  PipelineResult r;
  r.depth = 1;
  r.rules[0] = 7;
  uint32_t ha = HashFlowKey(a);
  EXPECT_EQ(emc.Lookup(a, ha, 5, full), nullptr);
  emc.Insert(a, ha, 5, full, r);
  ASSERT_NE(emc.Lookup(a, ha, 5, full), nullptr);
  EXPECT_EQ(emc.Lookup(a, ha, 5, full)->rules[0], 7u);
  EXPECT_EQ(emc.Lookup(a, ha, 6, full), nullptr);               // stale generation
  EXPECT_EQ(emc.Lookup(b, HashFlowKey(b), 5, full), nullptr);  // other key
  EXPECT_EQ(emc.Lookup(b, ha, 5, full), nullptr);              // same hash, different key
}

// Flows that differ only in fields no rule reads share one entry; a field a rule reads
// separates them, and a rule change that starts reading a new field takes effect at once.
TEST(ExactMatchCache, KeysOnTheBitsThePipelineReads) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=10,ip,nw_dst=10.1.2.0/24,actions=output:2", "priority=1,actions=drop"}).ok());
  std::shared_ptr<const FlowPipeline> p = t.pipeline();
  const KeyProjection& proj = p->projection();
  ExactMatchCache emc(1024);
  FlowKey f1 = Key("in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.1.2.3,tp_src=1000,tp_dst=53");
  FlowKey f2 = Key("in_port=3,udp,nw_src=10.0.0.9,nw_dst=10.1.2.77,tp_src=2000,tp_dst=80");
  FlowKey f3 = Key("in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.1.3.3,tp_src=1000,tp_dst=53");
  EXPECT_EQ(HashProjected(f1, proj), HashProjected(f2, proj));
  EXPECT_EQ(Classify(*p, &emc, f1), "output:2");  // walked and cached
  ASSERT_NE(emc.Lookup(f2, HashProjected(f2, proj), p->generation(), proj), nullptr);  // same /24: shared
  EXPECT_EQ(Classify(*p, &emc, f2), "output:2");
  EXPECT_EQ(emc.Lookup(f3, HashProjected(f3, proj), p->generation(), proj), nullptr);  // other /24
  EXPECT_EQ(Classify(*p, &emc, f3), "drop");

  // A rule on tp_dst widens the projection: f1 and f2 now walk differently, and the next
  // packet of each shows it.
  ASSERT_TRUE(AddAll(&t, {"priority=20,udp,tp_dst=80,actions=output:3"}).ok());
  EXPECT_EQ(Classify(*t.pipeline(), &emc, f1), "output:2");
  EXPECT_EQ(Classify(*t.pipeline(), &emc, f2), "output:3");
  EXPECT_EQ(Classify(*t.pipeline(), &emc, f1), "output:2");  // from the cache now
}

TEST(ExactMatchCache, ChangedRuleTakesEffectOnTheVeryNextPacket) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=10,in_port=1,tcp,tp_dst=80,actions=output:2"}).ok());
  ExactMatchCache emc(1024);
  FlowKey flow = Key("in_port=1,tcp,tp_dst=80");
  std::shared_ptr<const FlowPipeline> p1 = t.pipeline();
  EXPECT_EQ(Classify(*p1, &emc, flow), "output:2");  // miss, walked, cached
  EXPECT_NE(emc.Lookup(flow, HashProjected(flow, p1->projection()), p1->generation(), p1->projection()), nullptr);
  EXPECT_EQ(Classify(*p1, &emc, flow), "output:2");  // hit

  // Modify the rule: the next packet of the same flow sees the new actions.
  ASSERT_TRUE(t.Commit({Mod(FlowModCommand::kModifyStrict, "priority=10,in_port=1,tcp,tp_dst=80,actions=output:3")}, 0).ok());
  std::shared_ptr<const FlowPipeline> p2 = t.pipeline();
  EXPECT_EQ(emc.Lookup(flow, HashProjected(flow, p2->projection()), p2->generation(), p2->projection()), nullptr);
  EXPECT_EQ(Classify(*p2, &emc, flow), "output:3");

  // A higher-priority rule that shadows it: also effective immediately.
  ASSERT_TRUE(AddAll(&t, {"priority=20,tcp,actions=drop"}).ok());
  EXPECT_EQ(Classify(*t.pipeline(), &emc, flow), "drop");

  // Replace it with a rule for another port: this flow now misses in table 0.
  ASSERT_TRUE(t.Commit({Mod(FlowModCommand::kDelete, ""), testing::Add("in_port=2,actions=output:1")}, 0).ok());
  const FlowKey* keys[1] = {&flow};
  PipelineResult r[1];
  ClassifyBurst(*t.pipeline(), &emc, keys, 1, r);
  EXPECT_EQ(r[0].depth, 0);
  EXPECT_EQ(r[0].fate, PipelineFate::kTableMiss);
}

TEST(ExactMatchCache, BurstWithDuplicatesAndEvictions) {
  FlowTable t;
  ASSERT_TRUE(AddAll(&t, {"priority=10,tcp,actions=output:1", "priority=10,udp,actions=output:2"}).ok());
  ExactMatchCache emc(2);  // tiny: forces evictions inside one burst
  std::vector<FlowKey> keys;
  for (int i = 0; i < 40; ++i) keys.push_back(Key(std::string(i % 2 ? "udp" : "tcp") + ",tp_dst=" + std::to_string(i % 5)));
  const FlowKey* ptrs[40];
  for (int i = 0; i < 40; ++i) ptrs[i] = &keys[i];
  for (int round = 0; round < 3; ++round) {
    PipelineResult r[40];
    ClassifyBurst(*t.pipeline(), &emc, ptrs, 40, r);
    for (int i = 0; i < 40; ++i) EXPECT_EQ(FormatActions(t.pipeline()->ComposeActions(r[i])), i % 2 ? "output:2" : "output:1");
  }
}

TEST(ExactMatchCache, CountRulesBumpsEveryTableOnThePath) {
  RuleCounters counters(2, 1 << 14);
  FlowTable t(&counters);
  ASSERT_TRUE(AddAll(&t, {"priority=10,tcp,actions=goto_table:1", "table=1,priority=1,actions=output:1"}).ok());
  ExactMatchCache emc(64);
  FlowKey k = Key("tcp");
  const FlowKey* keys[1] = {&k};
  PipelineResult r[1];
  for (int i = 0; i < 3; ++i) {
    ClassifyBurst(*t.pipeline(), &emc, keys, 1, r);
    CountRules(&counters, 1, *t.pipeline(), r[0], 64, 100 + i);
  }
  for (const InstalledRule* ir : t.Select(FlowFilter{})) {
    EXPECT_EQ(counters.Read(ir->id).packets, 3u);
    EXPECT_EQ(counters.Read(ir->id).bytes, 192u);
    EXPECT_EQ(counters.Read(ir->id).last_hit, 102u);
  }
}

}  // namespace
}  // namespace vswitch::flow

namespace vswitch::flow {
namespace {

TEST(ExactMatchCache, BypassesWhenThrashingAndRecovers) {
  FlowTable t;
  // The rules read nw_src, so flows that differ in it need entries of their own.
  ASSERT_TRUE(testing::AddAll(&t, {"priority=10,ip,nw_src=0.0.0.1,actions=output:2", "priority=5,ip,actions=output:1"}).ok());
  ExactMatchCache emc(64);
  std::vector<FlowKey> many(100000);
  for (uint32_t i = 0; i < many.size(); ++i) {
    many[i] = testing::Key("ip");
    many[i].nw_src = i;
  }
  const FlowKey* ptrs[32];
  PipelineResult r[32];
  for (size_t i = 0; i + 32 <= many.size(); i += 32) {
    for (int j = 0; j < 32; ++j) ptrs[j] = &many[i + j];
    ClassifyBurst(*t.pipeline(), &emc, ptrs, 32, r);
    for (int j = 0; j < 32; ++j) ASSERT_EQ(r[j].depth, 1);  // bypassed or not, the verdict is right
  }
  EXPECT_TRUE(emc.bypassed());
  // Few flows again: sampled bursts fill the cache, the hit rate recovers, bypass ends.
  for (int round = 0; round < 20000 && emc.bypassed(); ++round) {
    for (int j = 0; j < 32; ++j) ptrs[j] = &many[j % 8];
    ClassifyBurst(*t.pipeline(), &emc, ptrs, 32, r);
  }
  EXPECT_FALSE(emc.bypassed());
}

}  // namespace
}  // namespace vswitch::flow
