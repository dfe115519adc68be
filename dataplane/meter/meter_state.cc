#include "meter/meter_state.h"

namespace vswitch::meter {

MeterState::MeterState(uint32_t capacity) : capacity_(capacity), slots_(new Slot[capacity]) {}

// Out of line: taken once per chunk of credit, or per packet only while the meter is dropping.
__attribute__((noinline)) bool MeterState::Refill(const MeterFastConfig& c, uint64_t now, uint64_t cost,
                                                  uint64_t* credit) {
  constexpr uint64_t kFracMask = (uint64_t{1} << kCreditFracBits) - 1;
  uint64_t need = (cost - *credit + kFracMask) >> kCreditFracBits;  // whole ticks still missing
  uint64_t want = need > c.chunk_ticks ? need : c.chunk_ticks;
  uint64_t grant = c.shared->Take(now, want, need, c.depth_ticks);
  if (grant == 0) return false;
  *credit += grant << kCreditFracBits;
  return true;
}

MeterStats MeterState::Read(uint32_t slot) const {
  const Slot& s = slots_[slot];
  MeterStats st;
  st.packets_in = s.packets_in.load(std::memory_order_relaxed);
  st.bytes_in = s.bytes_in.load(std::memory_order_relaxed);
  st.packets_dropped = s.packets_dropped.load(std::memory_order_relaxed);
  st.bytes_dropped = s.bytes_dropped.load(std::memory_order_relaxed);
  return st;
}

void MeterState::Reset(uint32_t slot) {
  Slot& s = slots_[slot];
  s.credit = 0;
  s.packets_in.store(0, std::memory_order_relaxed);
  s.bytes_in.store(0, std::memory_order_relaxed);
  s.packets_dropped.store(0, std::memory_order_relaxed);
  s.bytes_dropped.store(0, std::memory_order_relaxed);
}

}  // namespace vswitch::meter
