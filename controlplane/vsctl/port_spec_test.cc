#include "vsctl/port_spec.h"

#include <gtest/gtest.h>

namespace vswitch::controlplane {
namespace {

TEST(PortSpec, SettingsAndOptionsAreSeparated) {
  v1::Port port;
  ASSERT_EQ(ParsePortSpec("vm1", "vhost-user",
                          {"path=/tmp/vm1.sock", "mode=server", "mac=02:00:00:00:00:01", "mtu=9000", "rxq=2",
                           "admin=down", "learn-limit=10"},
                          &port),
            "");
  EXPECT_EQ(port.name(), "vm1");
  EXPECT_EQ(port.type(), "vhost-user");
  EXPECT_EQ(port.options().size(), 2u);
  EXPECT_EQ(port.options().at("path"), "/tmp/vm1.sock");
  EXPECT_EQ(port.options().at("mode"), "server");
  EXPECT_EQ(port.mac(), "02:00:00:00:00:01");
  EXPECT_EQ(port.mtu(), 9000u);
  EXPECT_EQ(port.rx_queues(), 2u);
  ASSERT_TRUE(port.has_admin_up());
  EXPECT_FALSE(port.admin_up());
  EXPECT_EQ(port.mac_learning_limit(), 10u);
}

TEST(PortSpec, NoSettingsLeavesAdminUnset) {
  v1::Port port;
  ASSERT_EQ(ParsePortSpec("n1", "null", {}, &port), "");
  EXPECT_FALSE(port.has_admin_up());
  EXPECT_TRUE(port.options().empty());
}

TEST(PortSpec, OptionValuesMayContainEqualsSigns) {
  v1::Port port;
  ASSERT_EQ(ParsePortSpec("p", "pcap", {"rx-pcap=/tmp/a=b.pcap"}, &port), "");
  EXPECT_EQ(port.options().at("rx-pcap"), "/tmp/a=b.pcap");
}

TEST(PortSpec, UsageErrorsNameTheArgument) {
  v1::Port port;
  EXPECT_EQ(ParsePortSpec("p", "null", {"noequals"}, &port), "'noequals': expected key=value");
  EXPECT_EQ(ParsePortSpec("p", "null", {"=v"}, &port), "'=v': expected key=value");
  EXPECT_EQ(ParsePortSpec("p", "null", {"mtu=abc"}, &port), "mtu: expected a number 68..65535, got 'abc'");
  EXPECT_EQ(ParsePortSpec("p", "null", {"mtu=10"}, &port), "mtu: expected a number 68..65535, got '10'");
  EXPECT_EQ(ParsePortSpec("p", "null", {"rxq=0"}, &port), "rxq: expected a number 1..65535, got '0'");
  EXPECT_EQ(ParsePortSpec("p", "null", {"admin=sideways"}, &port),
            "expected admin=up or admin=down, got 'admin=sideways'");
  EXPECT_EQ(ParsePortSpec("p", "null", {"iface=a", "iface=b"}, &port), "'iface' is given more than once");
  EXPECT_EQ(ParsePortSpec("p", "null", {"learn-limit=99999999999999999999"}, &port),
            "learn-limit: expected a number 0..4294967295, got '99999999999999999999'");
}

TEST(PortSpec, ParseUnsignedBounds) {
  uint64_t value = 0;
  EXPECT_EQ(ParseUnsigned("VLAN", "4095", 0, 4095, &value), "");
  EXPECT_EQ(value, 4095u);
  EXPECT_EQ(ParseUnsigned("VLAN", "4096", 0, 4095, &value), "VLAN: expected a number 0..4095, got '4096'");
  EXPECT_EQ(ParseUnsigned("VLAN", "-1", 0, 4095, &value), "VLAN: expected a number 0..4095, got '-1'");
  EXPECT_EQ(ParseUnsigned("VLAN", "", 0, 4095, &value), "VLAN: expected a number 0..4095, got ''");
}

}  // namespace
}  // namespace vswitch::controlplane
