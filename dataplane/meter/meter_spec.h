// MeterSpec: one OpenFlow meter as an operator configures it (`ovs-ofctl add-meter` semantics).
//
// A meter has an id (1..65535), a unit (packets per second or kilobits per second) and one
// drop band: packets beyond `rate` (plus a burst allowance) are dropped. Multi-band meters and
// dscp_remark bands are not supported; the parser says so instead of ignoring them.
//
// Burst: as in Open vSwitch, `burst_size` may be given only with the `burst` flag and is then
// required. Without the flag the bucket depth is `rate` units, i.e. one second of traffic at
// the configured rate (that is what OVS hands its datapaths: dpif-netlink sends
// `flags & OFPMF13_BURST ? band->burst_size : band->rate`). Units follow the meter: packets
// for pktps, kilobits (1000 bits) for kbps. A kbps meter counts the frame as the switch sees
// it (Ethernet header to end of payload, no FCS, preamble or inter-frame gap), like OVS.
//
// `stats` (OFPMF_STATS) is kept so a dump shows what was configured; this switch always
// counts (the counters are per worker and cost one store each), so it changes nothing.
#pragma once

#include <cstdint>

#include "common/status.h"

namespace vswitch::meter {

inline constexpr uint32_t kMaxMeterId = 65535;
// "Every meter" where an id selects meters (del-meter, dump-meters, meter-stats).
inline constexpr uint32_t kAllMeters = 0;

enum class MeterUnit : uint8_t { kPktps, kKbps };

struct MeterSpec {
  uint32_t id = 0;
  MeterUnit unit = MeterUnit::kPktps;
  bool burst = false;       // OFPMF_BURST: burst_size is given
  bool stats = false;       // OFPMF_STATS: informational, see above
  uint32_t rate = 0;        // packets/s or kbit/s, >= 1
  uint32_t burst_size = 0;  // packets or kbit; nonzero iff `burst`

  // Bucket depth in the meter's unit: burst_size with the `burst` flag, else one second.
  uint64_t EffectiveBurst() const { return burst ? burst_size : rate; }

  bool operator==(const MeterSpec&) const = default;
};

// Meaning checks shared by the parser and MeterTable (an API caller may build a MeterSpec
// without text): id range, rate >= 1, burst flag <=> burst_size. Errors name the field.
Status ValidateMeterSpec(const MeterSpec& spec);

}  // namespace vswitch::meter
