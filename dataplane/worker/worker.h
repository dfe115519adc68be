// Worker: one poll-mode loop on one lcore.
//
// Each iteration: load the published ForwardingState, poll every rx queue assigned to this
// worker, process each burst (parse -> learn -> look up -> output), flush per-port tx
// buffers, then report an RCU quiescent state. Nothing here locks (except a shared tx queue,
// see PortRuntime), allocates, throws or makes a syscall per packet; counters are this
// worker's own and the control thread sums them when asked.
#pragma once

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>

#include "flow/exact_match_cache.h"
#include "meter/meter_state.h"
#include "l2/mac_table.h"
#include "flow/flow_pipeline.h"
#include "packet/drop_reason.h"
#include "packet/flow_key.h"
#include "vxlan/vxlan_wire.h"
#include "worker/forwarding_state.h"

namespace vswitch {

inline constexpr uint16_t kBurstSize = 32;

// Per worker, per port counters: one cache-line-aligned block per port so two workers never
// write the same line.
struct alignas(64) PortCounterBlock {
  uint64_t rx_packets;
  uint64_t rx_bytes;
  uint64_t tx_packets;
  uint64_t tx_bytes;
  uint64_t drops[kNumDropReasons];
};

struct alignas(64) WorkerCounters {
  uint64_t busy_cycles;
  uint64_t idle_cycles;
  uint64_t rx_packets;
  uint64_t tx_packets;
  uint64_t iterations;
  uint64_t learn_events_dropped;  // learn ring full
};

// Relaxed single-writer counter update: the worker is the only writer, readers load relaxed.
inline void CounterAdd(uint64_t& c, uint64_t v) { __atomic_store_n(&c, c + v, __ATOMIC_RELAXED); }
inline uint64_t CounterRead(const uint64_t& c) { return __atomic_load_n(&c, __ATOMIC_RELAXED); }

struct WorkerConfig {
  unsigned index = 0;         // 0..workers-1, also the RCU thread id
  unsigned lcore = 0;
  rte_rcu_qsbr* qsbr = nullptr;
  const std::atomic<const ForwardingState*>* state = nullptr;
  const std::atomic<bool>* stop = nullptr;
  rte_ring* learn_ring = nullptr;  // single producer (this worker), single consumer (control)
  rte_mempool* pool = nullptr;     // for the copies an output-then-rewrite action list needs
  rte_ring* inject_ring = nullptr; // packets the control thread asks this worker to send (ARP requests)
  meter::MeterState* meters = nullptr;  // this worker's meter buckets and counters
  uint64_t tsc_hz = 0;
  unsigned idle_sleep_us = 0;      // sleep this long after many empty polls; 0 = pure polling
};

// Tunnel metadata of a decapsulated packet (one per packet of a tunnel sub-burst).
struct TunnelMeta {
  uint32_t vni;
  uint32_t src_ip;  // outer source = the remote VTEP, network byte order
  uint32_t dst_ip;  // outer destination = our VTEP
};

// A tunnel output, resolved: what encapsulating one packet for it needs.
struct TunnelTarget {
  uint64_t generation = 0;  // ForwardingState generation it was resolved in; 0 = none
  uint32_t port = 0;        // the tunnel port (its tx counters)
  uint32_t remote_ip = 0;   // as asked (OutPort::remote_ip), the cache key with port and vni
  uint32_t vni = 0;
  uint32_t uplink = 0;
  uint32_t ip_mtu = 0;
  tunnels::VxlanTemplate header;
};

// One output of a packet: a port, and for a tunnel port the remote VTEP (0 = the port's own
// remote-ip option).
struct OutPort {
  uint32_t port;
  uint32_t remote_ip;
};

// The most outputs one packet can have: every port, plus head-end replicas to remote VTEPs.
inline constexpr uint32_t kMaxOutputs = 2 * kMaxPorts;

class Worker {
 public:
  explicit Worker(const WorkerConfig& config);
  ~Worker();

  // The poll loop; returns when *stop becomes true. Runs on the worker's lcore.
  void Run();

  // Processes one received burst from port `in_port`: counts it, takes VXLAN and ARP for the
  // local VTEP off an uplink, then runs the learning switch (no rules installed) or the flow
  // path on the rest.
  void ProcessBurst(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n);
  // Sends every buffered packet.
  void FlushTx(const ForwardingState& st);

  const PortCounterBlock& port_counters(uint32_t port_no) const { return port_counters_[port_no]; }
  const WorkerCounters& counters() const { return counters_; }
  const WorkerConfig& config() const { return config_; }

 private:
  struct TxBuffer {
    uint16_t count;
    rte_mbuf* pkts[kBurstSize];
  };
  struct LearnFilterSlot {
    uint64_t hash;
    uint32_t port_no;
    uint32_t remote_ip;
    uint64_t tsc;
  };
  static constexpr unsigned kLearnFilterSize = 1024;

  // Runs the learning switch or the flow path on packets received on `in_port` (a tunnel
  // port for decapsulated packets, with `meta` per packet).
  void Dispatch(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n, const TunnelMeta* meta);

  // worker/normal_path.cc: the learning switch for a whole burst (no rules installed), and
  // the NORMAL action for one packet inside an action list.
  void NormalBurst(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n, const TunnelMeta* meta);
  void NormalDecide(const ForwardingState& st, uint32_t in_port, uint32_t domain, uint32_t remote_ip, const FlowKey& key,
                    OutPort* outs, uint32_t* n_outs);
  // Every other port of `domain`, plus the domain's remote VTEPs unless the packet came from
  // a tunnel (split horizon: a VTEP never floods back into the overlay).
  void AddFloodPorts(const ForwardingState& st, uint32_t in_port, uint32_t domain, OutPort* outs, uint32_t* n_outs);

