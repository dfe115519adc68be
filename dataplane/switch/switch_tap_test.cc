// Switch tests over real ports: TAP devices whose kernel side the test reads and writes
// through AF_PACKET sockets. These exercise the whole library (EAL, ports, workers, RCU
// publication, learning, flooding, counters) without the daemon. They need root (TAP
// devices); without it they are skipped, never passed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "eal/eal.h"
#include "switch/switch.h"

namespace vswitch {
namespace {

constexpr uint16_t kTestEtherType = 0x88b5;  // IEEE "local experimental": the kernel ignores it

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

// The kernel side of a TAP port: a raw socket bound to the interface.
class KernelEnd {
 public:
  explicit KernelEnd(const std::string& ifname) : ifname_(ifname) {
    std::string up = "ip link set " + ifname + " up";
    EXPECT_EQ(std::system(up.c_str()), 0);
    // No IPv6 autoconfiguration chatter on the test interfaces.
    std::string sysctl = "sysctl -qw net.ipv6.conf." + ifname + ".disable_ipv6=1";
    (void)std::system(sysctl.c_str());
    fd_ = socket(AF_PACKET, SOCK_RAW, htons(kTestEtherType));
    EXPECT_GE(fd_, 0);
    sockaddr_ll addr = {};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(kTestEtherType);
    addr.sll_ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
    EXPECT_GT(addr.sll_ifindex, 0) << ifname;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  }
  ~KernelEnd() {
    if (fd_ >= 0) close(fd_);
  }
  void Send(const uint8_t* dst, const uint8_t* src, uint8_t tag) {
    uint8_t frame[60] = {};
    std::memcpy(frame, dst, 6);
    std::memcpy(frame + 6, src, 6);
    frame[12] = kTestEtherType >> 8;
    frame[13] = kTestEtherType & 0xff;
    frame[14] = tag;
    ASSERT_EQ(send(fd_, frame, sizeof(frame), 0), static_cast<ssize_t>(sizeof(frame)));
  }
  // Collects the tags of test frames received within `ms`.
  std::vector<uint8_t> Receive(int ms) {
    std::vector<uint8_t> tags;
    for (const auto& f : ReceiveFrames(ms)) tags.push_back(f[14]);
    return tags;
  }
  // The whole test frames received within `ms`.
  std::vector<std::vector<uint8_t>> ReceiveFrames(int ms) {
    std::vector<std::vector<uint8_t>> frames;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p = {fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      uint8_t buf[2048];
      sockaddr_ll from = {};
      socklen_t len = sizeof(from);
      ssize_t n = recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &len);
      // Only frames the switch delivered to this interface, not our own transmissions.
      if (n >= 15 && from.sll_pkttype != PACKET_OUTGOING) frames.emplace_back(buf, buf + n);
    }
    return frames;
  }

 private:
  std::string ifname_;
  int fd_ = -1;
};

const uint8_t kMacA[6] = {0x02, 0, 0, 0, 0, 0x0a};
const uint8_t kMacB[6] = {0x02, 0, 0, 0, 0, 0x0b};
const uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

class SwitchTapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root for TAP devices";
    SwitchOptions o;
    o.mbufs_per_socket = 4096;
    o.mac_aging_seconds = 300;
    Status s;
    sw_ = Switch::Create(o, &s);
    ASSERT_TRUE(sw_) << s.message();
    ASSERT_TRUE(sw_->Start().ok());
    for (const char* name : {"vst0", "vst1", "vst2"}) {
      PortConfig c;
      c.name = name;
      c.type = "tap";
      Status st = sw_->AddPort(c);
      ASSERT_TRUE(st.ok()) << st.message();
      ends_.push_back(std::make_unique<KernelEnd>(name));
    }
  }
  void TearDown() override {
    ends_.clear();
    if (sw_) sw_->Stop();
  }
  PortCounters Counters(const std::string& name) {
    PortInfo info;
    EXPECT_TRUE(sw_->GetPort(name, &info).ok());
    return info.counters;
  }
  static uint64_t Drop(const PortCounters& c, const std::string& reason) {
    for (const auto& d : c.drops)
      if (d.name == reason) return d.value;
    ADD_FAILURE() << "no drop counter " << reason;
    return 0;
  }
  std::unique_ptr<Switch> sw_;
  std::vector<std::unique_ptr<KernelEnd>> ends_;
};

