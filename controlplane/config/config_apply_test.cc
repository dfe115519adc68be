// ApplyConfig / RestoreState against a real Switch (null, ring and pcap vdevs).
#include "config/config_apply.h"

#include <gtest/gtest.h>

#include "config/config_file.h"

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

std::vector<std::string> PortNames(const Switch& sw) {
  std::vector<std::string> names;
  for (const PortInfo& info : sw.ListPorts()) names.push_back(info.config.name);
  return names;
}

TEST(ConfigApply, AppliesPortsAndStaticMacs) {
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  Status status = ApplyConfig(sw.get(), Parse(R"(
    ports { name: "n1" type: "null" admin_up: false }
    ports { name: "r1" type: "ring" }
    static_macs { vlan: 3 mac: "02:00:00:00:00:03" port: "r1" })"));
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(PortNames(*sw), (std::vector<std::string>{"n1", "r1"}));
  PortInfo n1;
  ASSERT_TRUE(sw->GetPort("n1", &n1).ok());
  EXPECT_FALSE(n1.config.admin_up);
  auto macs = sw->ListMacs();
  ASSERT_EQ(macs.size(), 1u);
  EXPECT_TRUE(macs[0].is_static);
  EXPECT_EQ(macs[0].port, "r1");
}

TEST(ConfigApply, PortThatCannotOpenUndoesEverything) {
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  Status status = ApplyConfig(sw.get(), Parse(R"(
    ports { name: "n1" type: "null" }
    ports { name: "r1" type: "ring" }
    ports { name: "bad" type: "pcap" options { key: "rx-pcap" value: "/nonexistent/x.pcap" } }
    ports { name: "n2" type: "null" })"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message().rfind("ports[2] 'bad': ", 0), 0u) << status.message();
  EXPECT_TRUE(PortNames(*sw).empty()) << "ports added before the failure must be removed";
  // The names are free again: the rollback really deleted the ports.
  EXPECT_TRUE(ApplyConfig(sw.get(), Parse(R"(ports { name: "n1" type: "null" })")).ok());
}

TEST(ConfigApply, InvalidConfigTouchesNothing) {
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  Status status = ApplyConfig(sw.get(), Parse(R"(
    ports { name: "n1" type: "null" }
    ports { name: "n1" type: "ring" })"));
  EXPECT_EQ(status.message(), "ports[1].name: duplicate port name 'n1' (first at ports[0])");
  EXPECT_TRUE(PortNames(*sw).empty());
}

TEST(ConfigApply, ClashWithARunningPortRollsBack) {
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  ASSERT_TRUE(ApplyConfig(sw.get(), Parse(R"(ports { name: "r1" type: "ring" })")).ok());
  Status status = ApplyConfig(sw.get(), Parse(R"(
    ports { name: "n1" type: "null" }
    ports { name: "r1" type: "ring" })"));
  EXPECT_EQ(status.code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(status.message().rfind("ports[1] 'r1': ", 0), 0u) << status.message();
  EXPECT_EQ(PortNames(*sw), (std::vector<std::string>{"r1"}));
}

TEST(ConfigApply, RestoreSkipsPresentPortsAndReportsBrokenOnes) {
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  ASSERT_TRUE(ApplyConfig(sw.get(), Parse(R"(ports { name: "n1" type: "null" admin_up: false })")).ok());
  RestoreResult result = RestoreState(sw.get(), Parse(R"(
    ports { name: "n1" type: "null" admin_up: true }
    ports { name: "gone" type: "pcap" options { key: "rx-pcap" value: "/nonexistent/x.pcap" } }
    ports { name: "r1" type: "ring" }
    static_macs { vlan: 1 mac: "02:00:00:00:00:01" port: "r1" }
    static_macs { vlan: 1 mac: "02:00:00:00:00:02" port: "gone" }
    static_macs { vlan: 9999 mac: "02:00:00:00:00:03" port: "r1" })"));
  EXPECT_EQ(result.ports_already_present, 1u);
  EXPECT_EQ(result.ports_restored, 1u);
  EXPECT_EQ(result.macs_restored, 1u);
  ASSERT_EQ(result.warnings.size(), 3u);
  EXPECT_EQ(result.warnings[0].rfind("ports[1] 'gone': ", 0), 0u) << result.warnings[0];
  EXPECT_EQ(result.warnings[1].rfind("static_macs[1] (VLAN 1 02:00:00:00:00:02): ", 0), 0u) << result.warnings[1];
  EXPECT_EQ(result.warnings[2], "static_macs[2] (VLAN 9999 02:00:00:00:00:03): vlan: 9999 is out of range 0..4095");
  EXPECT_EQ(PortNames(*sw), (std::vector<std::string>{"n1", "r1"}));
  PortInfo n1;
  ASSERT_TRUE(sw->GetPort("n1", &n1).ok());
  EXPECT_FALSE(n1.config.admin_up) << "--config wins over the state file";
}

}  // namespace
}  // namespace vswitch::controlplane
