// The flow journal's text form: batches round-trip in order, a batch cut by a crash is left
// out whole, a text that cannot be one line is refused, a foreign line is an error.
#include "config/flow_journal.h"

#include <gtest/gtest.h>

namespace vswitch::controlplane {
namespace {

using Command = FlowModRequest::Command;

TEST(FlowJournal, BatchesRoundTripInOrder) {
  std::string text;
  std::vector<FlowModView> first = {{Command::kAdd, "priority=100,ip,nw_dst=10.0.0.1,actions=output:2"},
                                    {Command::kModifyStrict, "priority=5,tcp,actions=drop"}};
  std::vector<FlowModView> second = {{Command::kDelete, ""}, {Command::kDeleteStrict, "priority=7,udp"},
                                     {Command::kModify, "ip,actions=output:3"}};
  ASSERT_TRUE(AppendJournalBatch(first, &text));
  ASSERT_TRUE(AppendJournalBatch(second, &text));
  EXPECT_EQ(text.substr(0, text.find('\n')), "add priority=100,ip,nw_dst=10.0.0.1,actions=output:2");

  std::vector<FlowBatch> batches;
  bool torn = true;
  ASSERT_TRUE(ParseJournal(text, &batches, &torn).ok());
  EXPECT_FALSE(torn);
  ASSERT_EQ(batches.size(), 2u);
  ASSERT_EQ(batches[0].size(), 2u);
  EXPECT_EQ(batches[0][1].command, Command::kModifyStrict);
  EXPECT_EQ(batches[0][1].text, "priority=5,tcp,actions=drop");
  ASSERT_EQ(batches[1].size(), 3u);
  EXPECT_EQ(batches[1][0].command, Command::kDelete);
  EXPECT_EQ(batches[1][0].text, "");  // delete everything
  EXPECT_EQ(batches[1][2].command, Command::kModify);
}

TEST(FlowJournal, BatchCutByACrashIsLeftOutWhole) {
  std::string text;
  ASSERT_TRUE(AppendJournalBatch(std::vector<FlowModView>{{Command::kAdd, "priority=1,actions=drop"}}, &text));
  std::string complete = text;
  ASSERT_TRUE(AppendJournalBatch(std::vector<FlowModView>{{Command::kAdd, "priority=2,actions=drop"},
                                                          {Command::kAdd, "priority=3,actions=drop"}},
                                 &text));
  for (size_t cut : {text.size() - 1, text.size() - 7, complete.size() + 5}) {  // inside "commit", before it, mid-line
    std::vector<FlowBatch> batches;
    bool torn = false;
    ASSERT_TRUE(ParseJournal(std::string_view(text).substr(0, cut), &batches, &torn).ok()) << cut;
    EXPECT_TRUE(torn) << cut;
    ASSERT_EQ(batches.size(), 1u) << cut;
    EXPECT_EQ(batches[0][0].text, "priority=1,actions=drop");
  }
}

TEST(FlowJournal, TextWithALineBreakIsNotJournaled) {
  std::string text = "kept";
  EXPECT_FALSE(AppendJournalBatch(std::vector<FlowModView>{{Command::kAdd, "priority=1,\nactions=drop"}}, &text));
  EXPECT_EQ(text, "kept");
}

TEST(FlowJournal, ForeignLineIsAnErrorNamingIt) {
  std::vector<FlowBatch> batches;
  bool torn = false;
  Status s = ParseJournal("add priority=1,actions=drop\ncommit\nreplace x\ncommit\n", &batches, &torn);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("line 3: 'replace'"), std::string::npos) << s.message();
  EXPECT_TRUE(ParseJournal("", &batches, &torn).ok());
  EXPECT_TRUE(batches.empty());
  EXPECT_FALSE(torn);
}

}  // namespace
}  // namespace vswitch::controlplane