TEST_F(SwitchTapTest, FloodsUnknownThenForwardsLearnedUnicast) {
  // A's broadcast reaches B and C, never back to A.
  ends_[0]->Send(kBroadcast, kMacA, 1);
  auto at_b = ends_[1]->Receive(300);
  auto at_c = ends_[2]->Receive(50);
  auto at_a = ends_[0]->Receive(50);
  EXPECT_EQ(at_b, std::vector<uint8_t>{1});
  EXPECT_EQ(at_c, std::vector<uint8_t>{1});
  EXPECT_TRUE(at_a.empty());

  // The switch learned A on vst0: B's reply to A goes only to vst0 (after B is unknown: flood
  // is not needed for it). Give the housekeeping thread a moment to apply the learn event.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ends_[1]->Send(kMacA, kMacB, 2);
  EXPECT_EQ(ends_[0]->Receive(300), std::vector<uint8_t>{2});
  EXPECT_TRUE(ends_[2]->Receive(100).empty());

  auto macs = sw_->ListMacs();
  bool a_on_vst0 = false, b_on_vst1 = false;
  for (const auto& m : macs) {
    a_on_vst0 |= m.mac == "02:00:00:00:00:0a" && m.port == "vst0" && !m.is_static;
    b_on_vst1 |= m.mac == "02:00:00:00:00:0b" && m.port == "vst1";
  }
  EXPECT_TRUE(a_on_vst0);
  EXPECT_TRUE(b_on_vst1);

  PortCounters c0 = Counters("vst0");
  EXPECT_GE(c0.rx_packets, 1u);
  EXPECT_GE(c0.tx_packets, 1u);
}

TEST_F(SwitchTapTest, StaticEntryWinsAndFlushKeepsIt) {
  ASSERT_TRUE(sw_->AddStaticMac(0, "02:00:00:00:00:0b", "vst2").ok());
  ends_[0]->Send(kMacB, kMacA, 7);
  EXPECT_EQ(ends_[2]->Receive(300), std::vector<uint8_t>{7});
  EXPECT_TRUE(ends_[1]->Receive(50).empty());
  // B talking from vst1 does not move a static entry.
  ends_[1]->Send(kMacA, kMacB, 8);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(sw_->FlushMacs("").ok());
  bool kept = false;
  for (const auto& m : sw_->ListMacs()) kept |= m.mac == "02:00:00:00:00:0b" && m.port == "vst2" && m.is_static;
  EXPECT_TRUE(kept);
  EXPECT_FALSE(sw_->AddStaticMac(0, "ff:ff:ff:ff:ff:ff", "vst2").ok());
  EXPECT_EQ(sw_->AddStaticMac(0, "02:00:00:00:00:0c", "nope").code(), Status::Code::kNotFound);
}

TEST_F(SwitchTapTest, AdminDownDropsAndCounts) {
  ASSERT_TRUE(sw_->SetPortAdmin("vst1", false).ok());
  ends_[0]->Send(kBroadcast, kMacA, 3);
  EXPECT_EQ(ends_[2]->Receive(300), std::vector<uint8_t>{3});
  EXPECT_TRUE(ends_[1]->Receive(50).empty());
  ends_[1]->Send(kBroadcast, kMacB, 4);
  EXPECT_TRUE(ends_[2]->Receive(200).empty());
  EXPECT_GE(Drop(Counters("vst1"), "admin_down"), 1u);
  ASSERT_TRUE(sw_->SetPortAdmin("vst1", true).ok());
  ends_[1]->Send(kBroadcast, kMacB, 5);
  EXPECT_EQ(ends_[2]->Receive(300), std::vector<uint8_t>{5});
}

