// MeterState over a simulated TSC (1 GHz: one tick = 1 ns), driven exactly as a worker
// would: look the slot up in the published snapshot, Admit each packet at the burst's time.
#include "meter/meter_state.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "meter/meter_table.h"
#include "meter/meter_text.h"

namespace vswitch::meter {
namespace {

constexpr uint64_t kHz = 1'000'000'000;
constexpr uint64_t kSecond = kHz;

MeterSpec Spec(const std::string& text) {
  MeterSpec s;
  Status st = ParseMeter(text, &s);
  EXPECT_TRUE(st.ok()) << st.message();
  return s;
}

class MeterStateTest : public ::testing::Test {
 protected:
  void Make(uint32_t workers, const std::string& meter, uint64_t now = 0) {
    MeterTableOptions o;
    o.tsc_hz = kHz;
    o.num_workers = workers;
    o.capacity = 16;
    ASSERT_TRUE(MeterTable::Create(o, &table_).ok());
    MeterSpec s = Spec(meter);
    ASSERT_TRUE(table_->Add(s, now).ok());
    id_ = s.id;
  }
  // What a worker does per packet.
  bool Admit(uint32_t worker, uint64_t now, uint32_t bytes = 64) {
    const MeterConfigSet& set = *table_->snapshot();
    uint16_t slot = set.SlotOf(id_);
    EXPECT_NE(slot, kNoMeterSlot);
    return table_->worker_state(worker).Admit(set, slot, now, bytes);
  }
  // Offers `pps` packets per second for `seconds` starting at `start`, spreading packet i over
  // worker pick(i); returns how many were admitted.
  template <typename Pick>
  uint64_t Offer(uint64_t start, uint64_t pps, double seconds, uint32_t bytes, Pick pick) {
    uint64_t n = static_cast<uint64_t>(pps * seconds), admitted = 0;
    for (uint64_t i = 0; i < n; ++i) admitted += Admit(pick(i), start + i * kSecond / pps, bytes);
    return admitted;
  }
  MeterStats Stats() {
    std::vector<MeterEntry> e;
    EXPECT_TRUE(table_->List(id_, 0, &e).ok());
    return e.at(0).stats;
  }

