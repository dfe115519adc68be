// The VTEP against the Linux kernel's own VXLAN as the remote end, through the library API.
//
//   netns vsxns: vsxc0 10.100.0.1/24 ── TAP ── [switch: port c0 (vni 100)]
//                                                  │ vni 100 domain
//                                        [vxlan port vx0, local 192.168.77.1]
//                                                  │ uplink (TAP vsxu0)
//   host: vsxu0 192.168.77.2/24 ── kernel vxlan vsxk0 (id 100, remote 192.168.77.1) 10.100.0.2/24
//
// A ping from the namespace to 10.100.0.2 crosses the switch (flood to the VNI's remote VTEP,
// encapsulation, ARP for the remote VTEP answered by the kernel), the kernel decapsulates and
// replies, and the switch answers the kernel's ARP for 192.168.77.1, decapsulates, learns and
// delivers. Needs root; skipped otherwise.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "eal/eal.h"
#include "switch/switch.h"

namespace vswitch {
namespace {

class EalWithWorker : public ::testing::Environment {
 public:
  void SetUp() override {
    eal::EalOptions o;
    o.lcores = "0,1";
    o.no_huge = true;
    o.in_memory = true;
    o.memory_mb = 512;
    o.log_level = "error";
    o.extra_args = {"--no-pci"};
    Status s = eal::Init(o);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  void TearDown() override { eal::Cleanup(); }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new EalWithWorker);

int Sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

uint64_t Drop(Switch& sw, const std::string& port, const std::string& reason) {
  PortInfo info;
  if (!sw.GetPort(port, &info).ok()) return ~0ull;
  for (const auto& d : info.counters.drops)
    if (d.name == reason) return d.value;
  return ~0ull;
}

class VxlanKernelPeer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (TAP devices, namespaces, kernel VXLAN)";
    Cleanup();
    SwitchOptions o;
    o.mbufs_per_socket = 4096;
    Status s;
    sw_ = Switch::Create(o, &s);
    ASSERT_TRUE(sw_) << s.message();
    ASSERT_TRUE(sw_->Start().ok());
    PortConfig up{"up0", "tap", {{"iface", "vsxu0"}}};
    ASSERT_TRUE((s = sw_->AddPort(up)).ok()) << s.message();
    PortConfig c0{"c0", "tap", {{"iface", "vsxc0"}}};
    c0.vni = 100;
    ASSERT_TRUE((s = sw_->AddPort(c0)).ok()) << s.message();
    PortConfig vx{"vx0", "vxlan", {{"uplink", "up0"}, {"local-ip", "192.168.77.1"}}};
    ASSERT_TRUE((s = sw_->AddPort(vx)).ok()) << s.message();
    ASSERT_TRUE((s = sw_->SetVni(100, {"192.168.77.2"})).ok()) << s.message();

