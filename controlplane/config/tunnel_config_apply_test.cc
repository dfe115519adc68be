// Tunnel configuration applied to a real Switch: ApplyConfig (all or nothing, vxlan ports
// after their uplinks), and the state file round trip SnapshotConfig/SnapshotTunnels ->
// RestoreState that a vswitchd restart performs.
#include <gtest/gtest.h>

#include "config/config_apply.h"
#include "config/config_file.h"
#include "config/state_store.h"
#include "config/tunnel_config.h"

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

// The VTEP is listed before its uplink on purpose: ApplyConfig adds it after the others.
const char* kOverlay = R"(
  ports { name: "vx0" type: "vxlan" options { key: "uplink" value: "up0" } options { key: "local-ip" value: "192.168.50.1" } }
  ports { name: "up0" type: "null" }
  ports { name: "c1" type: "null" vni: 100 }
  vnis { vni: 100 remotes: "192.168.50.2" }
  vnis { vni: 200 }
  neighbors { ip: "192.168.50.2" mac: "02:00:00:00:50:02" }
  routes { prefix: "10.20.0.0/16" gateway: "192.168.50.254" }
  static_macs { mac: "02:00:00:00:00:07" port: "vx0" vni: 100 remote_ip: "192.168.50.2" }
  static_macs { mac: "02:00:00:00:00:08" port: "c1" vni: 100 }
)";

void ExpectOverlay(const Switch& sw) {
  std::vector<PortInfo> ports = sw.ListPorts();
  ASSERT_EQ(ports.size(), 3u);
  std::vector<VniInfo> vnis = sw.ListVnis();
  ASSERT_EQ(vnis.size(), 2u);
  EXPECT_EQ(vnis[0].vni, 100u);
  EXPECT_EQ(vnis[0].remotes, std::vector<std::string>{"192.168.50.2"});
  EXPECT_EQ(vnis[0].ports, std::vector<std::string>{"c1"});
  EXPECT_EQ(vnis[1].vni, 200u);
  std::vector<NeighborInfo> neighbors = sw.ListNeighbors();
  ASSERT_EQ(neighbors.size(), 1u);
  EXPECT_TRUE(neighbors[0].is_static);
  EXPECT_EQ(neighbors[0].mac, "02:00:00:00:50:02");
  std::vector<RouteInfo> routes = sw.ListRoutes();
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0].gateway, "192.168.50.254");
  std::vector<MacEntry> macs = sw.ListMacs();
  ASSERT_EQ(macs.size(), 2u);
  bool remote = false, local = false;
  for (const MacEntry& e : macs) {
    remote |= e.port == "vx0" && e.vni == 100 && e.remote_ip == "192.168.50.2" && e.is_static;
    local |= e.port == "c1" && e.vni == 100 && e.remote_ip.empty() && e.is_static;
  }
  EXPECT_TRUE(remote);
  EXPECT_TRUE(local);
}

TEST(TunnelConfigApply, AppliesTheWholeOverlay) {
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  Status status = ApplyConfig(sw.get(), Parse(kOverlay));
  ASSERT_TRUE(status.ok()) << status.message();
  ExpectOverlay(*sw);
}

