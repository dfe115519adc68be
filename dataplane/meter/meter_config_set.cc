#include "meter/meter_config_set.h"

namespace vswitch::meter {

namespace {

using u128 = unsigned __int128;

uint64_t CeilDiv(u128 a, u128 b) { return static_cast<uint64_t>((a + b - 1) / b); }

}  // namespace

// Credit of one unit (a packet for pktps, a kilobit for kbps): tsc_hz / rate ticks.
uint64_t UnitCost(const MeterSpec& spec, uint64_t tsc_hz) {
  return CeilDiv(static_cast<u128>(tsc_hz) << kCreditFracBits, spec.rate);
}

MeterFastConfig CompileMeter(const MeterSpec& spec, uint64_t tsc_hz, uint32_t num_workers, SharedBucket* shared) {
  MeterFastConfig c;
  c.id = spec.id;
  c.shared = shared;
  uint64_t unit_cost = UnitCost(spec, tsc_hz);
  if (spec.unit == MeterUnit::kPktps) {
    c.pkt_cost = unit_cost;
  } else {
    // 1 kbit = 1000 bits = 125 bytes.
    c.byte_cost = CeilDiv((static_cast<u128>(tsc_hz) << kCreditFracBits) * 8, static_cast<u128>(spec.rate) * 1000);
  }
  // The depth is the burst measured in the same (rounded-up) costs, so a burst of N packets
  // really admits N back-to-back packets.
  u128 depth = (static_cast<u128>(spec.EffectiveBurst()) * unit_cost + ((u128{1} << kCreditFracBits) - 1)) >> kCreditFracBits;
  if (depth > kMaxDepthTicks) depth = kMaxDepthTicks;
  if (depth == 0) depth = 1;
  c.depth_ticks = static_cast<uint64_t>(depth);
  uint64_t workers = num_workers == 0 ? 1 : num_workers;
  c.chunk_ticks = c.depth_ticks / (kChunksPerBurst * workers);
  if (c.chunk_ticks == 0) c.chunk_ticks = 1;
  return c;
}

}  // namespace vswitch::meter
