#include "l2/mac_table.h"

#include <gtest/gtest.h>
#include <rte_cycles.h>

#include <atomic>

namespace vswitch {
namespace {

MacKey Key(uint16_t vlan, uint8_t last, uint32_t domain = 0) { return MacKey{{0x02, 0, 0, 0, 0, last}, vlan, domain}; }

std::unique_ptr<MacTable> NewTable(uint32_t capacity = 1024) {
  static std::atomic<int> n{0};
  std::unique_ptr<MacTable> t;
  std::string name = "fdb_test" + std::to_string(n++);
  Status s = MacTable::Create(capacity, nullptr, name.c_str(), &t);
  EXPECT_TRUE(s.ok()) << s.message();
  return t;
}

int32_t Lookup(const MacTable& t, const MacKey& k) {
  const MacKey* keys[1] = {&k};
  int32_t slot;
  t.LookupBurst(keys, 1, &slot);
  return slot;
}

TEST(MacTable, LearnLookupAndMove) {
  auto t = NewTable();
  EXPECT_LT(Lookup(*t, Key(0, 1)), 0);
  EXPECT_EQ(t->Learn(Key(0, 1), 5, 100, 0), LearnResult::kLearned);
  int32_t slot = Lookup(*t, Key(0, 1));
  ASSERT_GE(slot, 0);
  EXPECT_EQ(t->PortOf(slot), 5u);
  EXPECT_EQ(t->Learn(Key(0, 1), 5, 200, 0), LearnResult::kRefreshed);
  EXPECT_EQ(t->Learn(Key(0, 1), 7, 300, 0), LearnResult::kMoved);
  EXPECT_EQ(t->PortOf(Lookup(*t, Key(0, 1))), 7u);
  EXPECT_EQ(t->LearnedOnPort(5), 0u);
  EXPECT_EQ(t->LearnedOnPort(7), 1u);
}

TEST(MacTable, VlansAreSeparate) {
  auto t = NewTable();
  t->Learn(Key(10, 1), 1, 0, 0);
  t->Learn(Key(20, 1), 2, 0, 0);
  EXPECT_EQ(t->PortOf(Lookup(*t, Key(10, 1))), 1u);
  EXPECT_EQ(t->PortOf(Lookup(*t, Key(20, 1))), 2u);
  EXPECT_LT(Lookup(*t, Key(30, 1)), 0);
}

TEST(MacTable, DomainsAreSeparateAndRemotesAreKept) {
  auto t = NewTable();
  t->Learn(Key(0, 1, 100), 3, 0, 0, /*remote_ip=*/0x0a000001);
  t->Learn(Key(0, 1, 200), 4, 0, 0);
  int32_t a = Lookup(*t, Key(0, 1, 100));
  ASSERT_GE(a, 0);
  EXPECT_EQ(t->PortOf(a), 3u);
  EXPECT_EQ(t->RemoteOf(a), 0x0a000001u);
  EXPECT_EQ(t->PortOf(Lookup(*t, Key(0, 1, 200))), 4u);
  EXPECT_LT(Lookup(*t, Key(0, 1, 0)), 0);
  // The same MAC now behind another remote VTEP: a move.
  EXPECT_EQ(t->Learn(Key(0, 1, 100), 3, 0, 0, 0x0a000002), LearnResult::kMoved);
  EXPECT_EQ(t->RemoteOf(a), 0x0a000002u);
}

TEST(MacTable, StaticEntriesDoNotMoveOrAge) {
  auto t = NewTable();
  ASSERT_TRUE(t->AddStatic(Key(0, 9), 3).ok());
  EXPECT_EQ(t->Learn(Key(0, 9), 4, 100, 0), LearnResult::kStaticKept);
  EXPECT_EQ(t->PortOf(Lookup(*t, Key(0, 9))), 3u);
  t->Learn(Key(0, 8), 4, 100, 0);
  EXPECT_EQ(t->Age(1'000'000, 1000), 1u);  // the learned one goes
  EXPECT_GE(Lookup(*t, Key(0, 9)), 0);
  EXPECT_LT(Lookup(*t, Key(0, 8)), 0);
}

TEST(MacTable, AgingKeepsRecentlyTouchedEntries) {
  auto t = NewTable();
  t->Learn(Key(0, 1), 1, 0, 0);
  t->Learn(Key(0, 2), 1, 0, 0);
  t->Touch(Lookup(*t, Key(0, 2)), 5000, 10);
  EXPECT_EQ(t->Age(5500, 1000), 1u);
  EXPECT_LT(Lookup(*t, Key(0, 1)), 0);
  EXPECT_GE(Lookup(*t, Key(0, 2)), 0);
}

TEST(MacTable, PerPortLimit) {
  auto t = NewTable();
  EXPECT_EQ(t->Learn(Key(0, 1), 1, 0, 2), LearnResult::kLearned);
  EXPECT_EQ(t->Learn(Key(0, 2), 1, 0, 2), LearnResult::kLearned);
  EXPECT_EQ(t->Learn(Key(0, 3), 1, 0, 2), LearnResult::kPortLimit);
  EXPECT_EQ(t->Learn(Key(0, 3), 2, 0, 2), LearnResult::kLearned);  // other ports unaffected
  EXPECT_EQ(t->LearnedOnPort(1), 2u);
}

TEST(MacTable, FullTableRefusesLearning) {
  auto t = NewTable(16);
  for (uint8_t i = 0; i < 16; ++i) EXPECT_EQ(t->Learn(Key(0, i), 1, 0, 0), LearnResult::kLearned);
  EXPECT_EQ(t->Learn(Key(0, 200), 1, 0, 0), LearnResult::kTableFull);
  EXPECT_EQ(t->size(), 16u);
}

TEST(MacTable, FlushPortKeepsStaticUnlessAsked) {
  auto t = NewTable();
  t->Learn(Key(0, 1), 1, 0, 0);
  t->Learn(Key(0, 2), 2, 0, 0);
  ASSERT_TRUE(t->AddStatic(Key(0, 3), 1).ok());
  EXPECT_EQ(t->FlushPort(1, false), 1u);
  EXPECT_GE(Lookup(*t, Key(0, 3)), 0);
  EXPECT_GE(Lookup(*t, Key(0, 2)), 0);
  EXPECT_EQ(t->FlushPort(1, true), 1u);
  EXPECT_EQ(t->size(), 1u);
}

TEST(MacTable, RejectsAbsurdSizes) {
  std::unique_ptr<MacTable> t;
  EXPECT_FALSE(MacTable::Create(1, nullptr, "fdb_tiny", &t).ok());
}

}  // namespace
}  // namespace vswitch
