#include "latency_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace vswitch::vsbench {
namespace {

TEST(LatencyStatsTest, NearestRankOnOneToHundred) {
  LatencyStats s(1000);
  for (uint64_t v = 100; v >= 1; --v) s.Add(v);  // order must not matter
  EXPECT_EQ(s.count(), 100u);
  EXPECT_EQ(s.Percentile(50), 50u);
  EXPECT_EQ(s.Percentile(99), 99u);
  EXPECT_EQ(s.Percentile(100), 100u);
  EXPECT_EQ(s.Percentile(1), 1u);
  EXPECT_EQ(s.Percentile(0.5), 1u);
  EXPECT_EQ(s.Percentile(99.5), 100u);
  LatencySummary sum = s.Summarize();
  EXPECT_EQ(sum.min, 1u);
  EXPECT_EQ(sum.max, 100u);
  EXPECT_EQ(sum.p50, 50u);
  EXPECT_EQ(sum.p99, 99u);
  EXPECT_DOUBLE_EQ(sum.mean, 50.5);
  EXPECT_TRUE(sum.exact);
}

TEST(LatencyStatsTest, SmallCountsAndBadArguments) {
  LatencyStats s(10);
  EXPECT_FALSE(s.Percentile(50));
  EXPECT_EQ(s.Summarize().count, 0u);
  s.Add(7);
  EXPECT_EQ(s.Percentile(1), 7u);
  EXPECT_EQ(s.Percentile(99), 7u);
  EXPECT_FALSE(s.Percentile(0));
  EXPECT_FALSE(s.Percentile(100.1));
  s.Add(3);  // two samples: the median is the lower one by nearest rank
  EXPECT_EQ(s.Percentile(50), 3u);
  EXPECT_EQ(s.Percentile(51), 7u);
}

TEST(LatencyStatsTest, OutlierShowsInP99AndMaxNotMedian) {
  LatencyStats s(1 << 16);
  for (int i = 0; i < 980; ++i) s.Add(1000);
  for (int i = 0; i < 20; ++i) s.Add(50000);
  LatencySummary sum = s.Summarize();
  EXPECT_EQ(sum.p50, 1000u);
  EXPECT_EQ(sum.p99, 50000u);
  EXPECT_EQ(sum.max, 50000u);
}

TEST(LatencyStatsTest, ReservoirKeepsExactExtremesAndApproximatePercentiles) {
  LatencyStats s(2000);
  std::mt19937_64 rng(5);
  std::vector<uint64_t> all;
  for (int i = 0; i < 200000; ++i) {
    const uint64_t v = rng() % 100000;
    all.push_back(v);
    s.Add(v);
  }
  std::sort(all.begin(), all.end());
  LatencySummary sum = s.Summarize();
  EXPECT_FALSE(sum.exact);
  EXPECT_EQ(sum.count, 200000u);
  EXPECT_EQ(sum.min, all.front());
  EXPECT_EQ(sum.max, all.back());
  // A uniform sample of 2000 puts the median within a few percent of the true one.
  EXPECT_NEAR(static_cast<double>(sum.p50), static_cast<double>(NearestRank(all, 50)), 5000);
  EXPECT_NEAR(static_cast<double>(sum.p99), static_cast<double>(NearestRank(all, 99)), 2000);
}

TEST(LatencyStatsTest, ClearStartsOver) {
  LatencyStats s(4);
  for (uint64_t v : {5, 6, 7, 8, 9, 10}) s.Add(v);
  s.Clear();
  EXPECT_EQ(s.count(), 0u);
  s.Add(42);
  LatencySummary sum = s.Summarize();
  EXPECT_EQ(sum.min, 42u);
  EXPECT_EQ(sum.max, 42u);
  EXPECT_EQ(sum.p50, 42u);
  EXPECT_TRUE(sum.exact);
}

}  // namespace
}  // namespace vswitch::vsbench
