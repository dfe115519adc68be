// What `dump-meters` / `meter-stats` report for one meter: its configuration, the counters
// summed over every worker, how many flow rules use it and how long it has existed.
#pragma once

#include <cstdint>

#include "meter/meter_spec.h"

namespace vswitch::meter {

// "in" counts every packet that reached the meter; "dropped" the ones its drop band dropped
// (OpenFlow's packet_in_count/byte_in_count and the band's packet_count/byte_count).
struct MeterStats {
  uint64_t packets_in = 0;
  uint64_t bytes_in = 0;
  uint64_t packets_dropped = 0;
  uint64_t bytes_dropped = 0;

  bool operator==(const MeterStats&) const = default;
};

struct MeterEntry {
  MeterSpec spec;
  MeterStats stats;
  uint64_t flow_count = 0;       // from the in-use hook (0 when none is installed)
  double duration_seconds = 0;   // since Add (Modify keeps it, like OVS)
};

}  // namespace vswitch::meter
