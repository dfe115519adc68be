// vsbench's results as text for people and as one JSON document for bench/run. Pure
// formatting of what the trials counted; latency is converted from TSC cycles to ns here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rfc2544_search.h"
#include "trial_report.h"
#include "vsbench_options.h"

namespace vswitch::vsbench {

struct RunReport {
  const VsbenchOptions* options = nullptr;
  uint64_t tsc_hz = 0;
  uint32_t frame_len = 0;               // bytes per frame in the buffer (no FCS)
  std::vector<TrialReport> trials;      // fixed rate: one; RFC 2544: every search step
  std::optional<SearchResult> search;   // set in --rfc2544 mode
};

std::string FormatJson(const RunReport& run);
std::string FormatText(const RunReport& run);

// Cycles -> nanoseconds at tsc_hz.
double CyclesToNs(double cycles, uint64_t tsc_hz);

}  // namespace vswitch::vsbench
