#include "port/port_devargs.h"

#include <gtest/gtest.h>

namespace vswitch {
namespace {

PortConfig Make(const std::string& name, const std::string& type, std::map<std::string, std::string> options) {
  PortConfig c;
  c.name = name;
  c.type = type;
  c.options = std::move(options);
  return c;
}

std::string Devargs(const PortConfig& c) {
  PortDevargs d;
  Status s = BuildPortDevargs(c, "7", &d);
  EXPECT_TRUE(s.ok()) << s.message();
  return d.devargs;
}

std::string Error(const PortConfig& c) {
  PortDevargs d;
  Status s = BuildPortDevargs(c, "7", &d);
  EXPECT_FALSE(s.ok());
  return s.message();
}

TEST(PortDevargs, VhostUserDefaultsToReconnectingClient) {
  EXPECT_EQ(Devargs(Make("vm1", "vhost-user", {{"path", "/run/vm1.sock"}})),
            "net_vhost_vs7,iface=/run/vm1.sock,client=1,queues=1");
  EXPECT_EQ(Devargs(Make("vm1", "vhost-user", {{"path", "/run/vm1.sock"}, {"mode", "server"}, {"queues", "2"}})),
            "net_vhost_vs7,iface=/run/vm1.sock,client=0,queues=2");
}

TEST(PortDevargs, EveryTypeBuilds) {
  EXPECT_EQ(Devargs(Make("c1", "af-xdp", {{"iface", "veth1"}})), "net_af_xdp_vs7,iface=veth1,start_queue=0,queue_count=1");
  EXPECT_EQ(Devargs(Make("c1", "af-packet", {{"iface", "veth1"}})), "net_af_packet_vs7,iface=veth1,qpairs=1");
  EXPECT_EQ(Devargs(Make("t1", "tap", {})), "net_tap_vs7,iface=t1");
  EXPECT_EQ(Devargs(Make("in", "pcap", {{"rx-pcap", "/tmp/a.pcap"}, {"infinite-rx", "1"}})),
            "net_pcap_vs7,rx_pcap=/tmp/a.pcap,infinite_rx=1");
  EXPECT_EQ(Devargs(Make("out", "null", {})), "net_null_vs7,no-rx=1");
  EXPECT_EQ(Devargs(Make("out", "null", {{"no-rx", "0"}})), "net_null_vs7");
  EXPECT_EQ(Devargs(Make("r", "ring", {})), "net_ring_vs7");
  EXPECT_EQ(Devargs(Make("m", "memif", {{"socket", "/run/memif.sock"}, {"role", "client"}})),
            "net_memif_vs7,socket=/run/memif.sock,role=client,id=0");
  EXPECT_EQ(Devargs(Make("v", "virtio-user", {{"path", "/dev/vhost-net"}, {"iface", "vtap0"}})),
            "net_virtio_user_vs7,path=/dev/vhost-net,server=0,queues=1,iface=vtap0");
  PortDevargs d;
  ASSERT_TRUE(BuildPortDevargs(Make("up", "pci", {{"addr", "01:00.0"}}), "7", &d).ok());
  EXPECT_TRUE(d.is_pci);
  EXPECT_EQ(d.devargs, "0000:01:00.0");
}

TEST(PortDevargs, ErrorsNameTheProblem) {
  EXPECT_NE(Error(Make("p", "vxlan", {})).find("unknown type 'vxlan'"), std::string::npos);
  EXPECT_NE(Error(Make("p", "vhost-user", {})).find("requires option 'path'"), std::string::npos);
  EXPECT_NE(Error(Make("p", "vhost-user", {{"path", "/x"}, {"mode", "clinet"}})).find("option 'mode': expected client/server, got 'clinet'"),
            std::string::npos);
  EXPECT_NE(Error(Make("p", "af-packet", {{"iface", "a"}, {"colour", "red"}})).find("option 'colour' is not valid for type af-packet"),
            std::string::npos);
  EXPECT_NE(Error(Make("p", "af-xdp", {{"iface", "a"}, {"queues", "-1"}})).find("expected a non-negative number"), std::string::npos);
  EXPECT_NE(Error(Make("p", "af-packet", {{"iface", "a,b=c"}})).find("must not contain"), std::string::npos);
  EXPECT_NE(Error(Make("p", "pci", {{"addr", "zz:00.0"}})).find("PCI address"), std::string::npos);
  EXPECT_NE(Error(Make("p", "pcap", {})).find("needs rx-pcap, tx-pcap or iface"), std::string::npos);
  EXPECT_NE(Error(Make("p", "tap", {{"iface", "a-very-long-interface-name"}})).find("at most 15"), std::string::npos);
  EXPECT_NE(Error(Make("bad name", "null", {})).find("only letters"), std::string::npos);
  EXPECT_NE(Error(Make("", "null", {})).find("1-32"), std::string::npos);
}

}  // namespace
}  // namespace vswitch