TEST_F(SwitchTapTest, BadRequestsAreRejectedAndForwardingContinues) {
  PortConfig dup;
  dup.name = "vst0";
  dup.type = "tap";
  EXPECT_EQ(sw_->AddPort(dup).code(), Status::Code::kAlreadyExists);
  PortConfig bad;
  bad.name = "x1";
  bad.type = "af-packet";
  bad.options = {{"iface", "does-not-exist0"}};
  Status s = sw_->AddPort(bad);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("port 'x1'"), std::string::npos) << s.message();
  EXPECT_EQ(sw_->DeletePort("nope").code(), Status::Code::kNotFound);
  EXPECT_EQ(sw_->ListPorts().size(), 3u);
  ends_[0]->Send(kBroadcast, kMacA, 9);
  EXPECT_EQ(ends_[1]->Receive(300), std::vector<uint8_t>{9});
}

TEST_F(SwitchTapTest, DeletingAPortUnderTrafficKeepsTheOthersForwarding) {
  std::atomic<bool> stop{false};
  std::thread sender([&] {
    KernelEnd a("vst0");
    uint8_t tag = 0;
    while (!stop) {
      a.Send(kBroadcast, kMacA, tag++);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ends_[2].reset();
  ASSERT_TRUE(sw_->DeletePort("vst2").ok());
  PortConfig again;
  again.name = "vst2";
  again.type = "tap";
  ASSERT_TRUE(sw_->AddPort(again).ok());
  EXPECT_FALSE(ends_[1]->Receive(200).empty());
  stop = true;
  sender.join();
  EXPECT_EQ(sw_->ListPorts().size(), 3u);
  // A re-added port starts from zero.
  EXPECT_LT(Counters("vst2").tx_packets, 1000u);
}

// ---- flow tables over real ports ----

FlowModRequest Add(const std::string& text) { return {FlowModRequest::Command::kAdd, text}; }

TEST_F(SwitchTapTest, RulesSteerAndTheNextPacketSeesAChangedRule) {
  ASSERT_TRUE(sw_->ModifyFlows({Add("priority=10,in_port=vst0,actions=output:vst2")}).ok());
  ends_[0]->Send(kMacB, kMacA, 1);
  EXPECT_EQ(ends_[2]->Receive(300), std::vector<uint8_t>{1});
  EXPECT_TRUE(ends_[1]->Receive(50).empty());
  // Same flow (same key, so it sits in the exact-match cache); the changed rule applies at once.
  ASSERT_TRUE(sw_->ModifyFlows({{FlowModRequest::Command::kModifyStrict, "priority=10,in_port=vst0,actions=output:vst1"}}).ok());
  ends_[0]->Send(kMacB, kMacA, 2);
  EXPECT_EQ(ends_[1]->Receive(300), std::vector<uint8_t>{2});
  EXPECT_TRUE(ends_[2]->Receive(50).empty());

  std::vector<FlowEntry> flows;
  ASSERT_TRUE(sw_->DumpFlows("", &flows).ok());
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].packets, 2u);  // modify keeps counters
  EXPECT_NE(flows[0].text.find("in_port=vst0"), std::string::npos) << flows[0].text;
  EXPECT_NE(flows[0].text.find("output:vst1"), std::string::npos) << flows[0].text;
}

// A rule on the input port alone with only outputs is applied to the whole burst at once
// (no header is parsed): every copy and every counter must still be exact.
TEST_F(SwitchTapTest, PortOnlyRuleToTwoPortsCountsEveryCopy) {
  ASSERT_TRUE(sw_->ModifyFlows({Add("priority=10,in_port=vst0,actions=output:vst1,output:vst2")}).ok());
  PortCounters in0 = Counters("vst0"), out1 = Counters("vst1"), out2 = Counters("vst2");
  for (uint8_t i = 1; i <= 3; ++i) ends_[0]->Send(kMacB, kMacA, i);
  for (KernelEnd* end : {ends_[1].get(), ends_[2].get()}) EXPECT_EQ(end->Receive(300), (std::vector<uint8_t>{1, 2, 3}));
  PortCounters in1 = Counters("vst0");
  const uint64_t rx_bytes = in1.rx_bytes - in0.rx_bytes;
  EXPECT_EQ(in1.rx_packets - in0.rx_packets, 3u);
  EXPECT_EQ(Counters("vst1").tx_packets - out1.tx_packets, 3u);
  EXPECT_EQ(Counters("vst2").tx_packets - out2.tx_packets, 3u);
  EXPECT_EQ(Counters("vst2").tx_bytes - out2.tx_bytes, rx_bytes);
  std::vector<FlowEntry> flows;
  ASSERT_TRUE(sw_->DumpFlows("", &flows).ok());
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].packets, 3u);
  EXPECT_EQ(flows[0].bytes, rx_bytes);
}

