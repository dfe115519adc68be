#include "meter/meter_config_set.h"

#include <gtest/gtest.h>

namespace vswitch::meter {
namespace {

constexpr uint64_t kHz = 1'000'000'000;  // a 1 GHz simulated TSC: one tick = 1 ns
constexpr uint64_t kOne = uint64_t{1} << kCreditFracBits;

MeterSpec Spec(MeterUnit unit, uint32_t rate, uint32_t burst_size = 0) {
  MeterSpec s;
  s.id = 1;
  s.unit = unit;
  s.rate = rate;
  s.burst = burst_size != 0;
  s.burst_size = burst_size;
  return s;
}

TEST(CompileMeter, PktpsCostsAndDepthInTicks) {
  SharedBucket b;
  MeterFastConfig c = CompileMeter(Spec(MeterUnit::kPktps, 1000, 100), kHz, 1, &b);
  EXPECT_EQ(c.pkt_cost, 1'000'000 * kOne);  // 1 ms per packet
  EXPECT_EQ(c.byte_cost, 0u);
  EXPECT_EQ(c.depth_ticks, 100'000'000u);   // 100 packets = 100 ms
  EXPECT_EQ(c.chunk_ticks, 100'000'000u / kChunksPerBurst);
  EXPECT_EQ(c.shared, &b);
  EXPECT_EQ(c.id, 1u);
  // Without the burst flag the depth is one second (OVS: burst = rate).
  EXPECT_EQ(CompileMeter(Spec(MeterUnit::kPktps, 1000), kHz, 1, &b).depth_ticks, kHz);
  // More workers: smaller chunks, same bucket.
  MeterFastConfig c4 = CompileMeter(Spec(MeterUnit::kPktps, 1000, 100), kHz, 4, &b);
  EXPECT_EQ(c4.depth_ticks, c.depth_ticks);
  EXPECT_EQ(c4.chunk_ticks, c.chunk_ticks / 4);
}

TEST(CompileMeter, KbpsCostsPerByte) {
  SharedBucket b;
  // 8000 kbit/s = 1,000,000 bytes/s: 1000 ns per byte.
  MeterFastConfig c = CompileMeter(Spec(MeterUnit::kKbps, 8000, 80), kHz, 1, &b);
  EXPECT_EQ(c.pkt_cost, 0u);
  EXPECT_EQ(c.byte_cost, 1000 * kOne);
  EXPECT_EQ(c.depth_ticks, 10'000'000u);  // 80 kbit = 10,000 bytes = 10 ms
  // 100 Gbit/s on a 2 GHz TSC: 0.16 ticks per byte, kept with 16 fraction bits and rounded up.
  MeterFastConfig fast = CompileMeter(Spec(MeterUnit::kKbps, 100'000'000), 2 * kHz, 1, &b);
  EXPECT_EQ(fast.byte_cost, 10486u);  // ceil(0.16 * 65536)
}

TEST(CompileMeter, ExtremesStayInRange) {
  SharedBucket b;
  // 1 packet per second with a 4-billion-packet burst: the depth is capped, nothing overflows.
  MeterFastConfig slow = CompileMeter(Spec(MeterUnit::kPktps, 1, UINT32_MAX), 4 * kHz, 64, &b);
  EXPECT_EQ(slow.depth_ticks, kMaxDepthTicks);
  EXPECT_GE(slow.chunk_ticks, 1u);
  // The fastest meter still costs something per packet and has a depth of at least a tick.
  MeterFastConfig fast = CompileMeter(Spec(MeterUnit::kPktps, UINT32_MAX, 1), kHz, 64, &b);
  EXPECT_GE(fast.pkt_cost, 1u);
  EXPECT_GE(fast.depth_ticks, 1u);
  EXPECT_EQ(fast.chunk_ticks, 1u);
  MeterFastConfig kslow = CompileMeter(Spec(MeterUnit::kKbps, 1), 4 * kHz, 1, &b);
  EXPECT_LT(kslow.byte_cost, UINT64_MAX / kMaxMeteredFrameBytes) << "cost of the largest frame fits 64 bits";
}

TEST(SharedBucket, StartsFullAndRefillsWithTime) {
  SharedBucket b;
  const uint64_t depth = 1000;
  EXPECT_EQ(b.Available(5000, depth), depth);
  EXPECT_EQ(b.Take(5000, 300, 1, depth), 300u);
  EXPECT_EQ(b.Available(5000, depth), 700u);
  // Grants what is left when that covers `need`, nothing when it does not.
  EXPECT_EQ(b.Take(5000, 900, 1, depth), 700u);
  EXPECT_EQ(b.Take(5000, 10, 1, depth), 0u);
  // 250 ticks later 250 ticks of credit are back.
  EXPECT_EQ(b.Take(5250, 1000, 251, depth), 0u);
  EXPECT_EQ(b.Take(5250, 1000, 250, depth), 250u);
  // An idle bucket fills up to its depth and no further.
  EXPECT_EQ(b.Available(1'000'000, depth), depth);
  EXPECT_EQ(b.Take(1'000'000, 5000, 1, depth), depth);
}

}  // namespace
}  // namespace vswitch::meter
