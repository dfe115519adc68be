#include "meter/meter_table.h"

#include <gtest/gtest.h>

#include <map>

#include "meter/meter_text.h"

namespace vswitch::meter {
namespace {

constexpr uint64_t kHz = 2'000'000'000;

MeterSpec Spec(const std::string& text) {
  MeterSpec s;
  Status st = ParseMeter(text, &s);
  EXPECT_TRUE(st.ok()) << st.message();
  return s;
}

std::unique_ptr<MeterTable> Table(uint32_t workers = 2, uint32_t capacity = 64) {
  MeterTableOptions o;
  o.tsc_hz = kHz;
  o.num_workers = workers;
  o.capacity = capacity;
  std::unique_ptr<MeterTable> t;
  Status st = MeterTable::Create(o, &t);
  EXPECT_TRUE(st.ok()) << st.message();
  return t;
}

TEST(MeterTable, CreateRejectsBadOptions) {
  std::unique_ptr<MeterTable> t;
  MeterTableOptions o;
  o.tsc_hz = 0;
  EXPECT_NE(MeterTable::Create(o, &t).message().find("tsc_hz"), std::string::npos);
  o.tsc_hz = kHz;
  o.num_workers = 0;
  EXPECT_NE(MeterTable::Create(o, &t).message().find("num_workers"), std::string::npos);
  o.num_workers = 1;
  o.capacity = 0;
  EXPECT_NE(MeterTable::Create(o, &t).message().find("capacity must be 1-65535, got 0"), std::string::npos);
  o.capacity = 70000;
  EXPECT_FALSE(MeterTable::Create(o, &t).ok());
  EXPECT_EQ(t, nullptr);
}

TEST(MeterTable, AddFindListAndSnapshot) {
  auto t = Table();
  EXPECT_EQ(t->snapshot()->size(), 0u);
  EXPECT_EQ(t->snapshot()->SlotOf(1), kNoMeterSlot);
  uint64_t g0 = t->snapshot()->generation();
  ASSERT_TRUE(t->Add(Spec("meter=5,pktps,bands=type=drop,rate=100"), 0).ok());
  ASSERT_TRUE(t->Add(Spec("meter=2,kbps,burst,stats,bands=type=drop,rate=1000,burst_size=50"), 0).ok());
  EXPECT_TRUE(t->Contains(5));
  EXPECT_FALSE(t->Contains(3));
  ASSERT_NE(t->Find(2), nullptr);
  EXPECT_EQ(FormatMeter(*t->Find(2)), "meter=2,kbps,burst,stats,bands=type=drop,rate=1000,burst_size=50");
  EXPECT_EQ(t->Ids(), (std::vector<uint32_t>{2, 5}));
  const MeterConfigSet& set = *t->snapshot();
  EXPECT_GT(set.generation(), g0);
  EXPECT_EQ(set.size(), 2u);
  ASSERT_NE(set.SlotOf(5), kNoMeterSlot);
  ASSERT_NE(set.SlotOf(2), kNoMeterSlot);
  EXPECT_NE(set.SlotOf(5), set.SlotOf(2));
  EXPECT_EQ(set.config(set.SlotOf(5)).id, 5u);
  EXPECT_EQ(set.config(set.SlotOf(5)).pkt_cost, (kHz / 100) << kCreditFracBits);
  EXPECT_EQ(set.SlotOf(70000), kNoMeterSlot) << "ids beyond 65535 (a flow's meter:70000) are simply absent";
  std::vector<MeterEntry> all;
  ASSERT_TRUE(t->List(kAllMeters, 3 * kHz, &all).ok());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].spec.id, 2u);
  EXPECT_EQ(all[1].spec.id, 5u);
  EXPECT_DOUBLE_EQ(all[0].duration_seconds, 3.0);
  std::vector<MeterEntry> one;
  ASSERT_TRUE(t->List(5, 0, &one).ok());
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].spec.id, 5u);
}