TEST(TunnelConfigApply, PortThatCannotOpenLeavesNothing) {
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  Status status = ApplyConfig(sw.get(), Parse(std::string(kOverlay) + R"(
    ports { name: "bad" type: "pcap" options { key: "rx-pcap" value: "/nonexistent/x.pcap" } })"));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("ports[3] 'bad'"), std::string::npos) << status.message();
  EXPECT_TRUE(sw->ListPorts().empty());
  EXPECT_TRUE(sw->ListVnis().empty());
  EXPECT_TRUE(sw->ListMacs().empty());
}

TEST(TunnelConfigApply, UndoActionsRemoveWhatWasApplied) {
  // What ApplyConfig runs when a later step (static MACs, flows) fails after the tunnels.
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  std::vector<std::function<void()>> undo;
  Status status = ApplyTunnelConfig(sw.get(), Parse(R"(
    vnis { vni: 100 remotes: "192.168.50.2" }
    neighbors { ip: "192.168.50.2" mac: "02:00:00:00:50:02" }
    routes { prefix: "10.20.0.0/16" gateway: "192.168.50.254" })"), &undo);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(undo.size(), 3u);
  EXPECT_EQ(sw->ListVnis().size(), 1u);
  for (auto it = undo.rbegin(); it != undo.rend(); ++it) (*it)();
  EXPECT_TRUE(sw->ListVnis().empty());
  EXPECT_TRUE(sw->ListNeighbors().empty());
  EXPECT_TRUE(sw->ListRoutes().empty());
}

TEST(TunnelConfigApply, UnvalidatedBadItemIsUndoneAndNamed) {
  // Without ValidateConfig in front, the switch itself refuses the route; the VNI and the
  // neighbour added before it are removed again and the error names the item.
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  std::vector<std::function<void()>> undo;
  Status status = ApplyTunnelConfig(sw.get(), Parse(R"(
    vnis { vni: 100 }
    neighbors { ip: "192.168.50.2" mac: "02:00:00:00:50:02" }
    routes { prefix: "10.20.0.0" gateway: "192.168.50.254" })"), &undo);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message().rfind("routes[0] (10.20.0.0): ", 0), 0u) << status.message();
  EXPECT_TRUE(undo.empty());
  EXPECT_TRUE(sw->ListVnis().empty());
  EXPECT_TRUE(sw->ListNeighbors().empty());
}

TEST(TunnelConfigApply, StateFileRoundTripRestoresTheOverlay) {
  v1::Config saved;
  {
    auto sw = NewSwitch();
    ASSERT_NE(sw, nullptr);
    ASSERT_TRUE(ApplyConfig(sw.get(), Parse(kOverlay)).ok());
    saved = SnapshotConfig(sw->ListPorts(), sw->ListMacs());
    SnapshotTunnels(*sw, &saved);
  }
  // Through the text form, as the state file stores it.
  v1::Config reloaded = Parse(ConfigToText(saved));
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  RestoreResult result = RestoreState(sw.get(), reloaded);
  EXPECT_TRUE(result.warnings.empty()) << result.warnings[0];
  EXPECT_EQ(result.ports_restored, 3u);
  EXPECT_EQ(result.vnis_restored, 2u);
  EXPECT_EQ(result.neighbors_restored, 1u);
  EXPECT_EQ(result.routes_restored, 1u);
  EXPECT_EQ(result.macs_restored, 2u);
  ExpectOverlay(*sw);
}

TEST(TunnelConfigApply, RestoreSkipsWhatTheConfigHasAndWarnsAboutBadItems) {
  auto sw = NewSwitch();
  ASSERT_NE(sw, nullptr);
  ASSERT_TRUE(sw->SetVni(100, {"192.168.50.9"}).ok());  // from --config: it wins
  RestoreResult result = RestoreState(sw.get(), Parse(R"(
    vnis { vni: 100 remotes: "192.168.50.2" }
    vnis { vni: 0 }
    neighbors { ip: "192.168.50.2" mac: "ff:ff:ff:ff:ff:ff" }
    routes { prefix: "10.20.0.1/16" gateway: "192.168.50.254" }
    routes { prefix: "10.30.0.0/16" gateway: "192.168.50.254" })"));
  EXPECT_EQ(result.vnis_restored, 0u);
  EXPECT_EQ(result.neighbors_restored, 0u);
  EXPECT_EQ(result.routes_restored, 1u);
  ASSERT_EQ(result.warnings.size(), 3u);
  EXPECT_EQ(result.warnings[0], "vnis[1] (vni 0): vni: 0 is out of range 1..16777215");
  EXPECT_EQ(result.warnings[1], "neighbors[0] (192.168.50.2): mac: 'ff:ff:ff:ff:ff:ff' is not a unicast address");
  EXPECT_EQ(result.warnings[2],
            "routes[0] (10.20.0.1/16): prefix: '10.20.0.1/16' has host bits set (did you mean 10.20.0.0/16?)");
  ASSERT_EQ(sw->ListVnis().size(), 1u);
  EXPECT_EQ(sw->ListVnis()[0].remotes, std::vector<std::string>{"192.168.50.9"});
}

}  // namespace
}  // namespace vswitch::controlplane
