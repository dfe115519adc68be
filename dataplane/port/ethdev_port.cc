#include "port/ethdev_port.h"

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include <cstdio>

#include "common/mac_address.h"
#include "port/packet_socket.h"

namespace vswitch {

namespace {

std::string Errno(int rc) { return rte_strerror(rc < 0 ? -rc : rc); }

// Closes the ethdev and hot-unplugs its rte_device so the device name can be reused. The
// device pointer is read first: closing releases the port id.
void RemoveDevice(uint16_t port_id) {
  struct rte_eth_dev_info info = {};
  rte_device* device = rte_eth_dev_info_get(port_id, &info) == 0 ? info.device : nullptr;
  rte_eth_dev_close(port_id);
  if (device != nullptr) rte_dev_remove(device);
}

}  // namespace

Status EthdevPort::Open(const PortDevargs& d, const EthdevPortOptions& o, rte_mempool* pool,
                        std::unique_ptr<EthdevPort>* out) {
  int rc = rte_dev_probe(d.devargs.c_str());
  if (rc < 0) {
    // Most drivers return -1 rather than an errno; their own reason is in vswitchd's log.
    std::string why = rc == -1 ? "the driver refused it" : Errno(rc);
    return Status::Unavailable("cannot open device '" + d.devargs + "': " + why +
                               " (does the interface/socket/file exist, is it free, and is this the right type? see vswitchd's log for the driver's reason)");
  }
  uint16_t port_id;
  if (rte_eth_dev_get_port_by_name(d.device_name.c_str(), &port_id) != 0) {
    // A PCI device probed but bound to no DPDK-capable driver shows up with no ethdev.
    rte_eal_hotplug_remove(d.is_pci ? "pci" : "vdev", d.device_name.c_str());
    return Status::Unavailable("device '" + d.device_name + "' was probed but created no Ethernet port (is a PCI NIC bound to vfio-pci?)");
  }
  std::unique_ptr<EthdevPort> port(new EthdevPort());
  port->port_id_ = port_id;
  port->device_name_ = d.device_name;
  port->devargs_ = d.devargs;

  auto fail = [&](const std::string& what, int code) {
    rte_eth_dev_stop(port_id);
    RemoveDevice(port_id);
    port->device_name_.clear();  // nothing left to close in the destructor
    return Status::Unavailable("device '" + d.devargs + "': " + what + ": " + Errno(code));
  };

  if (!d.af_packet_iface.empty()) {
    // The driver's sockets exist from probe on; see port/packet_socket.h for why.
    if (Status s = IgnoreOutgoingFrames(d.af_packet_iface); !s.ok()) {
      fail("", 0);
      return Status::Unavailable("device '" + d.devargs + "': " + s.message());
    }
  }

  struct rte_eth_dev_info info;
  if ((rc = rte_eth_dev_info_get(port_id, &info)) != 0) return fail("cannot read device info", rc);
  if (o.rx_queues > info.max_rx_queues) {
    Status s = Status::InvalidArgument("device '" + d.devargs + "' supports at most " + std::to_string(info.max_rx_queues) +
                                       " rx queues, " + std::to_string(o.rx_queues) + " requested");
    RemoveDevice(port_id);
    port->device_name_.clear();
    return s;
  }
  port->rx_queues_ = o.rx_queues;
  port->tx_queues_ = std::max<uint16_t>(1, std::min<uint16_t>(o.tx_queues, info.max_tx_queues));

  struct rte_eth_conf conf = {};
  conf.rxmode.mq_mode = port->rx_queues_ > 1 ? RTE_ETH_MQ_RX_RSS : RTE_ETH_MQ_RX_NONE;
  if (port->rx_queues_ > 1) {
    conf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) & info.flow_type_rss_offloads;
    if (conf.rx_adv_conf.rss_conf.rss_hf == 0) conf.rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
  }
  // RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE stays off: flooding sends one mbuf with refcnt > 1.
  if ((rc = rte_eth_dev_configure(port_id, port->rx_queues_, port->tx_queues_, &conf)) != 0)
    return fail("configure failed", rc);

  uint16_t nb_rxd = o.rx_descriptors, nb_txd = o.tx_descriptors;
  if ((rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nb_rxd, &nb_txd)) != 0) return fail("descriptor counts rejected", rc);
  int socket = rte_eth_dev_socket_id(port_id);
  if (socket < 0) socket = 0;
  for (uint16_t q = 0; q < port->rx_queues_; ++q)
    if ((rc = rte_eth_rx_queue_setup(port_id, q, nb_rxd, socket, nullptr, pool)) != 0)
      return fail("rx queue " + std::to_string(q) + " setup failed", rc);
  for (uint16_t q = 0; q < port->tx_queues_; ++q)
    if ((rc = rte_eth_tx_queue_setup(port_id, q, nb_txd, socket, nullptr)) != 0)
      return fail("tx queue " + std::to_string(q) + " setup failed", rc);

  if (o.mtu != 0 && (rc = rte_eth_dev_set_mtu(port_id, static_cast<uint16_t>(o.mtu))) != 0)
    return fail("MTU " + std::to_string(o.mtu) + " rejected", rc);
  if (!o.mac.empty()) {
    auto mac = MacAddress::Parse(o.mac);
    if (!mac) return fail("bad MAC address '" + o.mac + "'", EINVAL);
    struct rte_ether_addr addr;
    std::copy(mac->bytes.begin(), mac->bytes.end(), addr.addr_bytes);
    if ((rc = rte_eth_dev_default_mac_addr_set(port_id, &addr)) != 0) return fail("MAC address rejected", rc);
  }
  if ((rc = rte_eth_dev_start(port_id)) != 0) return fail("start failed", rc);
  port->started_ = true;
  // A switch port must see every frame, not only those addressed to its own MAC.
  rte_eth_promiscuous_enable(port_id);
  port->tx_locks_.resize(port->tx_queues_);
  for (auto& l : port->tx_locks_) rte_spinlock_init(&l);
  *out = std::move(port);
  return Status::Ok();
}

EthdevPort::~EthdevPort() {
  if (device_name_.empty()) return;
  if (started_) rte_eth_dev_stop(port_id_);
  RemoveDevice(port_id_);
}

std::string EthdevPort::MacAddressString() const {
  struct rte_ether_addr addr;
  if (rte_eth_macaddr_get(port_id_, &addr) != 0) return "";
  MacAddress mac;
  std::copy(addr.addr_bytes, addr.addr_bytes + 6, mac.bytes.begin());
  return mac.ToString();
}

bool EthdevPort::LinkUp(uint32_t* speed_mbps) const {
  struct rte_eth_link link = {};
  if (rte_eth_link_get_nowait(port_id_, &link) != 0) return false;
  if (speed_mbps) *speed_mbps = link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : link.link_speed;
  return link.link_status == RTE_ETH_LINK_UP;
}

DeviceCounters EthdevPort::ReadDeviceCounters() const {
  DeviceCounters c;
  struct rte_eth_stats s = {};
  if (rte_eth_stats_get(port_id_, &s) == 0) {
    c.rx_missed = s.imissed;
    c.rx_errors = s.ierrors;
    c.rx_nombuf = s.rx_nombuf;
    c.tx_errors = s.oerrors;
  }
  return c;
}

}  // namespace vswitch