TEST(MeterTable, BadRequestsNameTheMeter) {
  auto t = Table();
  ASSERT_TRUE(t->Add(Spec("meter=1,pktps,bands=type=drop,rate=100"), 0).ok());
  Status dup = t->Add(Spec("meter=1,pktps,bands=type=drop,rate=5"), 0);
  EXPECT_EQ(dup.code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(dup.message(), "meter 1: already exists (use mod-meter to change it)");
  Status mod = t->Modify(Spec("meter=9,pktps,bands=type=drop,rate=5"), 0);
  EXPECT_EQ(mod.code(), Status::Code::kNotFound);
  EXPECT_EQ(mod.message(), "meter 9: no such meter");
  EXPECT_EQ(t->Delete(9).message(), "meter 9: no such meter");
  std::vector<MeterEntry> e;
  EXPECT_EQ(t->List(9, 0, &e).message(), "meter 9: no such meter");
  // API callers that skip the parser get the same meaning checks.
  MeterSpec s = *t->Find(1);
  s.rate = 0;
  EXPECT_NE(t->Modify(s, 0).message().find("rate=0"), std::string::npos);
  s.rate = 10;
  s.burst_size = 5;
  EXPECT_NE(t->Modify(s, 0).message().find("only with the 'burst' flag"), std::string::npos);
  s.burst = true;
  s.burst_size = 0;
  EXPECT_NE(t->Modify(s, 0).message().find("needs a nonzero burst_size"), std::string::npos);
  s.id = 0;
  EXPECT_NE(t->Add(s, 0).message().find("meter id must be 1-65535"), std::string::npos);
  EXPECT_EQ(FormatMeter(*t->Find(1)), "meter=1,pktps,bands=type=drop,rate=100") << "failed calls changed nothing";
}

TEST(MeterTable, BatchIsAllOrNothing) {
  auto t = Table();
  ASSERT_TRUE(t->Add(Spec("meter=1,pktps,bands=type=drop,rate=100"), 0).ok());
  auto before = t->snapshot();
  using C = MeterMod::Command;
  std::vector<MeterMod> mods = {{C::kAdd, Spec("meter=2,pktps,bands=type=drop,rate=1")},
                                {C::kModify, Spec("meter=1,pktps,bands=type=drop,rate=7")},
                                {C::kDelete, Spec("meter=1,pktps,bands=type=drop,rate=7")},
                                {C::kModify, Spec("meter=1,pktps,bands=type=drop,rate=8")}};
  size_t index = 99;
  Status st = t->Commit(mods, 0, &index);
  EXPECT_EQ(st.message(), "meter-mod 3: meter 1: no such meter") << "checked against the table as mods 0-2 leave it";
  EXPECT_EQ(index, 3u);
  EXPECT_EQ(t->snapshot(), before);
  EXPECT_FALSE(t->Contains(2));
  EXPECT_EQ(t->Find(1)->rate, 100u);
  mods.pop_back();
  mods.push_back({C::kAdd, Spec("meter=1,kbps,bands=type=drop,rate=8")});
  ASSERT_TRUE(t->Commit(mods, 0, &index).ok());
  EXPECT_EQ(t->Ids(), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(t->Find(1)->unit, MeterUnit::kKbps);
  EXPECT_NE(t->snapshot(), before);
  EXPECT_EQ(before->size(), 1u) << "a published snapshot never changes";
  EXPECT_EQ(before->config(before->SlotOf(1)).pkt_cost, (kHz / 100) << kCreditFracBits);
}

TEST(MeterTable, MetersUsedByFlowsCannotBeDeleted) {
  auto t = Table();
  std::map<uint32_t, uint64_t> uses = {{1, 2}, {3, 1}};
  t->SetFlowCounter([&](uint32_t id) { return uses.count(id) ? uses[id] : 0; });
  for (const char* m : {"meter=1,pktps,bands=type=drop,rate=1", "meter=2,pktps,bands=type=drop,rate=1",
                        "meter=3,pktps,bands=type=drop,rate=1"})
    ASSERT_TRUE(t->Add(Spec(m), 0).ok());
  EXPECT_EQ(t->Delete(1).message(), "meter 1: in use by 2 flow rules (delete or change them first)");
  EXPECT_EQ(t->Delete(3).message(), "meter 3: in use by 1 flow rule (delete or change them first)");
  EXPECT_EQ(t->Delete(kAllMeters).message(), "meter 1: in use by 2 flow rules (delete or change them first)");
  EXPECT_EQ(t->size(), 3u);
  EXPECT_TRUE(t->Delete(2).ok());
  std::vector<MeterEntry> e;
  ASSERT_TRUE(t->List(1, 0, &e).ok());
  EXPECT_EQ(e[0].flow_count, 2u);
  uses.clear();
  EXPECT_TRUE(t->Delete(kAllMeters).ok());
  EXPECT_EQ(t->size(), 0u);
  EXPECT_EQ(t->snapshot()->size(), 0u);
  EXPECT_TRUE(t->Delete(kAllMeters).ok()) << "deleting all of none is fine, like ovs-ofctl del-meters";
}

TEST(MeterTable, CapacityAndSlotReuse) {
  auto t = Table(1, 2);
  ASSERT_TRUE(t->Add(Spec("meter=1,pktps,bands=type=drop,rate=1"), 0).ok());
  ASSERT_TRUE(t->Add(Spec("meter=2,pktps,bands=type=drop,rate=1"), 0).ok());
  Status full = t->Add(Spec("meter=3,pktps,bands=type=drop,rate=1"), 0);
  EXPECT_EQ(full.code(), Status::Code::kResourceExhausted);
  EXPECT_NE(full.message().find("meter 3: the meter table is full (2 meters"), std::string::npos);
  uint16_t slot1 = t->snapshot()->SlotOf(1);
  ASSERT_TRUE(t->Delete(1).ok());
  EXPECT_FALSE(t->Add(Spec("meter=3,pktps,bands=type=drop,rate=1"), 0).ok()) << "not before the grace period";
  t->RecycleRetiredSlots(t->snapshot()->generation());
  ASSERT_TRUE(t->Add(Spec("meter=3,pktps,bands=type=drop,rate=1"), 0).ok());
  EXPECT_EQ(t->snapshot()->SlotOf(3), slot1);
}

TEST(MeterTable, StatsAreSummedOverWorkers) {
  auto t = Table(3);
  ASSERT_TRUE(t->Add(Spec("meter=4,pktps,burst,bands=type=drop,rate=1000,burst_size=2"), 0).ok());
  const MeterConfigSet& set = *t->snapshot();
  uint16_t slot = set.SlotOf(4);
  // Three workers, two packets each at the same instant: the 2-packet burst admits two.
  int admitted = 0;
  for (uint32_t w = 0; w < 3; ++w)
    for (int i = 0; i < 2; ++i) admitted += t->worker_state(w).Admit(set, slot, kHz, 100 + w);
  EXPECT_EQ(admitted, 2);
  std::vector<MeterEntry> e;
  ASSERT_TRUE(t->List(4, kHz, &e).ok());
  EXPECT_EQ(e[0].stats.packets_in, 6u);
  EXPECT_EQ(e[0].stats.bytes_in, 2u * (100 + 101 + 102));
  EXPECT_EQ(e[0].stats.packets_dropped, 4u);
  EXPECT_EQ(FormatMeterStats(e[0]).substr(0, 58), "meter:4 flow_count:0 packet_in_count:6 byte_in_count:606 d");
}

}  // namespace
}  // namespace vswitch::meter
