#include "convert/port_convert.h"

#include <limits>
#include <string>

#include "vxlan/vxlan_wire.h"

namespace vswitch::controlplane {

Status PortFromProto(const v1::Port& port, PortConfig* out) {
  PortConfig config;
  config.name = port.name();
  config.type = port.type();
  config.options.insert(port.options().begin(), port.options().end());
  config.mac = port.mac();
  config.mtu = port.mtu();
  config.admin_up = port.has_admin_up() ? port.admin_up() : true;
  uint32_t rx_queues = port.rx_queues() == 0 ? 1 : port.rx_queues();
  if (rx_queues > std::numeric_limits<uint16_t>::max()) {
    return Status::InvalidArgument("rx_queues: " + std::to_string(rx_queues) + " is out of range 1..65535");
  }
  config.rx_queues = static_cast<uint16_t>(rx_queues);
  config.mac_learning_limit = port.mac_learning_limit();
  if (port.vni() > tunnels::kMaxVni) {
    return Status::InvalidArgument("vni: " + std::to_string(port.vni()) + " is out of range 0..16777215");
  }
  config.vni = port.vni();
  *out = std::move(config);
  return Status::Ok();
}

v1::Port PortToProto(const PortConfig& config) {
  v1::Port port;
  port.set_name(config.name);
  port.set_type(config.type);
  port.mutable_options()->insert(config.options.begin(), config.options.end());
  port.set_mac(config.mac);
  port.set_mtu(config.mtu);
  port.set_admin_up(config.admin_up);
  port.set_rx_queues(config.rx_queues);
  port.set_mac_learning_limit(config.mac_learning_limit);
  port.set_vni(config.vni);
  return port;
}

v1::PortCounters PortCountersToProto(const PortCounters& counters) {
  v1::PortCounters out;
  out.set_rx_packets(counters.rx_packets);
  out.set_rx_bytes(counters.rx_bytes);
  out.set_tx_packets(counters.tx_packets);
  out.set_tx_bytes(counters.tx_bytes);
  for (const NamedCounter& drop : counters.drops) {
    v1::NamedCounter* named = out.add_drops();
    named->set_name(drop.name);
    named->set_value(drop.value);
  }
  return out;
}

v1::PortStatus PortStatusToProto(const PortInfo& info) {
  v1::PortStatus out;
  out.set_name(info.config.name);
  *out.mutable_config() = PortToProto(info.config);
  out.set_port_no(info.port_no);
  out.set_dpdk_port_id(info.dpdk_port_id);
  out.set_devargs(info.devargs);
  out.set_mac(info.mac);
  out.set_link_up(info.link_up);
  out.set_link_speed_mbps(info.link_speed_mbps);
  *out.mutable_counters() = PortCountersToProto(info.counters);
  return out;
}

}  // namespace vswitch::controlplane
