// RFC 2544 section 26.1 style throughput search: the highest offered rate at which a trial
// loses no more than the tolerated fraction of its frames, found by binary search between 0
// and a maximum rate. Pure logic: the trial itself is a callback, so the search is tested
// without traffic and runs the real trials in vsbench.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace vswitch::vsbench {

struct TrialCounts {
  uint64_t offered = 0;   // frames the generator tried to send during the trial
  uint64_t received = 0;  // of those, frames that came back
};

struct SearchSettings {
  double max_mpps = 1.0;          // first trial; also the upper bound
  double resolution_mpps = 0.01;  // stop when the pass/fail bracket is narrower than this
  double loss_tolerance = 0.0;    // fraction of offered frames that may be lost (0 = zero loss)
  int max_trials = 16;
};

struct SearchStep {
  double rate_mpps;
  TrialCounts counts;
  double loss_ratio;
  bool passed;
};

struct SearchResult {
  double throughput_mpps = 0;  // highest passing rate tried; 0 when none passed
  int best_step = -1;          // index into steps of that trial, -1 when none passed
  std::vector<SearchStep> steps;
};

// Fraction of offered frames lost (0 when more came back than were sent: duplicates are not
// negative loss). A trial that offered nothing has loss 1: it proves nothing.
double LossRatio(const TrialCounts& counts);
bool TrialPassed(const TrialCounts& counts, double loss_tolerance);

// Runs trials until the bracket [highest pass, lowest fail] is narrower than the resolution
// or max_trials ran; the first trial is at max_mpps, and if it passes the search ends there.
// trial(rate) returns the counts of one trial at that rate; returning offered == 0 (the run
// was interrupted) ends the search.
SearchResult Rfc2544Search(const SearchSettings& settings,
                           const std::function<TrialCounts(double rate_mpps)>& trial);

}  // namespace vswitch::vsbench