  // worker/flow_path.cc: classify a burst through the flow tables and run each packet's actions.
  void FlowBurst(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n, const TunnelMeta* meta);
  void ExecuteActions(const ForwardingState& st, uint32_t in_port, rte_mbuf* m, FlowKey* key, PacketLayout layout,
                      const flow::PipelineResult& result, uint64_t now_tsc);
  // Sends a whole burst on one packet-blind verdict (see FlowPipeline::port_verdict) without
  // parsing it. Returns false, touching nothing, if the verdict needs the full path after
  // all (flood or in_port for decapsulated packets, whose VNI differs per packet).
  bool BlindBurst(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n, const TunnelMeta* meta,
                  const flow::PipelineResult& result);

  // worker/tunnel_path.cc: the uplink side of a VTEP and VXLAN encapsulation.
  // Returns how many packets remain in pkts (compacted) as ordinary uplink traffic.
  uint16_t UplinkReceive(const ForwardingState& st, uint32_t uplink, rte_mbuf** pkts, uint16_t n);
  // Encapsulates `m` for tunnel output `out` (VNI `vni` unless the port fixes one) and
  // queues it on the uplink, or drops it with the reason the tunnel cannot be used.
  void TunnelSend(const ForwardingState& st, rte_mbuf* m, const OutPort& out, uint32_t vni);
  // The tunnel output resolved (VTEP, remote, next-hop MAC, header template), from a
  // one-entry cache valid for one ForwardingState generation; nullptr with *why if the
  // tunnel cannot send (an ARP request for a missing next hop is sent).
  const TunnelTarget* ResolveTunnel(const ForwardingState& st, const OutPort& out, uint32_t vni, DropReason* why);
  void EncapSend(const ForwardingState& st, const TunnelTarget& t, rte_mbuf* m);
  void ReportNeighbor(uint32_t ip, const uint8_t mac[6], uint32_t uplink);
  void RequestResolve(uint32_t ip, uint32_t uplink, uint64_t now);
  void DrainInjected(const ForwardingState& st);

  // Sends `m` to every output: local ports share it (refcount), each tunnel replica gets its
  // own copy (its outer header differs) except the last when no local port needs the
  // original. `vni` is the VNI for tunnel outputs.
  void Output(const ForwardingState& st, uint32_t in_port, rte_mbuf* m, const OutPort* outs, uint32_t n_outs,
              uint32_t vni);

  void Enqueue(const ForwardingState& st, uint32_t port_no, rte_mbuf* m);
  // Enqueue of pkts[0..n) in order, copying the pointers in runs (BlindBurst's whole bursts).
  void EnqueueBurst(const ForwardingState& st, uint32_t port_no, rte_mbuf* const* pkts, uint16_t n);
  void FlushPort(const ForwardingState& st, uint32_t port_no);
  void Drop(uint32_t port, rte_mbuf* m, DropReason reason);
  void CountDrop(uint32_t port, DropReason reason) { CounterAdd(port_counters_[port].drops[static_cast<int>(reason)], 1); }
  void RequestLearn(const MacKey& key, uint32_t port_no, uint32_t remote_ip, uint64_t now);
  bool FilterEvent(uint64_t hash, uint32_t port_no, uint32_t remote_ip, uint64_t now);

  WorkerConfig config_;
  std::unique_ptr<PortCounterBlock[]> port_counters_;
  WorkerCounters counters_{};
  std::unique_ptr<TxBuffer[]> tx_;
  uint32_t dirty_ports_[2 * kMaxPorts];  // a port can appear twice if it filled mid-burst
  uint32_t n_dirty_ = 0;
  std::unique_ptr<LearnFilterSlot[]> learn_filter_;
  flow::ExactMatchCache emc_;
  uint64_t touch_interval_tsc_;
  uint64_t learn_retry_tsc_;
  uint16_t ip_id_ = 0;
  TunnelTarget tunnel_cache_;
  TunnelMeta meta_scratch_[kBurstSize];  // BlindBurst: metadata compacted past dropped runts
  double ns_per_tsc_;  // rule counters' last-hit times are in the control thread's ns clock
};

// Buffers `m` for `port_no`; a full buffer is sent at once, the rest at the end of the burst.
inline void Worker::Enqueue(const ForwardingState& st, uint32_t port_no, rte_mbuf* m) {
  TxBuffer& b = tx_[port_no];
  if (b.count == 0) dirty_ports_[n_dirty_++] = port_no;
  b.pkts[b.count++] = m;
  if (b.count == kBurstSize) FlushPort(st, port_no);  // the port may appear twice in the dirty list: harmless
}

inline void Worker::EnqueueBurst(const ForwardingState& st, uint32_t port_no, rte_mbuf* const* pkts, uint16_t n) {
  TxBuffer& b = tx_[port_no];
  while (n > 0) {
    if (b.count == 0) dirty_ports_[n_dirty_++] = port_no;
    const uint16_t take = std::min<uint16_t>(n, static_cast<uint16_t>(kBurstSize - b.count));
    std::memcpy(&b.pkts[b.count], pkts, take * sizeof(rte_mbuf*));
    b.count = static_cast<uint16_t>(b.count + take);
    pkts += take;
    n = static_cast<uint16_t>(n - take);
    if (b.count == kBurstSize) FlushPort(st, port_no);
  }
}

}  // namespace vswitch
