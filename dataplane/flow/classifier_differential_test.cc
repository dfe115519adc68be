// Differential test: the tuple-space classifier against a plain linear scan over random rule
// sets (many masks, overlapping rules, colliding priorities) and random packets biased to hit
// rules. Both single and batched lookups must give the linear scan's verdict every time.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "flow/classifier.h"

namespace vswitch::flow {
namespace {

struct RefRule {
  FlowMatch match;
  uint16_t priority;
  uint32_t sequence;
};

// Reference semantics: highest priority; among equal priorities the lowest sequence.
uint32_t LinearScan(const std::vector<RefRule>& rules, const FlowKey& k) {
  uint32_t best = kNoRule;
  for (uint32_t i = 0; i < rules.size(); ++i) {
    if (!rules[i].match.Matches(k)) continue;
    if (best == kNoRule || rules[i].priority > rules[best].priority ||
        (rules[i].priority == rules[best].priority && rules[i].sequence < rules[best].sequence))
      best = i;
  }
  return best;
}

uint32_t PrefixMask(int len) { return len == 0 ? 0 : htonl(~0u << (32 - len)); }

class RuleSetGenerator {
 public:
  explicit RuleSetGenerator(uint64_t seed) : rng_(seed) {}

  // Field values come from small domains so that random packets hit rules and rules overlap.
  FlowKey RandomKey() {
    FlowKey k;
    k.Clear();
    k.in_port = 1 + Pick(4);
    k.eth_type = Pick(4) ? 0x0800 : 0x86dd;
    k.nw_proto = Pick(2) ? 6 : 17;
    k.nw_src = htonl(0x0a000000u | (Pick(4) << 16) | (Pick(4) << 8) | Pick(8));
    k.nw_dst = htonl(0x0a000000u | (Pick(4) << 16) | (Pick(4) << 8) | Pick(8));
    k.tp_src = static_cast<uint16_t>(1000 + Pick(8));
    k.tp_dst = static_cast<uint16_t>(Pick(2) ? 80 : 440 + Pick(8));
    k.regs[0] = Pick(3);
    k.vlan_tci = Pick(2) ? 0 : static_cast<uint16_t>(kVlanPresent | Pick(3));
    k.eth_src[5] = static_cast<uint8_t>(Pick(4));
    k.tun_id = Pick(3);
    return k;
  }

  // A mask template: a random subset of fields, with random prefix/partial masks.
  FlowKey RandomMask() {
    FlowKey m;
    m.Clear();
    if (Pick(3) == 0) m.in_port = 0xffffffffu;
    if (Pick(2)) m.eth_type = 0xffff;
    if (Pick(2)) m.nw_proto = 0xff;
    if (Pick(2)) m.nw_src = PrefixMask(static_cast<int>(Pick(33)));
    if (Pick(2)) m.nw_dst = PrefixMask(static_cast<int>(Pick(33)));
    if (Pick(3) == 0) m.tp_src = Pick(2) ? 0xffff : 0xfffc;
    if (Pick(2)) m.tp_dst = Pick(2) ? 0xffff : 0xfff8;
    if (Pick(4) == 0) m.regs[0] = 0xffffffffu;
    if (Pick(4) == 0) m.vlan_tci = Pick(2) ? 0x1fff : 0xffff;
    if (Pick(5) == 0) m.eth_src[5] = 0xff;
    if (Pick(5) == 0) m.tun_id = ~0ull;
    return m;
  }

  std::vector<RefRule> RandomRules(size_t n, size_t n_masks, int priorities) {
    std::vector<FlowKey> masks;
    for (size_t i = 0; i < n_masks; ++i) masks.push_back(RandomMask());
    // Unique sequence numbers (as FlowTable assigns them), in an order unrelated to the vector.
    std::vector<uint32_t> sequences(n);
    for (uint32_t i = 0; i < n; ++i) sequences[i] = i * 3 + 1;
    std::shuffle(sequences.begin(), sequences.end(), rng_);
    std::vector<RefRule> rules;
    for (size_t i = 0; i < n; ++i) {
      RefRule r;
      r.match.key = RandomKey();
      r.match.mask = masks[Pick(static_cast<uint32_t>(masks.size()))];
      r.match.Normalize();
      r.priority = static_cast<uint16_t>(Pick(static_cast<uint32_t>(priorities)));
      r.sequence = sequences[i];
      rules.push_back(r);
    }
    return rules;
  }

