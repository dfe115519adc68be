#include "convert/switch_convert.h"

#include <limits>
#include <string>

#include "common/mac_address.h"

namespace vswitch::controlplane {

v1::MacEntry MacEntryToProto(const MacEntry& entry) {
  v1::MacEntry out;
  out.set_vlan(entry.vlan);
  out.set_mac(entry.mac);
  out.set_port(entry.port);
  out.set_is_static(entry.is_static);
  out.set_age_seconds(entry.age_seconds);
  out.set_vni(entry.vni);
  out.set_remote_ip(entry.remote_ip);
  return out;
}

Status CheckMacEntryFields(uint32_t vlan, const std::string& mac) {
  if (vlan > 4095) return Status::InvalidArgument("vlan: " + std::to_string(vlan) + " is out of range 0..4095");
  if (!MacAddress::Parse(mac)) {
    return Status::InvalidArgument("mac: '" + mac + "' is not a MAC address (expected aa:bb:cc:dd:ee:ff)");
  }
  return Status::Ok();
}

v1::WorkerStats WorkerStatsToProto(const WorkerStats& stats) {
  v1::WorkerStats out;
  out.set_worker_index(stats.worker_index);
  out.set_lcore(stats.lcore);
  out.set_busy_cycles(stats.busy_cycles);
  out.set_idle_cycles(stats.idle_cycles);
  out.set_rx_packets(stats.rx_packets);
  out.set_tx_packets(stats.tx_packets);
  out.set_iterations(stats.iterations);
  out.set_cycles_per_packet(stats.cycles_per_packet);
  for (const std::string& queue : stats.rx_queues) out.add_rx_queues(queue);
  return out;
}

v1::SwitchStats SwitchStatsToProto(const SwitchStats& stats) {
  v1::SwitchStats out;
  out.set_tsc_hz(stats.tsc_hz);
  out.set_mac_entries(stats.mac_entries);
  out.set_mac_learned_total(stats.mac_learned_total);
  out.set_mac_learn_dropped(stats.mac_learn_dropped);
  return out;
}

SwitchOptions SwitchOptionsFromSettings(const v1::SwitchSettings& settings, SwitchOptions defaults) {
  SwitchOptions options = defaults;
  if (settings.mac_aging_seconds() != 0) options.mac_aging_seconds = settings.mac_aging_seconds();
  if (settings.mac_table_size() != 0) options.mac_table_size = settings.mac_table_size();
  if (settings.mbufs() != 0) options.mbufs_per_socket = settings.mbufs();
  if (settings.rx_descriptors() != 0) options.rx_descriptors = static_cast<uint16_t>(settings.rx_descriptors());
  if (settings.tx_descriptors() != 0) options.tx_descriptors = static_cast<uint16_t>(settings.tx_descriptors());
  return options;
}

}  // namespace vswitch::controlplane
