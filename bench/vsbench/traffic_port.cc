#include "traffic_port.h"

#include <rte_errno.h>
#include <rte_ethdev.h>

#include <chrono>
#include <thread>

namespace vswitch::vsbench {
namespace {

constexpr uint16_t kRingSize = 1024;

std::string Failed(const std::string& name, const char* what, int rc) {
  return name + ": " + what + " failed: " + rte_strerror(rc < 0 ? -rc : rc);
}

}  // namespace

TrafficPort::~TrafficPort() {
  if (started_) {
    rte_eth_dev_stop(port_id_);
    rte_eth_dev_close(port_id_);
  }
}

std::string TrafficPort::Open(const std::string& name, rte_mempool* pool, uint16_t rx_queues) {
  name_ = name;
  rx_queues_ = rx_queues;
  if (rte_eth_dev_get_port_by_name(name.c_str(), &port_id_) != 0) {
    return name + ": no such port (the vdev did not probe; see the EAL messages above)";
  }
  rte_eth_conf conf{};
  int rc = rte_eth_dev_configure(port_id_, rx_queues, 1, &conf);
  if (rc != 0) return Failed(name, "configure", rc);
  uint16_t rx_desc = kRingSize, tx_desc = kRingSize;
  rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id_, &rx_desc, &tx_desc);
  if (rc != 0) return Failed(name, "adjusting ring sizes", rc);
  const int socket = rte_eth_dev_socket_id(port_id_);
  const unsigned socket_id = socket < 0 ? 0 : static_cast<unsigned>(socket);
  for (uint16_t q = 0; q < rx_queues; ++q) {
    rc = rte_eth_rx_queue_setup(port_id_, q, rx_desc, socket_id, nullptr, pool);
    if (rc != 0) return Failed(name, "rx queue setup", rc);
  }
  rc = rte_eth_tx_queue_setup(port_id_, 0, tx_desc, socket_id, nullptr);
  if (rc != 0) return Failed(name, "tx queue setup", rc);
  rc = rte_eth_dev_start(port_id_);
  if (rc != 0) return Failed(name, "start", rc);
  started_ = true;
  return "";
}

std::string TrafficPort::WaitForLink(double timeout_s) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (true) {
    rte_eth_link link{};
    if (rte_eth_link_get_nowait(port_id_, &link) == 0 && link.link_status == RTE_ETH_LINK_UP) return "";
    if (std::chrono::steady_clock::now() >= deadline) {
      return name_ + ": link still down after " + std::to_string(timeout_s) +
             " s (is the switch's port there, with the matching socket, id and role?)";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace vswitch::vsbench