// Many frames at once: bursts fill the output buffers part-way and past a flush, and every
// copy still leaves in order on both outputs.
TEST_F(SwitchTapTest, PortOnlyRuleKeepsOrderAcrossFullOutputBuffers) {
  ASSERT_TRUE(sw_->ModifyFlows({Add("priority=10,in_port=vst0,actions=output:vst1,output:vst2")}).ok());
  std::vector<uint8_t> sent;
  for (int i = 1; i <= 200; ++i) {
    ends_[0]->Send(kMacB, kMacA, static_cast<uint8_t>(i));
    sent.push_back(static_cast<uint8_t>(i));
  }
  for (KernelEnd* end : {ends_[1].get(), ends_[2].get()}) EXPECT_EQ(end->Receive(1000), sent);
}

TEST_F(SwitchTapTest, DropRuleAndTableMissAreCounted) {
  ASSERT_TRUE(sw_->ModifyFlows({Add("priority=20,in_port=vst1,actions=drop"), Add("priority=10,in_port=vst0,actions=normal")}).ok());
  ends_[1]->Send(kBroadcast, kMacB, 1);
  ends_[2]->Send(kBroadcast, kMacB, 2);  // no rule for vst2: table miss
  EXPECT_TRUE(ends_[0]->Receive(300).empty());
  EXPECT_EQ(Drop(Counters("vst1"), "policy"), 1u);
  EXPECT_EQ(Drop(Counters("vst2"), "table_miss"), 1u);
  ends_[0]->Send(kBroadcast, kMacA, 3);  // normal floods
  EXPECT_EQ(ends_[1]->Receive(300), std::vector<uint8_t>{3});
  EXPECT_EQ(ends_[2]->Receive(50), std::vector<uint8_t>{3});
}

TEST_F(SwitchTapTest, RewriteThenOutputAndOutputBeforeRewriteGetsTheOriginal) {
  Status st = sw_->ModifyFlows({Add("in_port=vst0,actions=output:vst1,mod_dl_dst:02:00:00:00:00:0c,output:vst2")});
  ASSERT_TRUE(st.ok()) << st.message();
  ends_[0]->Send(kMacB, kMacA, 5);
  auto at_b = ends_[1]->ReceiveFrames(300);
  auto at_c = ends_[2]->ReceiveFrames(100);
  ASSERT_EQ(at_b.size(), 1u);
  ASSERT_EQ(at_c.size(), 1u);
  EXPECT_EQ(at_b[0][5], 0x0b);  // output before the rewrite: the original destination
  EXPECT_EQ(at_c[0][5], 0x0c);  // after mod_dl_dst
  EXPECT_EQ(at_c[0][14], 5);
}

