#include "vsctl/output_format.h"

#include <gtest/gtest.h>

#include "vsctl/text_table.h"

namespace vswitch::controlplane {
namespace {

v1::ListPortsResponse TwoPorts() {
  v1::ListPortsResponse response;
  v1::PortStatus* a = response.add_ports();
  a->set_name("n1");
  a->mutable_config()->set_name("n1");
  a->mutable_config()->set_type("null");
  (*a->mutable_config()->mutable_options())["no-rx"] = "1";
  a->mutable_config()->set_admin_up(true);
  a->set_port_no(1);
  a->set_mac("02:00:00:00:00:01");
  a->set_link_up(true);
  a->set_link_speed_mbps(10000);
  a->mutable_counters()->set_rx_packets(12);
  a->mutable_counters()->set_rx_bytes(768);
  a->mutable_counters()->set_tx_packets(3);
  a->mutable_counters()->set_tx_bytes(192);
  auto* drop = a->mutable_counters()->add_drops();
  drop->set_name("tx_ring_full");
  drop->set_value(4);
  drop = a->mutable_counters()->add_drops();
  drop->set_name("admin_down");
  drop->set_value(1);
  v1::PortStatus* b = response.add_ports();
  b->set_name("ring-long-name");
  b->mutable_config()->set_name("ring-long-name");
  b->mutable_config()->set_type("ring");
  b->mutable_config()->set_admin_up(false);
  b->mutable_config()->set_mtu(9000);
  b->mutable_config()->set_rx_queues(2);
  b->set_port_no(2);
  return response;
}

TEST(TextTable, AlignsColumns) {
  TextTable table({{"A"}, {"NUM", TextTable::Align::kRight}, {"C"}});
  table.AddRow({"long-cell", "5", ""});
  table.AddRow({"x", "12345"});
  EXPECT_EQ(table.ToString(),
            "A            NUM  C\n"
            "long-cell      5\n"
            "x          12345\n");
}

TEST(OutputFormat, ShowHasOneRowPerPortWithCountersAndOptions) {
  v1::GetVersionResponse version;
  version.set_version("0.1.0 (DPDK 22.11.1)");
  version.set_workers(1);
  std::string out = FormatShow(version, TwoPorts());
  EXPECT_EQ(out,
            "vswitchd 0.1.0 (DPDK 22.11.1), 1 worker, 2 ports\n"
            "PORT            NO  TYPE  ADMIN  LINK    MAC                RX_PKTS  RX_BYTES  TX_PKTS  TX_BYTES  DROPS  OPTIONS\n"
            "n1               1  null  up     up 10G  02:00:00:00:00:01       12       768        3       192      5  no-rx=1\n"
            "ring-long-name   2  ring  down   down                             0         0        0         0      0  mtu=9000,rxq=2\n");
}

TEST(OutputFormat, ShowWithoutPorts) {
  v1::GetVersionResponse version;
  version.set_version("0.1.0");
  version.set_workers(2);
  EXPECT_EQ(FormatShow(version, v1::ListPortsResponse()), "vswitchd 0.1.0, 2 workers, 0 ports\n");
}

TEST(OutputFormat, PortStatsListsEveryDropReason) {
  std::string out = FormatPortStats(TwoPorts());
  EXPECT_NE(out.find("port n1 (port_no 1, null, link up 10G, admin up):\n"
                     "  rx packets=12 bytes=768\n"
                     "  tx packets=3 bytes=192\n"
                     "  drops total=5\n"
                     "    tx_ring_full=4\n"
                     "    admin_down=1\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("port ring-long-name (port_no 2, ring, link down, admin down):"), std::string::npos) << out;
}

TEST(OutputFormat, WorkerStatsShowsShareCyclesAndQueues) {
  v1::GetWorkerStatsResponse stats;
  v1::WorkerStats* w = stats.add_workers();
  w->set_worker_index(0);
  w->set_lcore(1);
  w->set_busy_cycles(250);
  w->set_idle_cycles(750);
  w->set_rx_packets(10);
  w->set_tx_packets(9);
  w->set_iterations(100);
  w->set_cycles_per_packet(25);
  w->add_rx_queues("n1:0");
  w->add_rx_queues("r1:0");
  stats.mutable_switch_stats()->set_mac_entries(3);
  EXPECT_EQ(FormatWorkerStats(stats),
            "worker 0 (lcore 1):\n"
            "  busy 25.0%  idle 75.0%  (busy 250 cycles, idle 750 cycles)\n"
            "  rx packets=10  tx packets=9  iterations=100\n"
            "  cycles/packet 25.0\n"
            "  rx queues: n1:0 r1:0\n"
            "mac table: entries=3 learned total=0 learning dropped=0\n");
}

TEST(OutputFormat, FdbLikeOvsAppctlFdbShow) {
  v1::ListMacsResponse macs;
  v1::MacEntry* learned = macs.add_entries();
  learned->set_port("n1");
  learned->set_vlan(0);
  learned->set_mac("02:00:00:00:00:01");
  learned->set_age_seconds(7);
  v1::MacEntry* fixed = macs.add_entries();
  fixed->set_port("vm10");
  fixed->set_vlan(100);
  fixed->set_mac("02:00:00:00:00:02");
  fixed->set_is_static(true);
  EXPECT_EQ(FormatFdb(macs),
            "port  VLAN  MAC                   Age\n"
            "  n1     0  02:00:00:00:00:01       7\n"
            "vm10   100  02:00:00:00:00:02  static\n");
}

TEST(OutputFormat, JsonUsesCamelCaseStringUint64AndKeepsZeros) {
  std::string json = ToJson(TwoPorts());
  EXPECT_NE(json.find("\"rxPackets\": \"12\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"dpdkPortId\": 0"), std::string::npos) << json;
  EXPECT_NE(json.find("\"name\": \"n1\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"portNo\": 1"), std::string::npos) << json;
}

TEST(OutputFormat, ListPortsOnePerLine) { EXPECT_EQ(FormatListPorts(TwoPorts()), "n1\nring-long-name\n"); }

}  // namespace
}  // namespace vswitch::controlplane
