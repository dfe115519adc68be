#include "traffic_trial.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include <algorithm>

#include "probe.h"
#include "rate_pacer.h"

namespace vswitch::vsbench {

TrafficTrial::TrafficTrial(const FrameBuilder& builder, rte_mempool* pool, uint16_t tx_port,
                           uint16_t rx_port, uint16_t rx_queues, uint32_t burst, uint32_t drain_ms,
                           size_t latency_samples, const std::atomic<bool>& stop)
    : builder_(builder),
      pool_(pool),
      tx_port_(tx_port),
      rx_port_(rx_port),
      rx_queues_(rx_queues),
      burst_(std::min(burst, kMaxBurst)),
      drain_ms_(drain_ms),
      stop_(stop),
      latency_(latency_samples),
      tsc_hz_(rte_get_tsc_hz()) {}

bool TrafficTrial::Send(uint32_t count, uint64_t now, TrialReport& report) {
  if (rte_pktmbuf_alloc_bulk(pool_, tx_burst_, count) != 0) {
    report.tx_alloc_failed += count;
    return false;
  }
  const uint32_t len = builder_.frame_len();
  const uint32_t flows = builder_.spec().flows;
  for (uint32_t i = 0; i < count; ++i) {
    rte_mbuf* m = tx_burst_[i];
    builder_.Build(rte_pktmbuf_mtod(m, uint8_t*), next_flow_, next_sequence_++, now);
    m->data_len = static_cast<uint16_t>(len);
    m->pkt_len = len;
    if (++next_flow_ == flows) next_flow_ = 0;
  }
  const uint16_t sent = rte_eth_tx_burst(tx_port_, 0, tx_burst_, static_cast<uint16_t>(count));
  if (sent < count) {
    rte_pktmbuf_free_bulk(tx_burst_ + sent, count - sent);
    report.tx_ring_full += count - sent;
  }
  report.tx_attempted += count;
  report.tx_sent += sent;
  return true;
}

void TrafficTrial::Receive(uint32_t first_sequence, TrialReport& report) {
  for (uint16_t q = 0; q < rx_queues_; ++q) ReceiveQueue(q, first_sequence, report);
}

void TrafficTrial::ReceiveQueue(uint16_t queue, uint32_t first_sequence, TrialReport& report) {
  const uint16_t n = rte_eth_rx_burst(rx_port_, queue, rx_burst_, static_cast<uint16_t>(burst_));
  if (n == 0) return;
  const uint64_t now = rte_rdtsc();
  // Frames of this trial have sequence numbers in [first_sequence, next_sequence_); unsigned
  // differences keep that true when the 32-bit counter wraps.
  const uint32_t trial_span = next_sequence_ - first_sequence;
  uint8_t copy[kParseBytes];
  for (uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = rx_burst_[i];
    const uint32_t want = std::min<uint32_t>(m->pkt_len, kParseBytes);
    const auto* data = static_cast<const uint8_t*>(rte_pktmbuf_read(m, 0, want, copy));
    const auto probe = data ? ParseProbe(data, want) : std::nullopt;
    if (!probe) {
      ++report.rx_foreign;
    } else if (probe->sequence - first_sequence >= trial_span) {
      ++report.rx_stale;
    } else {
      ++report.rx_probes;
      latency_.Add(now - probe->tsc);
      if (received_any_ && static_cast<int32_t>(probe->sequence - highest_received_) < 0) {
        ++report.rx_reordered;
      } else {
        highest_received_ = probe->sequence;
        received_any_ = true;
      }
    }
  }
  report.rx_packets += n;
  rte_pktmbuf_free_bulk(rx_burst_, n);
}

TrialReport TrafficTrial::Run(double rate_mpps, double seconds) {
  TrialReport report;
  report.target_mpps = rate_mpps;
  latency_.Clear();
  received_any_ = false;
  const uint32_t first_sequence = next_sequence_;
  const uint64_t start = rte_rdtsc();
  const uint64_t end = start + static_cast<uint64_t>(seconds * static_cast<double>(tsc_hz_));
  // At most a few bursts may fall due at once: more means vsbench was preempted (see
  // RatePacer), and catching up in one go would be a burst no paced source sends.
  RatePacer pacer(rate_mpps * 1e6, tsc_hz_, start, 4ull * burst_);
  uint64_t now = start;
  while ((now = rte_rdtsc()) < end) {
    if (stop_.load(std::memory_order_relaxed)) {
      report.interrupted = true;
      break;
    }
    uint64_t due = pacer.Due(now);
    while (due > 0) {
      const auto count = static_cast<uint32_t>(std::min<uint64_t>(due, burst_));
      const bool built = Send(count, now, report);
      pacer.Sent(count);
      if (!built) break;  // the pool is empty until the ports return buffers
      due -= count;
    }
    Receive(first_sequence, report);
  }
  report.seconds = static_cast<double>(now - start) / static_cast<double>(tsc_hz_);
  report.pacing_slipped = pacer.slipped();
  const uint64_t drain_end = rte_rdtsc() + tsc_hz_ * drain_ms_ / 1000;
  while (rte_rdtsc() < drain_end && !stop_.load(std::memory_order_relaxed)) Receive(first_sequence, report);
  report.latency = latency_.Summarize();
  return report;
}

}  // namespace vswitch::vsbench
