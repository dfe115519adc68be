// EthdevPort: one DPDK ethdev opened from a PortDevargs, configured, started, and closed.
//
// Owns the device's lifetime on the control thread. Workers never touch this object: they
// see a PortRuntime copy inside the published ForwardingState (worker/forwarding_state.h).
#pragma once

#include <rte_mempool.h>
#include <rte_spinlock.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "port/port_config.h"
#include "port/port_devargs.h"

namespace vswitch {

struct EthdevPortOptions {
  uint16_t rx_queues = 1;
  uint16_t tx_queues = 1;   // wanted (one per worker); fewer if the device cannot
  uint16_t rx_descriptors = 1024;
  uint16_t tx_descriptors = 1024;
  uint32_t mtu = 0;         // 0 = leave the device default
  std::string mac;          // "" = leave the device address
};

struct DeviceCounters {
  uint64_t rx_missed = 0;   // dropped by the device: rx ring full
  uint64_t rx_errors = 0;
  uint64_t rx_nombuf = 0;   // no mbuf for a received frame
  uint64_t tx_errors = 0;
};

class EthdevPort {
 public:
  // Probes the device, configures queues on `pool`, starts it. On any failure the device is
  // removed again and nothing is left behind.
  static Status Open(const PortDevargs& devargs, const EthdevPortOptions& options, rte_mempool* pool,
                     std::unique_ptr<EthdevPort>* out);
  ~EthdevPort();  // stops, closes and detaches the device

  uint16_t port_id() const { return port_id_; }
  uint16_t rx_queues() const { return rx_queues_; }
  uint16_t tx_queues() const { return tx_queues_; }
  const std::string& devargs() const { return devargs_; }
  std::string MacAddressString() const;
  bool LinkUp(uint32_t* speed_mbps) const;
  DeviceCounters ReadDeviceCounters() const;
  // One lock per tx queue, used only when workers outnumber tx queues (see worker.cc).
  rte_spinlock_t* tx_locks() { return tx_locks_.data(); }

 private:
  EthdevPort() = default;
  uint16_t port_id_ = 0;
  uint16_t rx_queues_ = 0;
  uint16_t tx_queues_ = 0;
  std::string device_name_;
  std::string devargs_;
  bool started_ = false;
  std::vector<rte_spinlock_t> tx_locks_;
};

}  // namespace vswitch
