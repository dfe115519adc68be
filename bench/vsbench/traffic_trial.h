// Runs trials: paced transmission of vsbench frames on one port while receiving on another,
// on one lcore (this thread), then a drain. Sequence numbers keep growing across trials, so a
// frame that arrives after its trial ended is counted as stale, never in the next trial.
#pragma once

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <atomic>
#include <cstdint>

#include "frame_builder.h"
#include "latency_stats.h"
#include "trial_report.h"

namespace vswitch::vsbench {

class TrafficTrial {
 public:
  TrafficTrial(const FrameBuilder& builder, rte_mempool* pool, uint16_t tx_port, uint16_t rx_port,
               uint16_t rx_queues, uint32_t burst, uint32_t drain_ms, size_t latency_samples,
               const std::atomic<bool>& stop);

  // Sends at rate_mpps (0 = unlimited) for seconds, then receives for drain_ms more.
  TrialReport Run(double rate_mpps, double seconds);

 private:
  static constexpr uint32_t kMaxBurst = 512;
  // Frame headers and the probe lie within this many bytes even with VXLAN and two tags.
  static constexpr uint32_t kParseBytes = 192;

  // Builds and sends count frames; false when vsbench's own pool had no buffers.
  bool Send(uint32_t count, uint64_t now, TrialReport& report);
  void Receive(uint32_t first_sequence, TrialReport& report);
  void ReceiveQueue(uint16_t queue, uint32_t first_sequence, TrialReport& report);

  const FrameBuilder& builder_;
  rte_mempool* pool_;
  uint16_t tx_port_;
  uint16_t rx_port_;
  uint16_t rx_queues_;
  uint32_t burst_;
  uint32_t drain_ms_;
  const std::atomic<bool>& stop_;
  LatencyStats latency_;
  uint64_t tsc_hz_;
  uint32_t next_sequence_ = 0;
  uint32_t next_flow_ = 0;
  uint32_t highest_received_ = 0;
  bool received_any_ = false;
  rte_mbuf* tx_burst_[kMaxBurst];
  rte_mbuf* rx_burst_[kMaxBurst];
};

}  // namespace vswitch::vsbench
