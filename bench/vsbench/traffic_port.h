// One DPDK port vsbench attaches to (a vdev given on the EAL command line): configured with
// one rx and one tx queue, started, and waited on until its link is up (a memif client or
// virtio-user port is up once the switch's side accepted the connection).
#pragma once

#include <rte_mempool.h>

#include <cstdint>
#include <string>

namespace vswitch::vsbench {

class TrafficPort {
 public:
  TrafficPort() = default;
  TrafficPort(const TrafficPort&) = delete;
  TrafficPort& operator=(const TrafficPort&) = delete;
  ~TrafficPort();

  // Finds the port of vdev `name`, configures rx_queues receive queues and one transmit
  // queue, and starts it. "" on success, else the reason.
  std::string Open(const std::string& name, rte_mempool* pool, uint16_t rx_queues = 1);
  // Waits until the link is up; "" on success, else a message naming the device.
  std::string WaitForLink(double timeout_s) const;

  uint16_t id() const { return port_id_; }
  uint16_t rx_queues() const { return rx_queues_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  uint16_t port_id_ = UINT16_MAX;
  uint16_t rx_queues_ = 1;
  bool started_ = false;
};

}  // namespace vswitch::vsbench
