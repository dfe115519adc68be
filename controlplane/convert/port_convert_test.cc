#include "convert/port_convert.h"

#include <gtest/gtest.h>

namespace vswitch::controlplane {
namespace {

TEST(PortConvert, SchemaDefaultsBecomeDataplaneDefaults) {
  v1::Port port;
  port.set_name("p1");
  port.set_type("null");
  PortConfig config;
  ASSERT_TRUE(PortFromProto(port, &config).ok());
  EXPECT_TRUE(config.admin_up) << "unset admin_up means up";
  EXPECT_EQ(config.rx_queues, 1) << "rx_queues 0 means one queue";
  EXPECT_EQ(config.mtu, 0u);
  EXPECT_EQ(config.mac, "");
  EXPECT_EQ(config.mac_learning_limit, 0u);
}

TEST(PortConvert, ExplicitAdminDownIsKept) {
  v1::Port port;
  port.set_name("p1");
  port.set_type("null");
  port.set_admin_up(false);
  PortConfig config;
  ASSERT_TRUE(PortFromProto(port, &config).ok());
  EXPECT_FALSE(config.admin_up);
}

TEST(PortConvert, RxQueuesBeyondUint16AreRejectedNamingTheField) {
  v1::Port port;
  port.set_name("p1");
  port.set_rx_queues(70000);
  PortConfig config;
  Status status = PortFromProto(port, &config);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(status.message(), "rx_queues: 70000 is out of range 1..65535");
}

TEST(PortConvert, RoundTripFromDataplaneIsExact) {
  PortConfig config;
  config.name = "vm1";
  config.type = "vhost-user";
  config.options = {{"path", "/run/vm1.sock"}, {"mode", "server"}};
  config.mac = "02:00:00:00:00:01";
  config.mtu = 9000;
  config.admin_up = false;
  config.rx_queues = 4;
  config.mac_learning_limit = 100;
  PortConfig back;
  ASSERT_TRUE(PortFromProto(PortToProto(config), &back).ok());
  EXPECT_EQ(back.name, config.name);
  EXPECT_EQ(back.type, config.type);
  EXPECT_EQ(back.options, config.options);
  EXPECT_EQ(back.mac, config.mac);
  EXPECT_EQ(back.mtu, config.mtu);
  EXPECT_EQ(back.admin_up, config.admin_up);
  EXPECT_EQ(back.rx_queues, config.rx_queues);
  EXPECT_EQ(back.mac_learning_limit, config.mac_learning_limit);
}

TEST(PortConvert, ToProtoAlwaysSetsAdminState) {
  PortConfig config;
  config.name = "p";
  EXPECT_TRUE(PortToProto(config).has_admin_up());
  EXPECT_TRUE(PortToProto(config).admin_up());
}

TEST(PortConvert, PortStatusCarriesEverything) {
  PortInfo info;
  info.config.name = "r1";
  info.config.type = "ring";
  info.port_no = 7;
  info.dpdk_port_id = 3;
  info.devargs = "net_ring_vs3";
  info.mac = "02:11:22:33:44:55";
  info.link_up = true;
  info.link_speed_mbps = 10000;
  info.counters.rx_packets = 1;
  info.counters.rx_bytes = 64;
  info.counters.tx_packets = 2;
  info.counters.tx_bytes = 128;
  info.counters.drops = {{"tx_ring_full", 5}, {"admin_down", 0}};
  v1::PortStatus status = PortStatusToProto(info);
  EXPECT_EQ(status.name(), "r1");
  EXPECT_EQ(status.config().name(), "r1");
  EXPECT_EQ(status.config().type(), "ring");
  EXPECT_EQ(status.port_no(), 7u);
  EXPECT_EQ(status.dpdk_port_id(), 3u);
  EXPECT_EQ(status.devargs(), "net_ring_vs3");
  EXPECT_EQ(status.mac(), "02:11:22:33:44:55");
  EXPECT_TRUE(status.link_up());
  EXPECT_EQ(status.link_speed_mbps(), 10000u);
  EXPECT_EQ(status.counters().rx_packets(), 1u);
  EXPECT_EQ(status.counters().rx_bytes(), 64u);
  EXPECT_EQ(status.counters().tx_packets(), 2u);
  EXPECT_EQ(status.counters().tx_bytes(), 128u);
  ASSERT_EQ(status.counters().drops_size(), 2);
  EXPECT_EQ(status.counters().drops(0).name(), "tx_ring_full");
  EXPECT_EQ(status.counters().drops(0).value(), 5u);
  EXPECT_EQ(status.counters().drops(1).name(), "admin_down");
}

}  // namespace
}  // namespace vswitch::controlplane
