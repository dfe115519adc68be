// Per-worker counters: summed on read, separate cache lines per worker, growth keeps counts,
// concurrent writers (one per worker) and a reader lose nothing.
#include "flow/rule_counters.h"

#include <gtest/gtest.h>

#include <thread>

namespace vswitch::flow {
namespace {

TEST(RuleCounters, SumsWorkersAndGrowsWithoutLoss) {
  RuleCounters c(3, 3 * RuleCounters::kChunkSize);
  ASSERT_TRUE(c.EnsureCapacity(10).ok());
  c.Hit(0, 5, 1, 100, 10);
  c.Hit(2, 5, 2, 20, 30);
  ASSERT_TRUE(c.EnsureCapacity(2 * RuleCounters::kChunkSize + 1).ok());
  c.Hit(1, 5, 1, 1, 20);
  c.Hit(1, 2 * RuleCounters::kChunkSize, 1, 1, 1);
  RuleStats s = c.Read(5);
  EXPECT_EQ(s.packets, 4u);
  EXPECT_EQ(s.bytes, 121u);
  EXPECT_EQ(s.last_hit, 30u);
  EXPECT_EQ(c.Read(2 * RuleCounters::kChunkSize).packets, 1u);
  c.Reset(5);
  EXPECT_EQ(c.Read(5).packets, 0u);
  EXPECT_FALSE(c.EnsureCapacity(3 * RuleCounters::kChunkSize + 1).ok());
}

TEST(RuleCounters, ConcurrentWorkersDoNotLoseIncrements) {
  RuleCounters c(2, 1 << 16);
  ASSERT_TRUE(c.EnsureCapacity(1000).ok());
  const int kHits = 1'000'000;
  auto worker = [&](uint32_t w) {
    for (int i = 0; i < kHits; ++i) c.Hit(w, i % 4, 1, 64, i);
  };
  std::thread a(worker, 0), b(worker, 1);
  uint64_t seen = 0;
  for (int i = 0; i < 1000; ++i) seen = std::max(seen, c.Read(0).packets);  // reads while writing
  a.join();
  b.join();
  uint64_t total = 0;
  for (uint32_t id = 0; id < 4; ++id) total += c.Read(id).packets;
  EXPECT_EQ(total, 2u * kHits);
  EXPECT_EQ(c.Read(1).bytes, 2u * kHits / 4 * 64);
  EXPECT_LE(seen, c.Read(0).packets);
}

}  // namespace
}  // namespace vswitch::flow
