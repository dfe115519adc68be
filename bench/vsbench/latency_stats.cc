#include "latency_stats.h"

#include <algorithm>
#include <cmath>

namespace vswitch::vsbench {

LatencyStats::LatencyStats(size_t capacity, uint64_t seed)
    : capacity_(capacity == 0 ? 1 : capacity), seed_(seed == 0 ? 1 : seed), rng_(seed_) {
  samples_.reserve(capacity_);
}

void LatencyStats::Clear() {
  count_ = 0;
  sum_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
  rng_ = seed_;
  samples_.clear();
}

uint64_t NearestRank(const std::vector<uint64_t>& sorted, double p) {
  const double n = static_cast<double>(sorted.size());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * n));
  if (rank < 1) rank = 1;
  if (rank > sorted.size()) rank = sorted.size();
  return sorted[rank - 1];
}

std::optional<uint64_t> LatencyStats::Percentile(double p) const {
  if (samples_.empty() || !(p > 0 && p <= 100)) return std::nullopt;
  std::vector<uint64_t> sorted(samples_);
  std::sort(sorted.begin(), sorted.end());
  return NearestRank(sorted, p);
}

LatencySummary LatencyStats::Summarize() const {
  LatencySummary s;
  s.count = count_;
  if (count_ == 0) return s;
  std::vector<uint64_t> sorted(samples_);
  std::sort(sorted.begin(), sorted.end());
  s.min = min_;
  s.max = max_;
  s.p50 = NearestRank(sorted, 50);
  s.p99 = NearestRank(sorted, 99);
  s.mean = static_cast<double>(sum_) / static_cast<double>(count_);
  s.exact = count_ <= capacity_;
  return s;
}

}  // namespace vswitch::vsbench
