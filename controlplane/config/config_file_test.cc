#include "config/config_file.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>

namespace vswitch::controlplane {
namespace {

const std::string kTestdata = VSWITCH_CP_TESTDATA;

TEST(ConfigFile, FormatFollowsExtension) {
  EXPECT_EQ(ConfigFormatForPath("/etc/vswitch.json"), ConfigFormat::kJson);
  EXPECT_EQ(ConfigFormatForPath("/etc/vswitch.JSON"), ConfigFormat::kJson);
  EXPECT_EQ(ConfigFormatForPath("/etc/vswitch.textproto"), ConfigFormat::kText);
  EXPECT_EQ(ConfigFormatForPath("/etc/vswitch.conf"), ConfigFormat::kText);
  EXPECT_EQ(ConfigFormatForPath("json"), ConfigFormat::kText);
}

TEST(ConfigFile, LoadsTextFormat) {
  v1::Config config;
  Status status = LoadConfigFile(kTestdata + "/good.textproto", &config);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(config.ports_size(), 2);
  EXPECT_EQ(config.settings().mac_aging_seconds(), 120u);
  EXPECT_EQ(config.settings().mbufs(), 16384u);
  EXPECT_EQ(config.ports(0).name(), "vm1");
  EXPECT_EQ(config.ports(0).type(), "vhost-user");
  EXPECT_EQ(config.ports(0).options().at("path"), "/run/vswitch/vm1.sock");
  EXPECT_EQ(config.ports(0).mtu(), 9000u);
  EXPECT_FALSE(config.ports(0).has_admin_up());
  EXPECT_TRUE(config.ports(1).has_admin_up());
  EXPECT_FALSE(config.ports(1).admin_up());
  EXPECT_EQ(config.ports(1).rx_queues(), 2u);
  EXPECT_EQ(config.ports(1).mac_learning_limit(), 64u);
  ASSERT_EQ(config.static_macs_size(), 1);
  EXPECT_EQ(config.static_macs(0).vlan(), 10u);
  EXPECT_EQ(config.static_macs(0).port(), "vm1");
}

TEST(ConfigFile, JsonAndTextDescribeTheSameConfig) {
  v1::Config text, json;
  ASSERT_TRUE(LoadConfigFile(kTestdata + "/good.textproto", &text).ok());
  Status status = LoadConfigFile(kTestdata + "/good.json", &json);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(text, json));
}

TEST(ConfigFile, UnknownFieldIsAnErrorWithLineAndColumn) {
  v1::Config config;
  Status status = LoadConfigFile(kTestdata + "/unknown_field.textproto", &config);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("unknown_field.textproto: line 4, column "), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("iface"), std::string::npos) << status.message();
}

TEST(ConfigFile, TruncatedJsonIsAOneLineError) {
  v1::Config config;
  Status status = LoadConfigFile(kTestdata + "/truncated.json", &config);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("truncated.json: invalid JSON config: "), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find('\n'), std::string::npos) << status.message();  // vswitchd prints one line
}

TEST(ConfigFile, UnknownJsonFieldIsAnError) {
  v1::Config config;
  Status status = LoadConfigFile(kTestdata + "/unknown_field.json", &config);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("unknown_field.json: invalid JSON config"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("iface"), std::string::npos) << status.message();
}

TEST(ConfigFile, SyntaxErrorNamesThePosition) {
  v1::Config config;
  Status status = ParseConfig("ports {\n  name: \"p1\"\n  type: null\n}\n", ConfigFormat::kText, "inline", &config);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(status.message().rfind("inline: line 3, column 9: ", 0), 0u) << status.message();
}

TEST(ConfigFile, RepeatedSingularFieldIsAnError) {
  v1::Config config;
  Status status = ParseConfig("ports { name: \"a\" name: \"b\" }", ConfigFormat::kText, "inline", &config);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("name"), std::string::npos) << status.message();
}

TEST(ConfigFile, WrongTypeIsAnError) {
  v1::Config config;
  Status status = ParseConfig("ports { name: \"a\" mtu: \"big\" }", ConfigFormat::kText, "inline", &config);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("line 1"), std::string::npos) << status.message();
  Status json = ParseConfig(R"({"ports":[{"name":"a","mtu":"big"}]})", ConfigFormat::kJson, "inline.json", &config);
  EXPECT_FALSE(json.ok());
}

TEST(ConfigFile, MissingFileNamesThePath) {
  v1::Config config;
  Status status = LoadConfigFile("/nonexistent/vswitch.conf", &config);
  EXPECT_EQ(status.code(), Status::Code::kNotFound);
  EXPECT_NE(status.message().find("/nonexistent/vswitch.conf"), std::string::npos);
}

TEST(ConfigFile, EmptyFileIsAnEmptyConfig) {
  v1::Config config;
  EXPECT_TRUE(ParseConfig("", ConfigFormat::kText, "empty", &config).ok());
  EXPECT_EQ(config.ports_size(), 0);
}

TEST(ConfigFile, PrintedTextParsesBackIdentically) {
  v1::Config config;
  ASSERT_TRUE(LoadConfigFile(kTestdata + "/good.textproto", &config).ok());
  std::string text = ConfigToText(config);
  EXPECT_EQ(text.rfind("# proto-file:", 0), 0u);
  v1::Config back;
  ASSERT_TRUE(ParseConfig(text, ConfigFormat::kText, "printed", &back).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(config, back));
}

}  // namespace
}  // namespace vswitch::controlplane
