#include "rate_pacer.h"

#include <gtest/gtest.h>

namespace vswitch::vsbench {
namespace {

constexpr uint64_t kHz = 1'000'000'000;  // 1 cycle = 1 ns

TEST(RatePacerTest, ReleasesPacketsAtTheRate) {
  RatePacer p(1e6, kHz, 1000, 64);  // 1 Mpps: one packet per 1000 cycles
  EXPECT_EQ(p.Due(1000), 0u);
  EXPECT_EQ(p.Due(1999), 0u);
  EXPECT_EQ(p.Due(2000), 1u);
  p.Sent(1);
  EXPECT_EQ(p.Due(2500), 0u);
  EXPECT_EQ(p.Due(11000), 9u);
  p.Sent(9);
  EXPECT_EQ(p.Due(11000), 0u);
  EXPECT_EQ(p.slipped(), 0u);
}

TEST(RatePacerTest, LongStallSlipsInsteadOfBursting) {
  RatePacer p(1e6, kHz, 0, 64);
  EXPECT_EQ(p.Due(1'000'000), 64u);  // 1000 due after 1 ms, but at most 64 at once
  EXPECT_EQ(p.slipped(), 936u);
  p.Sent(64);
  EXPECT_EQ(p.Due(1'000'000), 0u);
  EXPECT_EQ(p.Due(1'001'000), 1u);   // back on the schedule
  // Over a whole second the sent + slipped packets equal the scheduled ones.
  p.Sent(1);
  uint64_t sent = 65;
  for (uint64_t t = 1'002'000; t <= 1'000'000'000; t += 1000) {
    uint64_t d = p.Due(t);
    p.Sent(d);
    sent += d;
  }
  EXPECT_EQ(sent + p.slipped(), 1'000'000u);
}

TEST(RatePacerTest, UnlimitedAlwaysOffersTheBacklog) {
  RatePacer p(0, kHz, 0, 128);
  EXPECT_EQ(p.Due(0), 128u);
  p.Sent(128);
  EXPECT_EQ(p.Due(1), 128u);
  EXPECT_EQ(p.slipped(), 0u);
}

}  // namespace
}  // namespace vswitch::vsbench
