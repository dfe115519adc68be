// Latency samples and their order statistics (min / median / p99 / max), in TSC cycles.
//
// Every sample updates count, sum, min and max exactly. Percentiles come from a uniform
// reservoir (Algorithm R) of at most `capacity` samples: exact while count <= capacity, an
// unbiased sample of the whole run after that, so memory stays fixed however long a run is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace vswitch::vsbench {

struct LatencySummary {
  uint64_t count = 0;
  uint64_t min = 0;
  uint64_t p50 = 0;
  uint64_t p99 = 0;
  uint64_t max = 0;
  double mean = 0;
  bool exact = true;  // false when the percentiles come from a reservoir sample
};

class LatencyStats {
 public:
  explicit LatencyStats(size_t capacity, uint64_t seed = 0x9e3779b97f4a7c15ull);

  void Add(uint64_t cycles) {
    ++count_;
    sum_ += cycles;
    if (cycles < min_) min_ = cycles;
    if (cycles > max_) max_ = cycles;
    if (samples_.size() < capacity_) {
      samples_.push_back(cycles);
    } else {
      const uint64_t slot = NextRandom() % count_;
      if (slot < capacity_) samples_[slot] = cycles;
    }
  }

  void Clear();
  uint64_t count() const { return count_; }

  // Nearest-rank percentile (0 < p <= 100) of the kept samples: the smallest sample with at
  // least p% of the samples at or below it. nullopt without samples or with p out of range.
  std::optional<uint64_t> Percentile(double p) const;

  LatencySummary Summarize() const;

 private:
  uint64_t NextRandom() {  // xorshift64: cheap and good enough to pick reservoir slots
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    return rng_;
  }

  size_t capacity_;
  uint64_t seed_;
  uint64_t rng_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  std::vector<uint64_t> samples_;
};

// Nearest-rank percentile of an already sorted, non-empty vector.
uint64_t NearestRank(const std::vector<uint64_t>& sorted, double p);

}  // namespace vswitch::vsbench
