#include "rfc2544_search.h"

namespace vswitch::vsbench {

double LossRatio(const TrialCounts& counts) {
  if (counts.offered == 0) return 1.0;
  if (counts.received >= counts.offered) return 0.0;
  return static_cast<double>(counts.offered - counts.received) / static_cast<double>(counts.offered);
}

bool TrialPassed(const TrialCounts& counts, double loss_tolerance) {
  return counts.offered > 0 && LossRatio(counts) <= loss_tolerance;
}

SearchResult Rfc2544Search(const SearchSettings& settings,
                           const std::function<TrialCounts(double rate_mpps)>& trial) {
  SearchResult result;
  double low = 0;                     // highest rate known to pass (0: none yet)
  double high = settings.max_mpps;    // lowest rate known to fail, once one did
  double rate = settings.max_mpps;
  for (int i = 0; i < settings.max_trials; ++i) {
    const TrialCounts counts = trial(rate);
    if (counts.offered == 0) break;
    const bool passed = TrialPassed(counts, settings.loss_tolerance);
    result.steps.push_back({rate, counts, LossRatio(counts), passed});
    if (passed) {
      low = rate;
      result.throughput_mpps = rate;
      result.best_step = static_cast<int>(result.steps.size()) - 1;
      if (rate >= settings.max_mpps) break;  // the maximum passes: nothing above to find
    } else {
      high = rate;
    }
    if (high - low <= settings.resolution_mpps) break;
    rate = (low + high) / 2;
  }
  return result;
}

}  // namespace vswitch::vsbench
