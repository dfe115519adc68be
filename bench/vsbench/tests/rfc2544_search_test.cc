#include "rfc2544_search.h"

#include <gtest/gtest.h>

namespace vswitch::vsbench {
namespace {

// A switch model: loses nothing up to capacity_mpps, then everything above it.
std::function<TrialCounts(double)> SwitchWithCapacity(double capacity_mpps, int* calls) {
  return [=](double rate) {
    ++*calls;
    const uint64_t offered = static_cast<uint64_t>(rate * 1e6);
    const uint64_t received = rate <= capacity_mpps ? offered : static_cast<uint64_t>(capacity_mpps * 1e6);
    return TrialCounts{offered, received};
  };
}

TEST(Rfc2544SearchTest, ConvergesBelowTheCapacityWithinTheResolution) {
  int calls = 0;
  SearchResult r = Rfc2544Search({10.0, 0.01, 0.0, 32}, SwitchWithCapacity(3.3, &calls));
  EXPECT_LE(r.throughput_mpps, 3.3);
  EXPECT_GT(r.throughput_mpps, 3.3 - 0.011);
  ASSERT_GE(r.best_step, 0);
  EXPECT_TRUE(r.steps[r.best_step].passed);
  EXPECT_EQ(r.steps[0].rate_mpps, 10.0);
  EXPECT_FALSE(r.steps[0].passed);
  EXPECT_EQ(static_cast<int>(r.steps.size()), calls);
  EXPECT_LE(calls, 12) << "binary search: log2(10 / 0.01) + 1 trials";
}

TEST(Rfc2544SearchTest, MaximumThatPassesEndsAfterOneTrial) {
  int calls = 0;
  SearchResult r = Rfc2544Search({2.0, 0.01, 0.0, 32}, SwitchWithCapacity(5.0, &calls));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r.throughput_mpps, 2.0);
  EXPECT_EQ(r.best_step, 0);
}

TEST(Rfc2544SearchTest, NothingPassesGivesZero) {
  int calls = 0;
  SearchResult r = Rfc2544Search({1.0, 0.01, 0.0, 32}, [&](double rate) {
    ++calls;
    return TrialCounts{1000, 999};  // always loses one frame
  });
  EXPECT_EQ(r.throughput_mpps, 0);
  EXPECT_EQ(r.best_step, -1);
  EXPECT_GT(calls, 5);
  for (const auto& s : r.steps) EXPECT_FALSE(s.passed);
}

TEST(Rfc2544SearchTest, LossToleranceAcceptsSmallLoss) {
  auto lossy = [](double rate) { return TrialCounts{100000, 99950}; };  // 0.05% loss
  EXPECT_EQ(Rfc2544Search({4.0, 0.01, 0.001, 32}, lossy).throughput_mpps, 4.0);
  EXPECT_EQ(Rfc2544Search({4.0, 0.01, 0.0001, 8}, lossy).throughput_mpps, 0);
}

TEST(Rfc2544SearchTest, MaxTrialsAndInterruptionStopTheSearch) {
  int calls = 0;
  SearchResult r = Rfc2544Search({10.0, 1e-9, 0.0, 5}, SwitchWithCapacity(3.3, &calls));
  EXPECT_EQ(calls, 5);
  calls = 0;
  r = Rfc2544Search({10.0, 0.01, 0.0, 32}, [&](double) {
    return ++calls < 3 ? TrialCounts{100, 0} : TrialCounts{};
  });
  EXPECT_EQ(r.steps.size(), 2u) << "a trial that offered nothing (interrupted) ends the search";
}

TEST(Rfc2544SearchTest, LossRatioEdgeCases) {
  EXPECT_EQ(LossRatio({0, 0}), 1.0);
  EXPECT_EQ(LossRatio({10, 12}), 0.0);
  EXPECT_DOUBLE_EQ(LossRatio({10, 9}), 0.1);
  EXPECT_FALSE(TrialPassed({0, 0}, 1.0));
  EXPECT_TRUE(TrialPassed({10, 10}, 0.0));
}

}  // namespace
}  // namespace vswitch::vsbench
