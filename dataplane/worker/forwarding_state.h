// ForwardingState: the immutable snapshot of everything a worker needs to forward, published
// by the control thread with RCU.
//
// The control thread never edits a published state: it copies the current one, changes the
// copy, stores the new pointer (release), waits for an RCU grace period (every worker has
// passed rte_rcu_qsbr_quiescent once), and only then frees the old copy and closes any device
// the change removed. A worker loads the pointer once per poll-loop iteration and uses that
// one snapshot for the whole iteration, so it never sees half of a change.
#pragma once

#include <rte_spinlock.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include <unordered_map>

#include "flow/flow_pipeline.h"
#include "flow/rule_counters.h"
#include "meter/meter_config_set.h"
#include "vtep/tunnel_state.h"

namespace vswitch {

class MacTable;

inline constexpr uint32_t kMaxPorts = 256;     // port numbers 1..255; 0 means "none"
inline constexpr unsigned kMaxWorkers = 64;

struct PortRuntime {
  bool present = false;
  bool admin_up = false;
  bool is_tunnel = false;    // a vxlan port: output means encapsulate (TunnelState)
  uint32_t domain = 0;       // L2 domain for NORMAL: 0, or the VNI of a tenant's logical switch
  uint16_t dpdk_port = 0;
  uint16_t tx_queues = 1;
  // When workers outnumber the device's tx queues, workers share queues and take the
  // per-queue lock (the same trade-off OVS makes for XPS); with enough queues it is never used.
  bool tx_shared = false;
  rte_spinlock_t* tx_locks = nullptr;  // owned by the EthdevPort, outlives every snapshot using it
};

struct RxAssignment {
  uint16_t dpdk_port;
  uint16_t queue;
  uint32_t port_no;
};

struct ForwardingState {
  uint64_t generation = 0;
  std::array<PortRuntime, kMaxPorts> ports{};
  std::vector<uint32_t> flood_ports;                 // admin-up local ports, ascending port number
  // Admin-up local (non-tunnel) ports of each L2 domain; domain 0 = flood_ports.
  std::unordered_map<uint32_t, std::vector<uint32_t>> flood_by_domain;
  std::vector<std::vector<RxAssignment>> rx_by_worker;
  MacTable* macs = nullptr;                          // owned by the switch, lives as long as it
  // The flow tables. Shared between consecutive states (a port change does not rebuild it);
  // workers use the raw pointer for one iteration, and the last state holding it frees it
  // after the grace period. Never null: an empty rule set is the implicit NORMAL pipeline.
  std::shared_ptr<const flow::FlowPipeline> pipeline;
  flow::RuleCounters* rule_counters = nullptr;       // owned by the switch
  // Meter configurations (rates in TSC units). Never null.
  std::shared_ptr<const meter::MeterConfigSet> meters;
  // VTEPs, known VNIs, neighbours, routes. Never null.
  std::shared_ptr<const tunnels::TunnelState> tunnels;
};

}  // namespace vswitch