    ASSERT_EQ(Sh("ip netns add vsxns"), 0);
    ASSERT_EQ(Sh("ip link set vsxc0 netns vsxns"), 0);
    ASSERT_EQ(Sh("ip netns exec vsxns ip addr add 10.100.0.1/24 dev vsxc0"), 0);
    ASSERT_EQ(Sh("ip netns exec vsxns ip link set vsxc0 up"), 0);
    ASSERT_EQ(Sh("ip netns exec vsxns ip link set lo up"), 0);
    ASSERT_EQ(Sh("ip addr add 192.168.77.2/24 dev vsxu0"), 0);
    ASSERT_EQ(Sh("ip link set vsxu0 up"), 0);
    ASSERT_EQ(Sh("ip link add vsxk0 type vxlan id 100 local 192.168.77.2 remote 192.168.77.1 dstport 4789 dev vsxu0"), 0);
    ASSERT_EQ(Sh("ip addr add 10.100.0.2/24 dev vsxk0"), 0);
    ASSERT_EQ(Sh("ip link set vsxk0 up"), 0);
  }
  void TearDown() override {
    if (sw_) sw_->Stop();
    sw_.reset();
    Cleanup();
  }
  static void Cleanup() {
    Sh("ip link del vsxk0");
    Sh("ip netns del vsxns");
  }
  std::unique_ptr<Switch> sw_;
};

TEST_F(VxlanKernelPeer, PingCrossesTheOverlayAndBothSidesLearn) {
  // The first pings may be spent on ARP in both the overlay and the underlay.
  EXPECT_EQ(Sh("ip netns exec vsxns ping -c 3 -W 2 10.100.0.2"), 0);
  EXPECT_EQ(Sh("ip netns exec vsxns ping -c 5 -i 0.2 -W 1 10.100.0.2"), 0);

  bool learned_remote = false, learned_local = false;
  for (const MacEntry& e : sw_->ListMacs()) {
    learned_remote |= e.port == "vx0" && e.vni == 100 && e.remote_ip == "192.168.77.2";
    learned_local |= e.port == "c0" && e.vni == 100;
  }
  EXPECT_TRUE(learned_remote);
  EXPECT_TRUE(learned_local);
  bool neighbour = false;
  for (const NeighborInfo& n : sw_->ListNeighbors()) neighbour |= n.ip == "192.168.77.2" && n.port == "up0";
  EXPECT_TRUE(neighbour);
  PortInfo vx;
  ASSERT_TRUE(sw_->GetPort("vx0", &vx).ok());
  EXPECT_GE(vx.counters.rx_packets, 5u);
  EXPECT_GE(vx.counters.tx_packets, 5u);
}

TEST_F(VxlanKernelPeer, UnknownVniIsACountedDrop) {
  ASSERT_EQ(Sh("ip link add vsxk1 type vxlan id 200 local 192.168.77.2 remote 192.168.77.1 dstport 4789 dev vsxu0"), 0);
  Sh("ip addr add 10.200.0.2/24 dev vsxk1");
  Sh("ip link set vsxk1 up");
  Sh("ping -c 3 -i 0.2 -W 1 10.200.0.9");  // broadcast ARP into VNI 200, which the switch lacks
  Sh("ip link del vsxk1");
  EXPECT_GE(Drop(*sw_, "up0", "vxlan_unknown_vni"), 1u);
  // VNI 100 still works.
  EXPECT_EQ(Sh("ip netns exec vsxns ping -c 3 -W 2 10.100.0.2"), 0);
}

TEST_F(VxlanKernelPeer, BadTunnelConfigIsRejected) {
  Status s = sw_->AddPort(PortConfig{"vx1", "vxlan", {{"uplink", "up0"}, {"local-ip", "192.168.77.9"}}});
  EXPECT_EQ(s.code(), Status::Code::kAlreadyExists) << s.message();
  s = sw_->AddPort(PortConfig{"vx2", "vxlan", {{"uplink", "nope"}, {"local-ip", "192.168.77.9"}}});
  EXPECT_EQ(s.code(), Status::Code::kNotFound) << s.message();
  EXPECT_FALSE(sw_->SetVni(0, {}).ok());
  EXPECT_FALSE(sw_->SetVni(5, {"300.1.1.1"}).ok());
  EXPECT_FALSE(sw_->DeletePort("up0").ok());  // still carries vx0
  EXPECT_FALSE(sw_->AddRoute("10.0.0.0", "1.1.1.1").ok());
  EXPECT_TRUE(sw_->AddRoute("10.9.0.0/16", "192.168.77.2").ok());
  ASSERT_EQ(sw_->ListRoutes().size(), 1u);
  EXPECT_EQ(sw_->ListRoutes()[0].prefix, "10.9.0.0/16");
  EXPECT_FALSE(sw_->AddStaticMac(0, "02:00:00:00:00:01", "vx0", 100, "").ok());
  EXPECT_TRUE(sw_->AddStaticMac(0, "02:00:00:00:00:01", "vx0", 100, "192.168.77.2").ok());
}

}  // namespace
}  // namespace vswitch
