// What one trial (a stretch of paced traffic followed by a drain) counted. Pure data.
#pragma once

#include <cstdint>

#include "latency_stats.h"

namespace vswitch::vsbench {

struct TrialReport {
  double target_mpps = 0;       // 0 = as fast as possible
  double seconds = 0;           // sending time (the drain that follows is not included)
  uint64_t tx_attempted = 0;    // frames built and handed to the tx port
  uint64_t tx_sent = 0;         // of those, accepted by the port
  uint64_t tx_ring_full = 0;    // refused by the port: the switch did not drain its ring
  uint64_t tx_alloc_failed = 0; // frames not built: vsbench's own pool was empty
  uint64_t pacing_slipped = 0;  // frames never offered because vsbench itself was preempted
  uint64_t rx_packets = 0;      // everything received
  uint64_t rx_probes = 0;       // frames of this trial that came back (probe found)
  uint64_t rx_stale = 0;        // vsbench frames from an earlier trial (arrived late)
  uint64_t rx_foreign = 0;      // frames without a vsbench probe
  uint64_t rx_reordered = 0;    // frames that arrived after a later-sent frame
  bool interrupted = false;     // SIGINT/SIGTERM ended the trial early
  LatencySummary latency;       // in TSC cycles

  uint64_t lost() const { return tx_attempted > rx_probes ? tx_attempted - rx_probes : 0; }
  double offered_mpps() const { return seconds > 0 ? tx_attempted / seconds / 1e6 : 0; }
  double rx_mpps() const { return seconds > 0 ? rx_probes / seconds / 1e6 : 0; }
};

}  // namespace vswitch::vsbench
