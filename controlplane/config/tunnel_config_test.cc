// Validation of the tunnel parts of a Config (no DPDK): vxlan ports, VNIs, neighbours,
// routes and static MACs behind VTEPs, through ValidateConfig as vswitchd runs it.
#include "config/tunnel_config.h"

#include <gtest/gtest.h>

#include "config/config_file.h"
#include "config/config_validate.h"

namespace vswitch::controlplane {
namespace {

v1::Config Parse(const std::string& text) {
  v1::Config config;
  Status status = ParseConfig(text, ConfigFormat::kText, "test", &config);
  EXPECT_TRUE(status.ok()) << status.message();
  return config;
}

// Uplink, VTEP and one local port in VNI 100: the base every case below adds to.
const char* kBase = R"(
  ports { name: "up0" type: "null" }
  ports { name: "vx0" type: "vxlan" options { key: "uplink" value: "up0" } options { key: "local-ip" value: "192.168.50.1" } }
  ports { name: "c1" type: "null" vni: 100 }
)";

Status Validate(const std::string& extra) { return ValidateConfig(Parse(std::string(kBase) + extra)); }

TEST(TunnelConfigValidate, ShippedExampleIsValid) {
  v1::Config config;
  Status status = LoadConfigFile(std::string(VSWITCH_CONFIGS_DIR) + "/vxlan-host.textproto", &config);
  ASSERT_TRUE(status.ok()) << status.message();
  status = ValidateConfig(config);
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(config.vnis_size(), 2);
  EXPECT_EQ(config.neighbors_size(), 1);
  EXPECT_EQ(config.routes_size(), 1);
}

TEST(TunnelConfigValidate, CompleteOverlayPasses) {
  Status status = Validate(R"(
    vnis { vni: 100 remotes: "192.168.50.2" remotes: "192.168.50.3" }
    vnis { vni: 200 }
    neighbors { ip: "192.168.50.2" mac: "02:00:00:00:50:02" }
    routes { prefix: "10.20.0.0/16" gateway: "192.168.50.254" }
    static_macs { mac: "02:00:00:00:00:07" port: "vx0" vni: 100 remote_ip: "192.168.50.2" }
    static_macs { mac: "02:00:00:00:00:07" port: "vx0" vni: 200 remote_ip: "192.168.50.2" }
    static_macs { mac: "02:00:00:00:00:08" port: "c1" vni: 100 })");
  EXPECT_TRUE(status.ok()) << status.message();
}

TEST(TunnelConfigValidate, VxlanPortBeforeItsUplinkIsFine) {
  Status status = ValidateConfig(Parse(R"(
    ports { name: "vx0" type: "vxlan" options { key: "uplink" value: "up0" } options { key: "local-ip" value: "192.168.50.1" } }
    ports { name: "up0" type: "null" })"));
  EXPECT_TRUE(status.ok()) << status.message();
}

TEST(TunnelConfigValidate, BadVxlanPorts) {
  EXPECT_EQ(ValidateConfig(Parse(R"(
    ports { name: "vx0" type: "vxlan" options { key: "uplink" value: "up9" } options { key: "local-ip" value: "192.168.50.1" } })"))
                .message(),
            "ports[0].options: uplink 'up9' is not a port of this config");
  Status status = ValidateConfig(Parse(R"(
    ports { name: "vx0" type: "vxlan" options { key: "uplink" value: "vx1" } options { key: "local-ip" value: "192.168.50.1" } }
    ports { name: "vx1" type: "vxlan" options { key: "uplink" value: "vx0" } options { key: "local-ip" value: "192.168.50.2" } })"));
  EXPECT_NE(status.message().find("ports[0].options: uplink 'vx1' is itself a vxlan port"), std::string::npos)
      << status.message();
  status = Validate(R"(
    ports { name: "vx1" type: "vxlan" options { key: "uplink" value: "up0" } options { key: "local-ip" value: "192.168.50.9" } })");
  EXPECT_EQ(status.message(),
            "ports[3].options: uplink 'up0' already carries vxlan port 'vx0' (ports[1]); one VTEP per uplink");
  status = ValidateConfig(Parse(R"(
    ports { name: "up0" type: "null" }
    ports { name: "vx0" type: "vxlan" vni: 5 options { key: "uplink" value: "up0" } options { key: "local-ip" value: "192.168.50.1" } })"));
  EXPECT_EQ(status.message(), "ports[1].vni: a vxlan port carries every VNI (use option key=VNI to fix one)");
  // Missing local-ip: the dataplane's own VTEP option parser speaks.
  status = ValidateConfig(Parse(R"(
    ports { name: "up0" type: "null" }
    ports { name: "vx0" type: "vxlan" options { key: "uplink" value: "up0" } })"));
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("ports[1].options: "), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("local-ip"), std::string::npos) << status.message();
}

TEST(TunnelConfigValidate, PortVniOutOfRange) {
  EXPECT_EQ(ValidateConfig(Parse(R"(ports { name: "c1" type: "null" vni: 16777216 })")).message(),
            "ports[0].vni: 16777216 is out of range 0..16777215");
}

TEST(TunnelConfigValidate, BadVnisListEveryProblem) {
  Status status = Validate(R"(
    vnis { vni: 0 }
    vnis { vni: 100 remotes: "192.168.50.2" remotes: "192.168.50.2" }
    vnis { vni: 100 remotes: "192.168.50" }
    vnis { vni: 300 ports: "c1" })");
  EXPECT_EQ(status.message(),
            "vnis[0].vni: 0 is out of range 1..16777215; "
            "vnis[1].remotes[1]: 192.168.50.2 is listed twice; "
            "vnis[2].remotes[0]: '192.168.50' is not an IPv4 address; "
            "vnis[2].vni: duplicate VNI 100 (first at vnis[1]); "
            "vnis[3].ports: is reported by the daemon, not configured (give the port vni: 300 instead)");
}

TEST(TunnelConfigValidate, BadNeighborsAndRoutes) {
  Status status = Validate(R"(
    neighbors { ip: "192.168.50.2" mac: "02:00:00:00:50:02" }
    neighbors { ip: "192.168.50.2" mac: "02:00:00:00:50:03" }
    neighbors { ip: "192.168.50.3" mac: "01:00:5e:00:00:01" }
    routes { prefix: "10.20.0.0/16" gateway: "192.168.50.254" }
    routes { prefix: "10.20.0.0/16" gateway: "192.168.50.253" }
    routes { prefix: "10.30.0.1/16" gateway: "192.168.50.254" }
    routes { prefix: "10.40.0.0/16" })");
  EXPECT_EQ(status.message(),
            "neighbors[1].ip: duplicate neighbour 192.168.50.2 (first at neighbors[0]); "
            "neighbors[2].mac: '01:00:5e:00:00:01' is not a unicast address; "
            "routes[1].prefix: duplicate route for 10.20.0.0/16 (first at routes[0]); "
            "routes[2].prefix: '10.30.0.1/16' has host bits set (did you mean 10.30.0.0/16?); "
            "routes[3].gateway: is required (an IPv4 address)");
}

TEST(TunnelConfigValidate, StaticMacsMustFitTheirPort) {
  EXPECT_EQ(Validate(R"(static_macs { mac: "02:00:00:00:00:07" port: "vx0" remote_ip: "192.168.50.2" })").message(),
            "static_macs[0].vni: a MAC behind vxlan port 'vx0' needs the VNI it lives in");
  EXPECT_EQ(Validate(R"(static_macs { mac: "02:00:00:00:00:07" port: "vx0" vni: 100 })").message(),
            "static_macs[0].remote_ip: a MAC behind vxlan port 'vx0' needs the remote VTEP's address");
  EXPECT_EQ(Validate(R"(static_macs { mac: "02:00:00:00:00:07" port: "vx0" vni: 100 remote_ip: "x" })").message(),
            "static_macs[0].remote_ip: 'x' is not an IPv4 address");
  EXPECT_EQ(Validate(R"(static_macs { mac: "02:00:00:00:00:07" port: "c1" })").message(),
            "static_macs[0].vni: port 'c1' is in VNI 100, not 0");
  EXPECT_EQ(Validate(R"(static_macs { mac: "02:00:00:00:00:07" port: "up0" remote_ip: "192.168.50.2" })").message(),
            "static_macs[0].remote_ip: only for MACs behind a vxlan port ('up0' is null)");
  // The FDB key includes the VNI: the same MAC in two VNIs is two entries, twice in one is not.
  EXPECT_EQ(Validate(R"(
    static_macs { mac: "02:00:00:00:00:07" port: "vx0" vni: 100 remote_ip: "192.168.50.2" }
    static_macs { mac: "02:00:00:00:00:07" port: "c1" vni: 100 })")
                .message(),
            "static_macs[1]: duplicate entry for VNI 100 VLAN 0 MAC 02:00:00:00:00:07 (first at static_macs[0])");
}

}  // namespace
}  // namespace vswitch::controlplane
