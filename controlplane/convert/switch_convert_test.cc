#include "convert/switch_convert.h"

#include <gtest/gtest.h>

namespace vswitch::controlplane {
namespace {

TEST(SwitchConvert, MacEntryFieldsAreChecked) {
  EXPECT_TRUE(CheckMacEntryFields(0, "02:00:00:00:00:01").ok());
  EXPECT_TRUE(CheckMacEntryFields(4095, "02-00-00-00-00-01").ok());
  EXPECT_EQ(CheckMacEntryFields(4096, "02:00:00:00:00:01").message(), "vlan: 4096 is out of range 0..4095");
  Status bad_mac = CheckMacEntryFields(1, "02:00:00:00:00");
  EXPECT_EQ(bad_mac.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(bad_mac.message(), "mac: '02:00:00:00:00' is not a MAC address (expected aa:bb:cc:dd:ee:ff)");
}

TEST(SwitchConvert, MacEntryToProto) {
  MacEntry entry{.vlan = 10, .mac = "02:00:00:00:00:01", .port = "vm1", .is_static = true, .age_seconds = 0};
  v1::MacEntry out = MacEntryToProto(entry);
  EXPECT_EQ(out.vlan(), 10u);
  EXPECT_EQ(out.mac(), "02:00:00:00:00:01");
  EXPECT_EQ(out.port(), "vm1");
  EXPECT_TRUE(out.is_static());
}

TEST(SwitchConvert, WorkerStatsToProto) {
  WorkerStats stats;
  stats.worker_index = 1;
  stats.lcore = 2;
  stats.busy_cycles = 300;
  stats.idle_cycles = 700;
  stats.rx_packets = 3;
  stats.tx_packets = 4;
  stats.iterations = 5;
  stats.cycles_per_packet = 100;
  stats.rx_queues = {"vm1:0", "vm2:0"};
  v1::WorkerStats out = WorkerStatsToProto(stats);
  EXPECT_EQ(out.worker_index(), 1u);
  EXPECT_EQ(out.lcore(), 2u);
  EXPECT_EQ(out.busy_cycles(), 300u);
  EXPECT_EQ(out.idle_cycles(), 700u);
  EXPECT_EQ(out.rx_packets(), 3u);
  EXPECT_EQ(out.tx_packets(), 4u);
  EXPECT_EQ(out.iterations(), 5u);
  EXPECT_DOUBLE_EQ(out.cycles_per_packet(), 100);
  ASSERT_EQ(out.rx_queues_size(), 2);
  EXPECT_EQ(out.rx_queues(1), "vm2:0");
}

TEST(SwitchConvert, ZeroSettingsKeepDefaults) {
  SwitchOptions defaults;
  SwitchOptions options = SwitchOptionsFromSettings(v1::SwitchSettings());
  EXPECT_EQ(options.mbufs_per_socket, defaults.mbufs_per_socket);
  EXPECT_EQ(options.mac_aging_seconds, defaults.mac_aging_seconds);
  EXPECT_EQ(options.mac_table_size, defaults.mac_table_size);
  EXPECT_EQ(options.rx_descriptors, defaults.rx_descriptors);
  EXPECT_EQ(options.tx_descriptors, defaults.tx_descriptors);
}

TEST(SwitchConvert, NonZeroSettingsOverride) {
  v1::SwitchSettings settings;
  settings.set_mac_aging_seconds(30);
  settings.set_mac_table_size(1024);
  settings.set_mbufs(8192);
  settings.set_rx_descriptors(512);
  settings.set_tx_descriptors(2048);
  SwitchOptions options = SwitchOptionsFromSettings(settings);
  EXPECT_EQ(options.mac_aging_seconds, 30u);
  EXPECT_EQ(options.mac_table_size, 1024u);
  EXPECT_EQ(options.mbufs_per_socket, 8192u);
  EXPECT_EQ(options.rx_descriptors, 512);
  EXPECT_EQ(options.tx_descriptors, 2048);
}

}  // namespace
}  // namespace vswitch::controlplane