TEST_F(SwitchTapTest, BadBatchChangesNothing) {
  ASSERT_TRUE(sw_->ModifyFlows({Add("priority=5,in_port=vst0,actions=output:vst1")}).ok());
  FlowModResult r;
  // Texts are parsed as they are applied: the replace and the two adds are in the table when
  // the fourth text fails to parse, and must all be taken back.
  Status s = sw_->ModifyFlows({Add("priority=5,in_port=vst0,actions=output:vst2"), Add("priority=6,in_port=vst1,actions=output:vst0"),
                               Add("priority=7,in_port=vst2,actions=output:vst0"), Add("priority=8,in_port=nosuchport,actions=drop")},
                              &r);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(r.error_index, 3u);
  EXPECT_NE(s.message().find("flow-mod 3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("nosuchport"), std::string::npos) << s.message();
  std::vector<FlowEntry> flows;
  ASSERT_TRUE(sw_->DumpFlows("", &flows).ok());
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_NE(flows[0].text.find("actions=output:vst1"), std::string::npos) << flows[0].text;
  EXPECT_FALSE(sw_->ModifyFlows({Add("in_port=vst0,actions=meter:1")}).ok());
  EXPECT_FALSE(sw_->ModifyFlows({Add("in_port=vst0,actions=output:999")}).ok());
  // Still forwarding with the one good rule.
  ends_[0]->Send(kMacB, kMacA, 4);
  EXPECT_EQ(ends_[1]->Receive(300), std::vector<uint8_t>{4});
}

TEST_F(SwitchTapTest, TraceShowsTablesAndTheNormalDecision) {
  ASSERT_TRUE(sw_->ModifyFlows({Add("table=0,priority=100,in_port=vst0,actions=goto_table:1"),
                                Add("table=1,priority=10,dl_dst=02:00:00:00:00:0b,actions=normal")}).ok());
  ASSERT_TRUE(sw_->AddStaticMac(0, "02:00:00:00:00:0b", "vst1").ok());
  std::string report;
  ASSERT_TRUE(sw_->Trace("in_port=vst0,dl_dst=02:00:00:00:00:0b", &report).ok());
  EXPECT_NE(report.find("table 1"), std::string::npos) << report;
  EXPECT_NE(report.find("learned on vst1"), std::string::npos) << report;
  EXPECT_FALSE(sw_->Trace("in_port=nope", &report).ok());
  auto tables = sw_->GetTableStats();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[1].table, 1);
  EXPECT_EQ(tables[1].rules, 1u);
}

// Replaces 100k rules at a time while traffic runs. Each generation tags packets in table 0
// (reg0 = generation) and forwards them in table 1 only if the tag matches its own
// generation, so a packet classified with table 0 of one generation and table 1 of another
// would be a table miss. The test asserts no table miss, no loss, and every packet delivered.
TEST_F(SwitchTapTest, HundredThousandRulesReplacedUnderTrafficWithoutMixingOrLoss) {
  auto generation = [](int g) {
    std::vector<FlowModRequest> mods;
    mods.push_back({FlowModRequest::Command::kDelete, ""});  // everything, in the same batch
    for (int i = 0; i < 100000; ++i) {
      // Filler rules that never match the test traffic (UDP to 10.x.y.z).
      mods.push_back(Add("table=0,priority=50,udp,nw_dst=10." + std::to_string(i >> 16) + "." + std::to_string((i >> 8) & 255) +
                         "." + std::to_string(i & 255) + ",tp_dst=" + std::to_string(1000 + g) + ",actions=drop"));
    }
    mods.push_back(Add("table=0,priority=10,in_port=vst0,actions=load:" + std::to_string(g) + "->NXM_NX_REG0[],goto_table:1"));
    mods.push_back(Add("table=1,priority=10,reg0=" + std::to_string(g) + ",actions=output:" + (g % 2 ? "vst1" : "vst2")));
    return mods;
  };
  FlowModResult r;
  Status st = sw_->ModifyFlows(generation(1), &r);
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(r.rules_after, 100002u);

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> sent{0};
  std::thread sender([&] {
    KernelEnd a("vst0");
    while (!stop) {
      a.Send(kMacB, kMacA, 1);
      ++sent;
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  });
  std::atomic<uint64_t> got1{0}, got2{0};
  std::thread rx1([&] { while (!stop) got1 += ends_[1]->Receive(50).size(); });
  std::thread rx2([&] { while (!stop) got2 += ends_[2]->Receive(50).size(); });
  double worst_commit = 0;
  for (int g = 2; g <= 4; ++g) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    st = sw_->ModifyFlows(generation(g), &r);
    ASSERT_TRUE(st.ok()) << st.message();
    worst_commit = std::max(worst_commit, r.commit_seconds);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  sender.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  rx1.join();
  rx2.join();
  got1 += ends_[1]->Receive(100).size();
  got2 += ends_[2]->Receive(100).size();
  RecordProperty("worst_commit_seconds", std::to_string(worst_commit));
  EXPECT_GT(got1.load(), 0u);
  EXPECT_GT(got2.load(), 0u);
  EXPECT_EQ(Drop(Counters("vst0"), "table_miss"), 0u);
  EXPECT_EQ(Drop(Counters("vst0"), "policy"), 0u);
  // The kernel may add a frame of its own on vst0; every test frame must have arrived.
  EXPECT_GE(Counters("vst0").rx_packets, sent.load());
  EXPECT_EQ(got1 + got2, sent.load());
  std::printf("100k-rule replacement: worst commit %.3f s, %llu packets, none lost\n", worst_commit,
              static_cast<unsigned long long>(sent.load()));
}

TEST_F(SwitchTapTest, MeterLimitsTheRateAndCountsDrops) {
  EXPECT_FALSE(sw_->ModifyFlows({Add("in_port=vst0,actions=meter:1,output:vst1")}).ok());  // no such meter yet
  ASSERT_TRUE(sw_->AddMeter("meter=1,pktps,burst,bands=type=drop,rate=100,burst_size=10").ok());
  Status st = sw_->ModifyFlows({Add("in_port=vst0,actions=meter:1,output:vst1")});
  ASSERT_TRUE(st.ok()) << st.message();
  for (int i = 0; i < 300; ++i) ends_[0]->Send(kMacB, kMacA, static_cast<uint8_t>(i));  // as fast as the kernel goes
  size_t passed = ends_[1]->Receive(500).size();
  EXPECT_GE(passed, 10u);   // the burst
  EXPECT_LE(passed, 80u);   // burst + 100/s for the few tens of ms the send took
  EXPECT_GE(Drop(Counters("vst0"), "meter"), 220u);
  std::vector<MeterInfo> meters;
  ASSERT_TRUE(sw_->ListMeters("", &meters).ok());
  ASSERT_EQ(meters.size(), 1u);
  EXPECT_EQ(meters[0].flow_count, 1u);
  EXPECT_EQ(meters[0].packets_in, 300u);
  EXPECT_EQ(meters[0].packets_dropped, 300u - passed);
  EXPECT_FALSE(sw_->DeleteMeter("meter=1").ok());  // in use
  ASSERT_TRUE(sw_->ModifyFlows({{FlowModRequest::Command::kDelete, ""}}).ok());
  EXPECT_TRUE(sw_->DeleteMeter("meter=1").ok());
  EXPECT_FALSE(sw_->AddMeter("meter=2,kbps,pktps,bands=type=drop,rate=1").ok());
}

TEST(SwitchStandalone, WorkerStatsAndVersion) {
  SwitchOptions o;
  o.mbufs_per_socket = 2048;
  Status s;
  auto sw = Switch::Create(o, &s);
  ASSERT_TRUE(sw) << s.message();
  EXPECT_EQ(sw->worker_count(), 1u);
  auto ws = sw->GetWorkerStats();
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].lcore, 1u);
  EXPECT_NE(VersionString().find("DPDK"), std::string::npos);
  SwitchOptions tiny;
  tiny.mbufs_per_socket = 10;
  EXPECT_FALSE(Switch::Create(tiny, &s));
  EXPECT_NE(s.message().find("mbufs"), std::string::npos);
}

}  // namespace
}  // namespace vswitch
