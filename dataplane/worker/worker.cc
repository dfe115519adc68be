#include "worker/worker.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include <cstring>

#include "l2/mac_table.h"

namespace vswitch {

namespace {

constexpr unsigned kEmptyPollsBeforeSleep = 256;
inline uint32_t FilterIndex(uint64_t key_word) {
  // Fibonacci hashing spreads MAC/VLAN words over the direct-mapped filter.
  return static_cast<uint32_t>((key_word * 0x9E3779B97F4A7C15ull) >> 54);  // 10 bits = 1024 slots
}

}  // namespace

Worker::Worker(const WorkerConfig& config)
    : config_(config),
      port_counters_(new PortCounterBlock[kMaxPorts]()),
      tx_(new TxBuffer[kMaxPorts]()),
      learn_filter_(new LearnFilterSlot[kLearnFilterSize]()) {
  // Refresh last-seen at most 4 times a second; retry a learn request after 10 ms.
  touch_interval_tsc_ = config_.tsc_hz / 4;
  learn_retry_tsc_ = config_.tsc_hz / 100;
  ns_per_tsc_ = 1e9 / static_cast<double>(config_.tsc_hz);
}

Worker::~Worker() = default;

void Worker::Drop(uint32_t port, rte_mbuf* m, DropReason reason) {
  CountDrop(port, reason);
  rte_pktmbuf_free(m);
}

// The filter keeps one burst of a new flow from sending the control thread 32 identical
// requests, and a MAC that is not yet learned from flooding the ring; an event that was
// filtered is sent again after learn_retry_tsc_ if the condition persists.
bool Worker::FilterEvent(uint64_t hash, uint32_t port_no, uint32_t remote_ip, uint64_t now) {
  LearnFilterSlot& f = learn_filter_[FilterIndex(hash)];
  if (f.hash == hash && f.port_no == port_no && f.remote_ip == remote_ip && now - f.tsc < learn_retry_tsc_) return false;
  f.hash = hash;
  f.port_no = port_no;
  f.remote_ip = remote_ip;
  f.tsc = now;
  return true;
}

void Worker::RequestLearn(const MacKey& key, uint32_t port_no, uint32_t remote_ip, uint64_t now) {
  uint64_t w;
  std::memcpy(&w, &key, 8);
  uint64_t hash = w ^ (static_cast<uint64_t>(key.domain) * 0x9E3779B97F4A7C15ull);
  if (!FilterEvent(hash, port_no, remote_ip, now)) return;
  LearnEvent ev = {};
  ev.type = LearnEvent::kMac;
  ev.key = key;
  ev.port_no = port_no;
  ev.ip = remote_ip;
  if (rte_ring_sp_enqueue_elem(config_.learn_ring, &ev, sizeof(ev)) != 0) CounterAdd(counters_.learn_events_dropped, 1);
}

void Worker::FlushPort(const ForwardingState& st, uint32_t port_no) {
  TxBuffer& b = tx_[port_no];
  if (b.count == 0) return;
  const PortRuntime& p = st.ports[port_no];
  uint64_t bytes = 0;
  for (uint16_t i = 0; i < b.count; ++i) bytes += b.pkts[i]->pkt_len;
  uint16_t queue = static_cast<uint16_t>(config_.index % p.tx_queues);
  uint16_t sent;
  if (p.tx_shared) {
    rte_spinlock_lock(&p.tx_locks[queue]);
    sent = rte_eth_tx_burst(p.dpdk_port, queue, b.pkts, b.count);
    rte_spinlock_unlock(&p.tx_locks[queue]);
  } else {
    sent = rte_eth_tx_burst(p.dpdk_port, queue, b.pkts, b.count);
  }
  PortCounterBlock& c = port_counters_[port_no];
  if (sent < b.count) {
    for (uint16_t i = sent; i < b.count; ++i) {
      bytes -= b.pkts[i]->pkt_len;
      rte_pktmbuf_free(b.pkts[i]);
    }
    // A full output queue is the output port's drop: that is where an operator looks.
    CounterAdd(c.drops[static_cast<int>(DropReason::kTxRingFull)], b.count - sent);
  }
  CounterAdd(c.tx_packets, sent);
  CounterAdd(c.tx_bytes, bytes);
  CounterAdd(counters_.tx_packets, sent);
  b.count = 0;
}

void Worker::FlushTx(const ForwardingState& st) {
  for (uint32_t i = 0; i < n_dirty_; ++i) FlushPort(st, dirty_ports_[i]);
  n_dirty_ = 0;
}

void Worker::ProcessBurst(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n) {
  PortCounterBlock& inc = port_counters_[in_port];
  uint64_t rx_bytes = 0;
  for (uint16_t i = 0; i < n; ++i) rx_bytes += pkts[i]->pkt_len;
  CounterAdd(inc.rx_packets, n);
  CounterAdd(inc.rx_bytes, rx_bytes);
  CounterAdd(counters_.rx_packets, n);
  if (!st.ports[in_port].admin_up) {
    for (uint16_t i = 0; i < n; ++i) Drop(in_port, pkts[i], DropReason::kAdminDown);
    return;
  }
  if (st.tunnels->VtepForUplink(in_port) != nullptr) {
    n = UplinkReceive(st, in_port, pkts, n);
    if (n == 0) return;
  }
  Dispatch(st, in_port, pkts, n, nullptr);
}

void Worker::Dispatch(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n, const TunnelMeta* meta) {
  // With no rules installed the pipeline is the implicit "priority=0,actions=NORMAL": the
  // learning switch runs directly on the burst, with no classification to do.
  if (st.pipeline->is_default()) {
    NormalBurst(st, in_port, pkts, n, meta);
  } else {
    FlowBurst(st, in_port, pkts, n, meta);
  }
}

void Worker::Output(const ForwardingState& st, uint32_t in_port, rte_mbuf* m, const OutPort* outs, uint32_t n_outs,
                    uint32_t vni) {
  if (n_outs == 0) {
    Drop(in_port, m, DropReason::kNoOutput);
    return;
  }
  uint32_t n_local = 0, n_tunnel = 0;
  for (uint32_t k = 0; k < n_outs; ++k) (st.ports[outs[k].port].is_tunnel ? n_tunnel : n_local)++;
  if (n_tunnel == 0) {
    if (n_outs > 1) rte_mbuf_refcnt_update(m, static_cast<int16_t>(n_outs - 1));
    for (uint32_t k = 0; k < n_outs; ++k) Enqueue(st, outs[k].port, m);
    return;
  }
  // Tunnel replicas first, each on its own copy; the original goes last, to the local ports
  // or, if there are none, to the last replica.
  uint32_t tunnels_left = n_tunnel;
  for (uint32_t k = 0; k < n_outs; ++k) {
    if (!st.ports[outs[k].port].is_tunnel) continue;
    --tunnels_left;
    if (n_local == 0 && tunnels_left == 0 && rte_mbuf_refcnt_read(m) == 1) {
      TunnelSend(st, m, outs[k], vni);
      return;
    }
    rte_mbuf* copy = rte_pktmbuf_copy(m, config_.pool, 0, UINT32_MAX);
    if (copy == nullptr) {
      CountDrop(in_port, DropReason::kNoMbuf);
      continue;
    }
    TunnelSend(st, copy, outs[k], vni);
  }
  if (n_local == 0) {
    rte_pktmbuf_free(m);
    return;
  }
  if (n_local > 1) rte_mbuf_refcnt_update(m, static_cast<int16_t>(n_local - 1));
  for (uint32_t k = 0; k < n_outs; ++k)
    if (!st.ports[outs[k].port].is_tunnel) Enqueue(st, outs[k].port, m);
}

void Worker::Run() {
  rte_rcu_qsbr_thread_register(config_.qsbr, config_.index);
  rte_rcu_qsbr_thread_online(config_.qsbr, config_.index);
  rte_mbuf* pkts[kBurstSize];
  unsigned empty_polls = 0;
  uint64_t last = rte_rdtsc();
  while (!config_.stop->load(std::memory_order_relaxed)) {
    const ForwardingState* st = config_.state->load(std::memory_order_acquire);
    bool got = false;
    if (st != nullptr && config_.index < st->rx_by_worker.size()) {
      if (!rte_ring_empty(config_.inject_ring)) DrainInjected(*st);
      for (const RxAssignment& rx : st->rx_by_worker[config_.index]) {
        uint16_t n = rte_eth_rx_burst(rx.dpdk_port, rx.queue, pkts, kBurstSize);
        if (n == 0) continue;
        got = true;
        ProcessBurst(*st, rx.port_no, pkts, n);
        FlushTx(*st);
      }
    }
    uint64_t now = rte_rdtsc();
    CounterAdd(got ? counters_.busy_cycles : counters_.idle_cycles, now - last);
    CounterAdd(counters_.iterations, 1);
    last = now;
    // Every reference into `st` is dropped before this point.
    rte_rcu_qsbr_quiescent(config_.qsbr, config_.index);
    if (got) {
      empty_polls = 0;
    } else if (config_.idle_sleep_us != 0 && ++empty_polls >= kEmptyPollsBeforeSleep) {
      // Only when idle: trades wake-up latency for a free core on small test hosts.
      rte_rcu_qsbr_thread_offline(config_.qsbr, config_.index);
      rte_delay_us_sleep(config_.idle_sleep_us);
      rte_rcu_qsbr_thread_online(config_.qsbr, config_.index);
      last = rte_rdtsc();
    }
  }
  rte_rcu_qsbr_thread_offline(config_.qsbr, config_.index);
  rte_rcu_qsbr_thread_unregister(config_.qsbr, config_.index);
}

}  // namespace vswitch