  std::unique_ptr<MeterTable> table_;
  uint32_t id_ = 0;
};

TEST_F(MeterStateTest, BurstIsAdmittedAtOnceThenNoMore) {
  Make(1, "meter=1,pktps,burst,bands=type=drop,rate=1000,burst_size=100");
  uint64_t admitted = 0;
  for (int i = 0; i < 500; ++i) admitted += Admit(0, 5 * kSecond);
  EXPECT_EQ(admitted, 100u) << "a full bucket holds exactly burst_size packets";
  EXPECT_FALSE(Admit(0, 5 * kSecond + 999'000)) << "one packet's worth of time has not passed yet";
  EXPECT_TRUE(Admit(0, 5 * kSecond + 1'000'000)) << "1 ms later one packet conforms again";
}

TEST_F(MeterStateTest, PktpsMeterAdmitsItsRatePerSimulatedSecond) {
  Make(1, "meter=1,pktps,burst,bands=type=drop,rate=1000,burst_size=100");
  // Offered 10,000 pps for 10 s: the meter admits 1000/s plus the initial burst.
  uint64_t admitted = Offer(0, 10'000, 10.0, 64, [](uint64_t) { return 0u; });
  EXPECT_GE(admitted, 10'000u + 100 - 1);
  EXPECT_LE(admitted, 10'000u + 100 + 1);
  MeterStats s = Stats();
  EXPECT_EQ(s.packets_in, 100'000u);
  EXPECT_EQ(s.bytes_in, 100'000u * 64);
  EXPECT_EQ(s.packets_dropped, 100'000u - admitted);
  EXPECT_EQ(s.bytes_dropped, (100'000u - admitted) * 64);
}

TEST_F(MeterStateTest, TrafficUnderTheRatePassesUntouched) {
  Make(1, "meter=1,pktps,bands=type=drop,rate=1000");
  EXPECT_EQ(Offer(0, 999, 20.0, 1500, [](uint64_t) { return 0u; }), 19'980u);
  EXPECT_EQ(Stats().packets_dropped, 0u);
}

TEST_F(MeterStateTest, DefaultBurstIsOneSecondOfTraffic) {
  Make(1, "meter=1,pktps,bands=type=drop,rate=1000");
  uint64_t admitted = 0;
  for (int i = 0; i < 5000; ++i) admitted += Admit(0, kSecond);
  EXPECT_EQ(admitted, 1000u);
}

TEST_F(MeterStateTest, KbpsMeterLimitsBytes) {
  // 8000 kbit/s = 1,000,000 bytes/s; burst 80 kbit = 10,000 bytes.
  Make(1, "meter=2,kbps,burst,bands=type=drop,rate=8000,burst_size=80");
  // 1000-byte frames at 2000 per second (2 MB/s offered) for 5 s: 1 MB/s passes.
  uint64_t admitted = Offer(0, 2000, 5.0, 1000, [](uint64_t) { return 0u; });
  EXPECT_GE(admitted * 1000, 5'000'000u + 10'000 - 1000);
  EXPECT_LE(admitted * 1000, 5'000'000u + 10'000 + 1000);
  // Small frames: many more packets fit in the same byte rate.
  Make(1, "meter=2,kbps,burst,bands=type=drop,rate=8000,burst_size=80");
  uint64_t small = Offer(0, 40'000, 1.0, 100, [](uint64_t) { return 0u; });
  EXPECT_NEAR(static_cast<double>(small), 10'000 + 100, 10);
}

TEST_F(MeterStateTest, KbpsFrameLargerThanTheBurstNeverPasses) {
  Make(1, "meter=2,kbps,burst,bands=type=drop,rate=1000,burst_size=8");  // 8 kbit = 1000 bytes
  EXPECT_FALSE(Admit(0, 10 * kSecond, 1001));
  EXPECT_FALSE(Admit(0, 100 * kSecond, 1500));
  EXPECT_TRUE(Admit(0, 100 * kSecond, 1000));
}

TEST_F(MeterStateTest, WorkersShareOneRateHoweverTrafficIsSpread) {
  const std::string meter = "meter=3,pktps,burst,bands=type=drop,rate=1000,burst_size=100";
  const uint64_t ideal = 10'000 + 100;
  const uint64_t slack = 100 / kChunksPerBurst + 1;  // credit parked in the workers' chunks
  // Evenly over 4 workers.
  Make(4, meter);
  uint64_t even = Offer(0, 10'000, 10.0, 64, [](uint64_t i) { return static_cast<uint32_t>(i % 4); });
  EXPECT_GE(even, ideal - 1);
  EXPECT_LE(even, ideal + slack);
  // All on one worker of four: still the full rate (a static rate/4 split would give 2500).
  Make(4, meter);
  uint64_t skewed = Offer(0, 10'000, 10.0, 64, [](uint64_t) { return 2u; });
  EXPECT_GE(skewed, ideal - 1);
  EXPECT_LE(skewed, ideal + slack);
  // Mostly one worker, some on the others.
  Make(4, meter);
  uint64_t mixed = Offer(0, 10'000, 10.0, 64, [](uint64_t i) { return i % 10 == 0 ? static_cast<uint32_t>(i % 4) : 0u; });
  EXPECT_GE(mixed, ideal - 1);
  EXPECT_LE(mixed, ideal + slack);
  // Counters are per worker and summed on read.
  MeterStats s = Stats();
  EXPECT_EQ(s.packets_in, 100'000u);
  EXPECT_EQ(s.packets_in - s.packets_dropped, mixed);
  uint64_t per_worker_in = 0;
  for (uint32_t w = 0; w < 4; ++w) per_worker_in += table_->worker_state(w).Read(table_->snapshot()->SlotOf(3)).packets_in;
  EXPECT_EQ(per_worker_in, 100'000u);
}

TEST_F(MeterStateTest, ConcurrentWorkersNeverExceedRatePlusBurst) {
  // Real threads on the shared bucket (the CAS path), each with its own simulated clock that
  // advances 1 us per packet; the bound holds for any interleaving.
  Make(2, "meter=4,pktps,burst,bands=type=drop,rate=100000,burst_size=1000");
  const MeterConfigSet& set = *table_->snapshot();
  const uint16_t slot = set.SlotOf(4);
  constexpr uint64_t kPackets = 2'000'000;  // per worker: 2 s of simulated time at 1 Mpps
  std::atomic<uint64_t> admitted{0};
  std::vector<std::thread> threads;
  for (uint32_t w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      MeterState& st = table_->worker_state(w);
      uint64_t mine = 0;
      for (uint64_t i = 0; i < kPackets; ++i) mine += st.Admit(set, slot, i * 1000, 64);
      admitted += mine;
    });
  }
  for (auto& t : threads) t.join();
  const uint64_t max_now_seconds_x_rate = 100'000 * 2;  // the clocks end at 2 s
  EXPECT_LE(admitted.load(), max_now_seconds_x_rate + 1000 + 1000 / kChunksPerBurst + 2);
  // Both workers offer far more than the rate, so (almost) all of it is used.
  EXPECT_GE(admitted.load(), max_now_seconds_x_rate * 9 / 10);
  MeterStats s = Stats();
  EXPECT_EQ(s.packets_in, 2 * kPackets);
  EXPECT_EQ(s.packets_in - s.packets_dropped, admitted.load());
}

TEST_F(MeterStateTest, AdmitBurstDecidesLikeSinglePackets) {
  const std::string meter = "meter=5,kbps,burst,bands=type=drop,rate=800,burst_size=16";  // 100 kB/s, 2 kB burst
  Make(1, meter);
  std::unique_ptr<MeterTable> single;
  std::swap(single, table_);
  Make(1, meter);
  uint32_t bytes[32];
  for (int round = 0; round < 200; ++round) {
    uint64_t now = static_cast<uint64_t>(round) * 3'000'000;  // every 3 ms
    for (uint32_t i = 0; i < 32; ++i) bytes[i] = 60 + (round * 7 + i * 13) % 1400;
    const MeterConfigSet& set = *table_->snapshot();
    uint64_t mask = table_->worker_state(0).AdmitBurst(set, set.SlotOf(5), now, bytes, 32);
    const MeterConfigSet& sset = *single->snapshot();
    for (uint32_t i = 0; i < 32; ++i) {
      bool one = single->worker_state(0).Admit(sset, sset.SlotOf(5), now, bytes[i]);
      ASSERT_EQ(one, ((mask >> i) & 1) != 0) << "round " << round << " packet " << i;
    }
  }
  std::vector<MeterEntry> a, b;
  ASSERT_TRUE(table_->List(5, 0, &a).ok());
  ASSERT_TRUE(single->List(5, 0, &b).ok());
  EXPECT_EQ(a[0].stats, b[0].stats);
  EXPECT_GT(a[0].stats.packets_dropped, 0u);
  EXPECT_LT(a[0].stats.packets_dropped, a[0].stats.packets_in);
}

TEST_F(MeterStateTest, ModifyClampsAFullBucketToTheNewBurst) {
  Make(1, "meter=6,pktps,burst,bands=type=drop,rate=1000,burst_size=1000");
  ASSERT_TRUE(table_->Modify(Spec("meter=6,pktps,burst,bands=type=drop,rate=1000,burst_size=100"), kSecond).ok());
  uint64_t admitted = 0;
  for (int i = 0; i < 2000; ++i) admitted += Admit(0, kSecond);
  EXPECT_EQ(admitted, 100u);
}

TEST_F(MeterStateTest, ModifyWhilePacketsFlow) {
  Make(1, "meter=6,pktps,burst,bands=type=drop,rate=1000,burst_size=1000");
  // One packet: the worker takes a chunk (1000/8 = 125 packets of credit) and keeps 124.
  ASSERT_TRUE(Admit(0, kSecond));
  ASSERT_TRUE(table_->Modify(Spec("meter=6,pktps,burst,bands=type=drop,rate=1000,burst_size=100"), kSecond).ok());
  uint64_t admitted = 0;
  for (int i = 0; i < 2000; ++i) admitted += Admit(0, kSecond);
  // The shared bucket was clamped to 100; the worker's parked chunk is spent on top.
  EXPECT_EQ(admitted, 100u + 124u);
  // Raising the burst keeps the (empty) contents: no free refill.
  ASSERT_TRUE(table_->Modify(Spec("meter=6,pktps,burst,bands=type=drop,rate=1000,burst_size=5000"), kSecond).ok());
  EXPECT_FALSE(Admit(0, kSecond));
  // A new rate applies from now on: 10 pps for 10 s.
  ASSERT_TRUE(table_->Modify(Spec("meter=6,pktps,burst,bands=type=drop,rate=10,burst_size=1"), kSecond).ok());
  uint64_t later = Offer(kSecond, 1000, 10.0, 64, [](uint64_t) { return 0u; });
  EXPECT_GE(later, 99u);
  EXPECT_LE(later, 101u);
  // Counters survive modifications.
  EXPECT_EQ(Stats().packets_in, 1u + 2000 + 1 + 10'000);
}

TEST_F(MeterStateTest, ModifyConvertsContentsToTheNewRate) {
  // Half-full bucket of 100 packets at 1000 pps (50 packets); at 10 pps those 50 packets are
  // 5 seconds of credit, clamped to the new burst of 20 packets.
  Make(1, "meter=7,pktps,burst,bands=type=drop,rate=1000,burst_size=100");
  SharedBucket* bucket = table_->snapshot()->config(table_->snapshot()->SlotOf(7)).shared;
  ASSERT_EQ(bucket->Take(kSecond, 50'000'000, 50'000'000, 100'000'000), 50'000'000u);
  ASSERT_TRUE(table_->Modify(Spec("meter=7,pktps,burst,bands=type=drop,rate=10,burst_size=20"), kSecond).ok());
  EXPECT_EQ(bucket->Available(kSecond, 2 * kSecond), 2 * kSecond);
  ASSERT_TRUE(table_->Modify(Spec("meter=7,pktps,burst,bands=type=drop,rate=10,burst_size=1000"), kSecond).ok());
  EXPECT_EQ(bucket->Available(kSecond, 100 * kSecond), 2 * kSecond) << "20 packets stay 20 packets";
  // Changing the unit starts a full bucket (packets do not convert to kilobits).
  ASSERT_TRUE(table_->Modify(Spec("meter=7,kbps,bands=type=drop,rate=10"), kSecond).ok());
  EXPECT_EQ(bucket->Available(kSecond, kSecond), kSecond);
}

TEST_F(MeterStateTest, DeletedSlotIsReusedCleanOnlyAfterRecycle) {
  MeterTableOptions o;
  o.tsc_hz = kHz;
  o.num_workers = 1;
  o.capacity = 1;
  ASSERT_TRUE(MeterTable::Create(o, &table_).ok());
  ASSERT_TRUE(table_->Add(Spec("meter=1,pktps,bands=type=drop,rate=10"), 0).ok());
  id_ = 1;
  for (int i = 0; i < 50; ++i) Admit(0, kSecond);
  EXPECT_EQ(Stats().packets_dropped, 40u);
  std::shared_ptr<const MeterConfigSet> old = table_->snapshot();
  ASSERT_TRUE(table_->Delete(1).ok());
  EXPECT_EQ(table_->snapshot()->SlotOf(1), kNoMeterSlot);
  // A worker may still hold the old snapshot: the slot is not handed out yet.
  EXPECT_EQ(table_->Add(Spec("meter=2,pktps,bands=type=drop,rate=10"), 0).code(), Status::Code::kResourceExhausted);
  EXPECT_TRUE(table_->worker_state(0).Admit(*old, old->SlotOf(1), 2 * kSecond, 64)) << "the old snapshot still works";
  table_->RecycleRetiredSlots(old->generation());
  EXPECT_EQ(table_->free_slots(), 0u) << "the old snapshot is still live";
  table_->RecycleRetiredSlots(table_->snapshot()->generation());
  EXPECT_EQ(table_->free_slots(), 1u);
  ASSERT_TRUE(table_->Add(Spec("meter=2,pktps,bands=type=drop,rate=10"), 0).ok());
  id_ = 2;
  EXPECT_EQ(Stats(), MeterStats{}) << "no counters inherited";
  EXPECT_EQ(table_->worker_state(0).credit(table_->snapshot()->SlotOf(2)), 0u) << "no credit inherited";
  uint64_t admitted = 0;
  for (int i = 0; i < 50; ++i) admitted += Admit(0, 3 * kSecond);
  EXPECT_EQ(admitted, 10u) << "a fresh full bucket of one second";
}

}  // namespace
}  // namespace vswitch::meter
