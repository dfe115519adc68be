#include "vsctl/output_format.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <map>

#include "vsctl/text_table.h"

namespace vswitch::controlplane {

namespace {

using Align = TextTable::Align;

std::string Number(uint64_t value) { return std::to_string(value); }

std::string Percent(uint64_t part, uint64_t total) {
  if (total == 0) return "0.0%";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(total));
  return buf;
}

uint64_t TotalDrops(const v1::PortCounters& counters) {
  uint64_t total = 0;
  for (const v1::NamedCounter& drop : counters.drops()) total += drop.value();
  return total;
}

std::string Link(const v1::PortStatus& port) {
  if (!port.link_up()) return "down";
  if (port.link_speed_mbps() == 0) return "up";
  if (port.link_speed_mbps() % 1000 == 0) return "up " + std::to_string(port.link_speed_mbps() / 1000) + "G";
  return "up " + std::to_string(port.link_speed_mbps()) + "M";
}

std::string Admin(const v1::Port& config) { return !config.has_admin_up() || config.admin_up() ? "up" : "down"; }

}  // namespace

std::string FormatPortOptions(const v1::Port& port) {
  std::map<std::string, std::string> all(port.options().begin(), port.options().end());
  if (port.mtu() != 0) all["mtu"] = std::to_string(port.mtu());
  if (port.rx_queues() > 1) all["rxq"] = std::to_string(port.rx_queues());
  if (port.mac_learning_limit() != 0) all["learn-limit"] = std::to_string(port.mac_learning_limit());
  if (port.vni() != 0) all["vni"] = std::to_string(port.vni());
  std::string out;
  for (const auto& [key, value] : all) out += (out.empty() ? "" : ",") + key + "=" + value;
  return out;
}

std::string FormatShow(const v1::GetVersionResponse& version, const v1::ListPortsResponse& ports) {
  std::string out = "vswitchd " + version.version() + ", " + std::to_string(version.workers()) +
                    (version.workers() == 1 ? " worker" : " workers") + ", " + std::to_string(ports.ports_size()) +
                    (ports.ports_size() == 1 ? " port\n" : " ports\n");
  if (ports.ports_size() == 0) return out;
  TextTable table({{"PORT"}, {"NO", Align::kRight}, {"TYPE"}, {"ADMIN"}, {"LINK"}, {"MAC"},
                   {"RX_PKTS", Align::kRight}, {"RX_BYTES", Align::kRight}, {"TX_PKTS", Align::kRight},
                   {"TX_BYTES", Align::kRight}, {"DROPS", Align::kRight}, {"OPTIONS"}});
  for (const v1::PortStatus& port : ports.ports()) {
    const v1::PortCounters& c = port.counters();
    table.AddRow({port.name(), Number(port.port_no()), port.config().type(), Admin(port.config()), Link(port),
                  port.mac(), Number(c.rx_packets()), Number(c.rx_bytes()), Number(c.tx_packets()),
                  Number(c.tx_bytes()), Number(TotalDrops(c)), FormatPortOptions(port.config())});
  }
  return out + table.ToString();
}

std::string FormatPortStats(const v1::ListPortsResponse& ports) {
  std::string out;
  for (const v1::PortStatus& port : ports.ports()) {
    const v1::PortCounters& c = port.counters();
    out += "port " + port.name() + " (port_no " + Number(port.port_no()) + ", " + port.config().type() + ", link " +
           Link(port) + ", admin " + Admin(port.config()) + "):\n";
    out += "  rx packets=" + Number(c.rx_packets()) + " bytes=" + Number(c.rx_bytes()) + "\n";
    out += "  tx packets=" + Number(c.tx_packets()) + " bytes=" + Number(c.tx_bytes()) + "\n";
    out += "  drops total=" + Number(TotalDrops(c)) + "\n";
    for (const v1::NamedCounter& drop : c.drops()) out += "    " + drop.name() + "=" + Number(drop.value()) + "\n";
  }
  return out;
}

std::string FormatWorkerStats(const v1::GetWorkerStatsResponse& stats) {
  std::string out;
  for (const v1::WorkerStats& worker : stats.workers()) {
    uint64_t total = worker.busy_cycles() + worker.idle_cycles();
    char cycles_per_packet[32];
    std::snprintf(cycles_per_packet, sizeof(cycles_per_packet), "%.1f", worker.cycles_per_packet());
    std::string queues;
    for (const std::string& queue : worker.rx_queues()) queues += (queues.empty() ? "" : " ") + queue;
    out += "worker " + Number(worker.worker_index()) + " (lcore " + Number(worker.lcore()) + "):\n";
    out += "  busy " + Percent(worker.busy_cycles(), total) + "  idle " + Percent(worker.idle_cycles(), total) +
           "  (busy " + Number(worker.busy_cycles()) + " cycles, idle " + Number(worker.idle_cycles()) + " cycles)\n";
    out += "  rx packets=" + Number(worker.rx_packets()) + "  tx packets=" + Number(worker.tx_packets()) +
           "  iterations=" + Number(worker.iterations()) + "\n";
    out += "  cycles/packet " + std::string(cycles_per_packet) + "\n";
    out += "  rx queues: " + (queues.empty() ? std::string("(none)") : queues) + "\n";
  }
  const v1::SwitchStats& s = stats.switch_stats();
  out += "mac table: entries=" + Number(s.mac_entries()) + " learned total=" + Number(s.mac_learned_total()) +
         " learning dropped=" + Number(s.mac_learn_dropped()) + "\n";
  return out;
}

std::string FormatFdb(const v1::ListMacsResponse& macs) {
  // VXLAN columns only when some entry is in a VNI, so a plain L2 switch reads like ovs-appctl fdb/show.
  bool tunnels = false;
  for (const v1::MacEntry& entry : macs.entries()) tunnels |= entry.vni() != 0 || !entry.remote_ip().empty();
  std::vector<TextTable::Column> columns = {
      {"port", Align::kRight}, {"VLAN", Align::kRight}, {"MAC"}, {"Age", Align::kRight}};
  if (tunnels) columns.insert(columns.end(), {{"VNI", Align::kRight}, {"Remote"}});
  TextTable table(columns);
  for (const v1::MacEntry& entry : macs.entries()) {
    std::vector<std::string> row = {entry.port(), Number(entry.vlan()), entry.mac(),
                                    entry.is_static() ? "static" : Number(entry.age_seconds())};
    if (tunnels) row.insert(row.end(), {Number(entry.vni()), entry.remote_ip().empty() ? "-" : entry.remote_ip()});
    table.AddRow(row);
  }
  return table.ToString();
}

std::string FormatListPorts(const v1::ListPortsResponse& ports) {
  std::string out;
  for (const v1::PortStatus& port : ports.ports()) out += port.name() + "\n";
  return out;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return "{\"error\": \"cannot print JSON\"}\n";
  if (json.empty() || json.back() != '\n') json += "\n";
  return json;
}

}  // namespace vswitch::controlplane
