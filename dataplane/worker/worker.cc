#include "worker/worker.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include <cstring>

#include "l2/mac_table.h"
#include "packet/parser.h"

namespace vswitch {

namespace {

constexpr unsigned kEmptyPollsBeforeSleep = 256;
constexpr uint8_t kNoKey = 0xff;

inline uint64_t MacKeyWord(uint16_t vlan, const uint8_t* mac) {
  MacKey k;
  k.vlan = vlan;
  std::memcpy(k.mac, mac, 6);
  uint64_t w;
  std::memcpy(&w, &k, sizeof(w));
  return w;
}

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
}

Worker::~Worker() = default;

void Worker::Drop(uint32_t in_port, rte_mbuf* m, DropReason reason) {
  CounterAdd(port_counters_[in_port].drops[static_cast<int>(reason)], 1);
  rte_pktmbuf_free(m);
}

void Worker::RequestLearn(uint64_t key_word, uint32_t port_no, uint64_t now) {
  // The filter keeps one burst of a new flow from sending the control thread 32 identical
  // requests, and keeps a MAC that is not yet learned from flooding the learn ring.
  LearnFilterSlot& f = learn_filter_[FilterIndex(key_word)];
  if (f.key_word == key_word && f.port_no == port_no && now - f.tsc < learn_retry_tsc_) return;
  f.key_word = key_word;
  f.port_no = port_no;
  f.tsc = now;
  LearnEvent ev;
  std::memcpy(&ev.key, &key_word, sizeof(ev.key));
  ev.port_no = port_no;
  ev.pad = 0;
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

inline void Worker::Enqueue(const ForwardingState& st, uint32_t port_no, rte_mbuf* m) {
  TxBuffer& b = tx_[port_no];
  if (b.count == 0) dirty_ports_[n_dirty_++] = port_no;
  b.pkts[b.count++] = m;
  if (b.count == kBurstSize) {
    FlushPort(st, port_no);  // count is 0 again; the port stays in the dirty list harmlessly
  }
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

  // Pass 1: parse every packet and collect the distinct FDB keys of the burst. Consecutive
  // packets of one conversation share their MAC pair, so comparing with the previous key
  // removes most duplicate lookups at the cost of one 64-bit compare.
  rte_mbuf* ok[kBurstSize];
  uint8_t dst_idx[kBurstSize];
  MacKey ukeys[2 * kBurstSize];
  const MacKey* ukey_ptrs[2 * kBurstSize];
  uint64_t ukey_words[2 * kBurstSize];
  bool ukey_is_src[2 * kBurstSize];
  unsigned nu = 0;
  uint16_t nok = 0;
  uint8_t last_src = kNoKey, last_dst = kNoKey;
  FlowKey key;
  PacketLayout layout;

  for (uint16_t i = 0; i < n; ++i) {
    if (i + 4 < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void*));
    rte_mbuf* m = pkts[i];
    DropReason reason;
    if (!ParseFrame(rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m), in_port, &key, &layout, &reason)) {
      Drop(in_port, m, reason);
      continue;
    }
    const uint16_t vlan = key.vlan_tci & 0x0fff;
    uint8_t s = kNoKey, d = kNoKey;
    if (!(key.eth_src[0] & 1)) {  // never learn a multicast source
      uint64_t w = MacKeyWord(vlan, key.eth_src);
      if (last_src != kNoKey && ukey_words[last_src] == w) {
        s = last_src;
      } else {
        s = static_cast<uint8_t>(nu);
        ukey_words[nu] = w;
        std::memcpy(&ukeys[nu], &w, sizeof(w));
        ukey_ptrs[nu] = &ukeys[nu];
        ukey_is_src[nu] = true;
        ++nu;
        last_src = s;
      }
    }
    if (!(key.eth_dst[0] & 1)) {  // multicast/broadcast destinations always flood
      uint64_t w = MacKeyWord(vlan, key.eth_dst);
      if (last_dst != kNoKey && ukey_words[last_dst] == w) {
        d = last_dst;
      } else {
        d = static_cast<uint8_t>(nu);
        ukey_words[nu] = w;
        std::memcpy(&ukeys[nu], &w, sizeof(w));
        ukey_ptrs[nu] = &ukeys[nu];
        ukey_is_src[nu] = false;
        ++nu;
        last_dst = d;
      }
    }
    dst_idx[nok] = d;
    ok[nok++] = m;
  }
  if (nok == 0) return;

  // Pass 2: one bulk lookup for all distinct keys.
  int32_t slots[2 * kBurstSize];
  MacTable& macs = *st.macs;
  macs.LookupBurst(ukey_ptrs, nu, slots);

  // Learning, once per distinct source.
  const uint64_t now = rte_rdtsc();
  for (unsigned u = 0; u < nu; ++u) {
    if (!ukey_is_src[u]) continue;
    int32_t slot = slots[u];
    if (slot < 0) {
      RequestLearn(ukey_words[u], in_port, now);
      continue;
    }
    uint32_t port = macs.PortOf(slot);
    if (port == in_port) {
      macs.Touch(slot, now, touch_interval_tsc_);
    } else if (port == MacTable::kNoPort || !macs.IsStatic(slot)) {
      RequestLearn(ukey_words[u], in_port, now);  // new, or moved to this port
    }
  }

  // Pass 3: forward.
  for (uint16_t i = 0; i < nok; ++i) {
    rte_mbuf* m = ok[i];
    uint32_t out = MacTable::kNoPort;
    if (dst_idx[i] != kNoKey && slots[dst_idx[i]] >= 0) out = macs.PortOf(slots[dst_idx[i]]);
    if (out != MacTable::kNoPort && out < kMaxPorts && st.ports[out].present) {
      if (out == in_port) {
        Drop(in_port, m, DropReason::kSamePort);
      } else if (!st.ports[out].admin_up) {
        Drop(in_port, m, DropReason::kAdminDown);
      } else {
        Enqueue(st, out, m);
      }
      continue;
    }
    // Flood: every admin-up port but the ingress gets the same mbuf (refcount, no copy).
    const uint32_t* fp = st.flood_ports.data();
    const size_t nf = st.flood_ports.size();
    uint16_t outputs = 0;
    for (size_t k = 0; k < nf; ++k) outputs += fp[k] != in_port;
    if (outputs == 0) {
      Drop(in_port, m, DropReason::kNoOutput);
      continue;
    }
    if (outputs > 1) rte_mbuf_refcnt_update(m, static_cast<int16_t>(outputs - 1));
    for (size_t k = 0; k < nf; ++k)
      if (fp[k] != in_port) Enqueue(st, fp[k], m);
  }
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
