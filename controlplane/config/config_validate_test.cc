#include "config/config_validate.h"

#include <gtest/gtest.h>

#include "config/config_file.h"

namespace vswitch::controlplane {
namespace {

const std::string kTestdata = VSWITCH_CP_TESTDATA;

v1::Config Parse(const std::string& text) {
  v1::Config config;
  Status status = ParseConfig(text, ConfigFormat::kText, "test", &config);
  EXPECT_TRUE(status.ok()) << status.message();
  return config;
}

bool Contains(const Status& status, const std::string& text) {
  return status.message().find(text) != std::string::npos;
}

TEST(ConfigValidate, GoodFilesPass) {
  for (const char* file : {"/good.textproto", "/good.json"}) {
    v1::Config config;
    ASSERT_TRUE(LoadConfigFile(kTestdata + file, &config).ok());
    Status status = ValidateConfig(config);
    EXPECT_TRUE(status.ok()) << file << ": " << status.message();
  }
}

TEST(ConfigValidate, EmptyConfigPasses) { EXPECT_TRUE(ValidateConfig(v1::Config()).ok()); }

TEST(ConfigValidate, DuplicatePortNameNamesBothPlaces) {
  v1::Config config;
  ASSERT_TRUE(LoadConfigFile(kTestdata + "/duplicate_port.textproto", &config).ok());
  Status status = ValidateConfig(config);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(status.message(), "ports[2].name: duplicate port name 'p1' (first at ports[0])");
}

TEST(ConfigValidate, EveryProblemIsListed) {
  v1::Config config;
  ASSERT_TRUE(LoadConfigFile(kTestdata + "/bad_values.textproto", &config).ok());
  Status status = ValidateConfig(config);
  ASSERT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(Contains(status, "ports[0]: port 'p1': unknown type 'nul'")) << status.message();
  EXPECT_TRUE(Contains(status, "ports[1]: port 'p2': option 'mode'")) << status.message();
  EXPECT_TRUE(Contains(status, "clinet")) << status.message();
  EXPECT_TRUE(Contains(status, "ports[2].mac: '02:00:00:00:00:zz' is not a MAC address")) << status.message();
  EXPECT_TRUE(Contains(status, "static_macs[0].vlan: 5000 is out of range 0..4095")) << status.message();
  EXPECT_TRUE(Contains(status, "static_macs[1].port: unknown port 'nope'")) << status.message();
}

TEST(ConfigValidate, BadPortNameIsReportedOnce) {
  Status status = ValidateConfig(Parse(R"(ports { name: "has space" type: "null" })"));
  EXPECT_EQ(status.message(), "ports[0].name: port name 'has space': only letters, digits, '_', '-' and '.' are allowed");
}

TEST(ConfigValidate, MissingRequiredOption) {
  Status status = ValidateConfig(Parse(R"(ports { name: "vm1" type: "vhost-user" })"));
  EXPECT_TRUE(Contains(status, "ports[0]: port 'vm1': type vhost-user requires option 'path'")) << status.message();
}

TEST(ConfigValidate, MulticastPortMacIsRejected) {
  Status status = ValidateConfig(Parse(R"(ports { name: "p" type: "ring" mac: "01:00:5e:00:00:01" })"));
  EXPECT_EQ(status.message(), "ports[0].mac: '01:00:5e:00:00:01' is not a unicast address");
}

TEST(ConfigValidate, TinyMtuIsRejected) {
  Status status = ValidateConfig(Parse(R"(ports { name: "p" type: "ring" mtu: 10 })"));
  EXPECT_EQ(status.message(), "ports[0].mtu: 10 is below the IPv4 minimum of 68");
}

TEST(ConfigValidate, RxQueueRangeNamesTheField) {
  Status status = ValidateConfig(Parse(R"(ports { name: "p" type: "ring" rx_queues: 100000 })"));
  EXPECT_EQ(status.message(), "ports[0].rx_queues: 100000 is out of range 1..65535");
}

TEST(ConfigValidate, DuplicateStaticMacInAnySpelling) {
  Status status = ValidateConfig(Parse(R"(
    ports { name: "p" type: "ring" }
    static_macs { vlan: 1 mac: "02:00:00:00:00:0a" port: "p" }
    static_macs { vlan: 1 mac: "02-00-00-00-00-0A" port: "p" }
    static_macs { vlan: 2 mac: "02:00:00:00:00:0a" port: "p" })"));
  EXPECT_EQ(status.message(), "static_macs[1]: duplicate entry for VLAN 1 MAC 02:00:00:00:00:0a (first at static_macs[0])");
}

TEST(ConfigValidate, StaticMacNeedsAPort) {
  Status status = ValidateConfig(Parse(R"(static_macs { vlan: 1 mac: "02:00:00:00:00:0a" })"));
  EXPECT_EQ(status.message(), "static_macs[0].port: is required");
}

TEST(ConfigValidate, SettingsRanges) {
  Status status = ValidateConfig(Parse(R"(settings { rx_descriptors: 8 mbufs: 100 })"));
  EXPECT_TRUE(Contains(status, "settings.rx_descriptors: 8 is out of range 64..32768")) << status.message();
  EXPECT_TRUE(Contains(status, "settings.mbufs: 100 is too small")) << status.message();
}

}  // namespace
}  // namespace vswitch::controlplane
