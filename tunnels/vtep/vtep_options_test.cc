#include "vtep/vtep_options.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace vswitch::tunnels {
namespace {

TEST(VtepOptions, ParsesAndDefaults) {
  VtepOptions o;
  ASSERT_TRUE(ParseVtepOptions({{"uplink", "up0"}, {"local-ip", "192.168.1.1"}}, &o).ok());
  EXPECT_EQ(o.uplink, "up0");
  EXPECT_EQ(o.local_ip, inet_addr("192.168.1.1"));
  EXPECT_EQ(o.udp_port, 4789);
  EXPECT_EQ(o.vni, 0u);
  ASSERT_TRUE(ParseVtepOptions({{"uplink", "u"}, {"local-ip", "10.0.0.1"}, {"dst-port", "8472"}, {"key", "5000"},
                                {"remote-ip", "10.0.0.2"}, {"ttl", "10"}},
                               &o)
                  .ok());
  EXPECT_EQ(o.udp_port, 8472);
  EXPECT_EQ(o.vni, 5000u);
  EXPECT_EQ(o.remote_ip, inet_addr("10.0.0.2"));
  EXPECT_EQ(o.ttl, 10);
}

TEST(VtepOptions, ErrorsNameTheOption) {
  VtepOptions o;
  auto err = [&](std::map<std::string, std::string> m) { return ParseVtepOptions(m, &o).message(); };
  EXPECT_NE(err({{"local-ip", "1.2.3.4"}}).find("requires option 'uplink'"), std::string::npos);
  EXPECT_NE(err({{"uplink", "u"}}).find("requires option 'local-ip'"), std::string::npos);
  EXPECT_NE(err({{"uplink", "u"}, {"local-ip", "1.2.3"}}).find("option 'local-ip'"), std::string::npos);
  EXPECT_NE(err({{"uplink", "u"}, {"local-ip", "1.2.3.4"}, {"key", "16777216"}}).find("option 'key'"), std::string::npos);
  EXPECT_NE(err({{"uplink", "u"}, {"local-ip", "1.2.3.4"}, {"dst-port", "0"}}).find("option 'dst-port'"), std::string::npos);
  EXPECT_NE(err({{"uplink", "u"}, {"local-ip", "1.2.3.4"}, {"vni", "5"}}).find("not valid for type vxlan"), std::string::npos);
}

TEST(VtepOptions, Prefixes) {
  uint32_t p;
  uint8_t len;
  ASSERT_TRUE(ParseIpv4Prefix("10.1.2.3/16", &p, &len));
  EXPECT_EQ(p, inet_addr("10.1.0.0"));
  EXPECT_EQ(len, 16);
  ASSERT_TRUE(ParseIpv4Prefix("0.0.0.0/0", &p, &len));
  EXPECT_EQ(len, 0);
  EXPECT_FALSE(ParseIpv4Prefix("10.1.2.3", &p, &len));
  EXPECT_FALSE(ParseIpv4Prefix("10.1.2.3/33", &p, &len));
  EXPECT_EQ(FormatIpv4(inet_addr("172.16.0.9")), "172.16.0.9");
}

}  // namespace
}  // namespace vswitch::tunnels
