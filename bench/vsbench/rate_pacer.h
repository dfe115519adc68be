// Paces transmission to a target packet rate with the TSC: at time t the sender may have sent
// rate * (t - start) packets in all.
//
// vsbench shares its core (here with the switch's control thread), so it is sometimes
// preempted for milliseconds. Catching up afterwards would send one huge burst that no real
// source at that rate produces and that the switch would have to absorb. The pacer lets at
// most max_backlog packets fall due at once; beyond that the schedule slips forward, and the
// slipped packets are counted so the report can show the rate that was really offered.
#pragma once

#include <cstdint>

namespace vswitch::vsbench {

class RatePacer {
 public:
  // packets_per_second <= 0 means unlimited: Due() always returns max_backlog.
  RatePacer(double packets_per_second, uint64_t tsc_hz, uint64_t start_tsc, uint64_t max_backlog)
      : cycles_per_packet_(packets_per_second > 0 ? static_cast<double>(tsc_hz) / packets_per_second : 0),
        start_tsc_(start_tsc),
        max_backlog_(max_backlog) {}

  // Packets due at now_tsc that have not been sent yet, at most max_backlog.
  uint64_t Due(uint64_t now_tsc) {
    if (cycles_per_packet_ == 0) return max_backlog_;
    if (now_tsc <= start_tsc_) return 0;
    const uint64_t scheduled =
        static_cast<uint64_t>(static_cast<double>(now_tsc - start_tsc_) / cycles_per_packet_);
    const uint64_t done = sent_ + slipped_;
    if (scheduled <= done) return 0;
    uint64_t due = scheduled - done;
    if (due > max_backlog_) {
      slipped_ += due - max_backlog_;
      due = max_backlog_;
    }
    return due;
  }

  void Sent(uint64_t packets) { sent_ += packets; }
  uint64_t sent() const { return sent_; }
  uint64_t slipped() const { return slipped_; }

 private:
  double cycles_per_packet_;
  uint64_t start_tsc_;
  uint64_t max_backlog_;
  uint64_t sent_ = 0;
  uint64_t slipped_ = 0;
};

}  // namespace vswitch::vsbench
