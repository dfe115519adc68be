// Flows and meters from a config file and from the state file, against a real Switch.
#include <gtest/gtest.h>

#include "config/config_apply.h"
#include "config/config_file.h"
#include "config/config_validate.h"
#include "config/flow_config.h"
#include "config/state_store.h"

namespace vswitch::controlplane {
namespace {

std::unique_ptr<Switch> NewSwitch() {
  SwitchOptions options;
  options.mbufs_per_socket = 4096;
  options.mac_table_size = 1024;
  Status status;
  std::unique_ptr<Switch> sw = Switch::Create(options, &status);
  EXPECT_NE(sw, nullptr) << status.message();
  return sw;
}

v1::Config Parse(const std::string& text) {
  v1::Config config;
  Status status = ParseConfig(text, ConfigFormat::kText, "test", &config);
  EXPECT_TRUE(status.ok()) << status.message();
  return config;
}

std::vector<std::string> FlowTexts(const Switch& sw) {
  std::vector<FlowEntry> flows;
  EXPECT_TRUE(sw.DumpFlows("", &flows).ok());
  std::vector<std::string> texts;
  for (const FlowEntry& flow : flows) texts.push_back(flow.text);
  return texts;
}

std::vector<std::string> MeterTexts(const Switch& sw) {
  std::vector<MeterInfo> meters;
  EXPECT_TRUE(sw.ListMeters("", &meters).ok());
  std::vector<std::string> texts;
  for (const MeterInfo& meter : meters) texts.push_back(meter.text);
  return texts;
}

TEST(FlowConfigApply, MetersThenFlowsAfterThePorts) {
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  Status status = ApplyConfig(sw.get(), Parse(R"(
    ports { name: "a" type: "null" }
    ports { name: "b" type: "null" }
    flows: "priority=100,in_port=a,actions=meter:1,output:b"
    flows: "priority=0,actions=drop"
    meters: "meter=1,pktps,bands=type=drop,rate=1000")"));
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(FlowTexts(*sw), (std::vector<std::string>{"table=0, priority=100,in_port=a actions=meter:1,output:b",
                                                     "table=0, priority=0 actions=drop"}));
  EXPECT_EQ(MeterTexts(*sw), (std::vector<std::string>{"meter=1,pktps,bands=type=drop,rate=1000"}));
}

TEST(FlowConfigApply, RuleRefusedAtCommitUndoesEverythingAndNamesTheLine) {
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  // Parses fine, so validation passes; the switch refuses the port number when it applies.
  v1::Config config = Parse(R"(
    ports { name: "a" type: "null" }
    meters: "meter=1,pktps,bands=type=drop,rate=1000"
    flows: "priority=100,in_port=a,actions=meter:1,goto_table:1"
    flows: "table=1,priority=1,actions=output:300")");
  ASSERT_TRUE(ValidateConfig(config).ok());
  Status status = ApplyConfig(sw.get(), config);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(),
            "flows[1] \"table=1,priority=1,actions=output:300\": actions: output:300: port numbers are 1-255");
  EXPECT_EQ(status.message().find("flow-mod"), std::string::npos) << "the index is said once: " << status.message();
  EXPECT_TRUE(FlowTexts(*sw).empty());
  EXPECT_TRUE(MeterTexts(*sw).empty());
  EXPECT_TRUE(sw->ListPorts().empty());
}

TEST(FlowConfigApply, SnapshotLeavesOutStatisticsAndTransientRules) {
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  ASSERT_TRUE(ApplyConfig(sw.get(), Parse(R"(
    ports { name: "a" type: "null" }
    meters: "meter=3,kbps,burst,bands=type=drop,rate=5000,burst_size=64"
    flows: "cookie=0x2a,priority=50,in_port=a,actions=meter:3,normal"
    flows: "idle_timeout=30,priority=40,in_port=a,actions=drop")"))
                  .ok());
  v1::Config snapshot;
  SnapshotFlows(*sw, &snapshot);
  EXPECT_EQ(std::vector<std::string>(snapshot.meters().begin(), snapshot.meters().end()),
            (std::vector<std::string>{"meter=3,kbps,burst,bands=type=drop,rate=5000,burst_size=64"}));
  EXPECT_EQ(std::vector<std::string>(snapshot.flows().begin(), snapshot.flows().end()),
            (std::vector<std::string>{"cookie=0x2a, table=0, priority=50,in_port=a actions=meter:3,NORMAL"}));
}

TEST(FlowConfigApply, RestoreInstallsWhatStillAppliesAndWarnsAboutTheRest) {
  auto original = NewSwitch();
  ASSERT_NE(original, nullptr);
  ASSERT_TRUE(ApplyConfig(original.get(), Parse(R"(
    ports { name: "a" type: "null" }
    ports { name: "gone" type: "null" }
    meters: "meter=1,pktps,bands=type=drop,rate=10"
    flows: "priority=30,in_port=a,actions=meter:1,output:gone"
    flows: "priority=20,in_port=gone,actions=output:a"
    flows: "table=2,priority=10,ip,actions=drop")"))
                  .ok());
  v1::Config state = SnapshotConfig(original->ListPorts(), original->ListMacs());
  SnapshotFlows(*original, &state);
  original.reset();

  // The restarted switch has "a" (from its config, with a different meter 1) but not "gone".
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  ASSERT_TRUE(ApplyConfig(sw.get(), Parse(R"(
    ports { name: "a" type: "null" }
    meters: "meter=1,pktps,bands=type=drop,rate=99999")"))
                  .ok());
  state.mutable_ports()->RemoveLast();  // "gone" cannot be restored
  RestoreResult restored = RestoreState(sw.get(), state);
  EXPECT_EQ(restored.meters_restored, 1u);
  EXPECT_EQ(restored.flows_restored, 1u);
  ASSERT_EQ(restored.warnings.size(), 2u);
  EXPECT_EQ(restored.warnings[0].rfind("flows[0] \"table=0, priority=30,in_port=a actions=meter:1,output:gone\": ", 0), 0u)
      << restored.warnings[0];
  EXPECT_EQ(restored.warnings[1].rfind("flows[1] \"table=0, priority=20,in_port=gone actions=output:a\": ", 0), 0u)
      << restored.warnings[1];
  EXPECT_EQ(FlowTexts(*sw), (std::vector<std::string>{"table=2, priority=10,ip actions=drop"}));
  // The saved meter (the latest change) wins over the config file's.
  EXPECT_EQ(MeterTexts(*sw), (std::vector<std::string>{"meter=1,pktps,bands=type=drop,rate=10"}));
}

}  // namespace
}  // namespace vswitch::controlplane