  // 3 of 4 packets start from a rule's values (so they hit it or something better).
  FlowKey RandomPacket(const std::vector<RefRule>& rules) {
    FlowKey k = RandomKey();
    if (!rules.empty() && Pick(4) != 0) {
      const RefRule& r = rules[Pick(static_cast<uint32_t>(rules.size()))];
      KeyWord* w = Words(k);
      const KeyWord* rk = Words(r.match.key);
      const KeyWord* rm = Words(r.match.mask);
      for (size_t i = 0; i < kFlowKeyWords; ++i) w[i] = (w[i] & ~rm[i]) | rk[i];
    }
    return k;
  }

  uint32_t Pick(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }

 private:
  std::mt19937_64 rng_;
};

Classifier BuildClassifier(const std::vector<RefRule>& rules) {
  std::vector<Classifier::BuildEntry> entries;
  for (uint32_t i = 0; i < rules.size(); ++i)
    entries.push_back(Classifier::BuildEntry{i, RuleRank(rules[i].priority, rules[i].sequence), &rules[i].match.key, &rules[i].match.mask});
  Classifier c;
  c.Build(entries);
  return c;
}

TEST(ClassifierDifferential, MatchesLinearScanOnRandomRuleSets) {
  RuleSetGenerator gen(20240601);
  size_t packets = 0, hits = 0;
  struct Shape {
    size_t rules, masks;
    int priorities;
  } shapes[] = {{1, 1, 1}, {10, 3, 2}, {100, 10, 5}, {300, 30, 3}, {1000, 10, 1000}, {2000, 60, 4}, {50, 50, 1}};
  for (int round = 0; round < 4; ++round) {
    for (const Shape& s : shapes) {
      std::vector<RefRule> rules = gen.RandomRules(s.rules, s.masks, s.priorities);
      Classifier c = BuildClassifier(rules);
      const int n_packets = 4000;
      std::vector<FlowKey> keys(n_packets);
      for (auto& k : keys) k = gen.RandomPacket(rules);
      // Single lookups.
      for (const FlowKey& k : keys) {
        uint32_t want = LinearScan(rules, k);
        ASSERT_EQ(c.Lookup(k), want) << "rules=" << s.rules << " masks=" << s.masks;
        hits += want != kNoRule;
        ++packets;
      }
      // Batched lookups in bursts of varying size.
      for (size_t i = 0; i < keys.size();) {
        uint32_t n = 1 + gen.Pick(kMaxLookupBurst);
        if (i + n > keys.size()) n = static_cast<uint32_t>(keys.size() - i);
        const FlowKey* ptrs[kMaxLookupBurst];
        uint32_t out[kMaxLookupBurst];
        for (uint32_t j = 0; j < n; ++j) ptrs[j] = &keys[i + j];
        c.LookupBurst(ptrs, n, out);
        for (uint32_t j = 0; j < n; ++j) ASSERT_EQ(out[j], LinearScan(rules, keys[i + j]));
        packets += n;
        i += n;
      }
    }
  }
  EXPECT_GE(packets, 100000u);
  // The packet generator must really exercise hits (and some misses).
  EXPECT_GT(hits, packets / 4);
  EXPECT_LT(hits, packets);
}

TEST(ClassifierDifferential, EmptyAndShadowedRules) {
  Classifier empty;
  empty.Build({});
  FlowKey k;
  k.Clear();
  EXPECT_EQ(empty.Lookup(k), kNoRule);
  // Two rules with the same match: only the better one is ever returned.
  std::vector<RefRule> rules(2);
  rules[0].match.mask.in_port = 0xffffffffu;
  rules[0].match.key.in_port = 1;
  rules[0].priority = 5;
  rules[0].sequence = 1;
  rules[1] = rules[0];
  rules[1].priority = 9;
  rules[1].sequence = 2;
  Classifier c = BuildClassifier(rules);
  k.in_port = 1;
  EXPECT_EQ(c.Lookup(k), 1u);
  EXPECT_EQ(c.entry_count(), 1u);
  // Equal priority: the earlier sequence wins.
  rules[1].priority = 5;
  Classifier d = BuildClassifier(rules);
  EXPECT_EQ(d.Lookup(k), 0u);
}

}  // namespace
}  // namespace vswitch::flow
