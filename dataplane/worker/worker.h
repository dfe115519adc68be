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

#include <atomic>
#include <cstdint>
#include <memory>

#include "flow/exact_match_cache.h"
#include "flow/flow_pipeline.h"
#include "packet/drop_reason.h"
#include "packet/flow_key.h"
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
  uint64_t tsc_hz = 0;
  unsigned idle_sleep_us = 0;      // sleep this long after many empty polls; 0 = pure polling
};

class Worker {
 public:
  explicit Worker(const WorkerConfig& config);
  ~Worker();

  // The poll loop; returns when *stop becomes true. Runs on the worker's lcore.
  void Run();

  // Processes one received burst from port `in_port`: counts it, then takes the learning
  // switch path when no flow rules are installed, else the flow path.
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
    uint64_t key_word;
    uint32_t port_no;
    uint64_t tsc;
  };
  static constexpr unsigned kLearnFilterSize = 1024;

  // worker/normal_path.cc: the learning switch for a whole burst (no rules installed), and
  // the NORMAL action for one packet inside an action list.
  void NormalBurst(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n);
  void NormalDecide(const ForwardingState& st, uint32_t in_port, const FlowKey& key, uint32_t* outs, uint32_t* n_outs);
  void AddFloodPorts(const ForwardingState& st, uint32_t in_port, uint32_t* outs, uint32_t* n_outs);
  // worker/flow_path.cc: classify a burst through the flow tables and run each packet's actions.
  void FlowBurst(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n);
  void ExecuteActions(const ForwardingState& st, uint32_t in_port, rte_mbuf* m, FlowKey* key, PacketLayout layout,
                      const flow::PipelineResult& result);
  // Sends `m` to every port in outs (refcounted, no copy); frees it if outs is empty.
  void Output(const ForwardingState& st, uint32_t in_port, rte_mbuf* m, const uint32_t* outs, uint32_t n_outs);

  void Enqueue(const ForwardingState& st, uint32_t port_no, rte_mbuf* m);
  void FlushPort(const ForwardingState& st, uint32_t port_no);
  void Drop(uint32_t in_port, rte_mbuf* m, DropReason reason);
  void RequestLearn(uint64_t key_word, uint32_t port_no, uint64_t now);

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
};

// Buffers `m` for `port_no`; a full buffer is sent at once, the rest at the end of the burst.
inline void Worker::Enqueue(const ForwardingState& st, uint32_t port_no, rte_mbuf* m) {
  TxBuffer& b = tx_[port_no];
  if (b.count == 0) dirty_ports_[n_dirty_++] = port_no;
  b.pkts[b.count++] = m;
  if (b.count == kBurstSize) FlushPort(st, port_no);  // the port may appear twice in the dirty list: harmless
}

}  // namespace vswitch
