// MeterState: one worker's side of every meter: the unspent credit of its last chunk from
// each meter's shared bucket, and its own counters. Only its worker writes it (plain loads
// and stores; counters are relaxed atomics that compile to plain moves on x86, so the control
// thread can read them while the worker runs). See meter_config_set.h for the algorithm.
//
// Per packet: one multiply-add for the cost, a compare and a subtract on the local credit,
// four counter stores. Once per chunk (or per drop while the meter is over its rate): a
// load of the shared bucket and, when credit is granted, one compare-and-swap.
#pragma once

#include <atomic>
#include <cassert>
#include <cstdint>
#include <memory>

#include "meter/meter_config_set.h"
#include "meter/meter_stats.h"

namespace vswitch::meter {

class MeterState {
 public:
  explicit MeterState(uint32_t capacity);
  MeterState(const MeterState&) = delete;
  MeterState& operator=(const MeterState&) = delete;

  uint32_t capacity() const { return capacity_; }

  // Worker only. Meters one packet of `bytes` bytes (frame length, < kMaxMeteredFrameBytes)
  // through the meter in `slot` (from set.SlotOf(id), not kNoMeterSlot) at TSC time `now`.
  // Returns false when the drop band drops it; the drop is counted here.
  bool Admit(const MeterConfigSet& set, uint32_t slot, uint64_t now, uint32_t bytes);

  // Worker only. The same for n <= 64 packets through one meter, in order; returns a mask
  // with bit i set when packet i is admitted. Counts once per burst.
  uint64_t AdmitBurst(const MeterConfigSet& set, uint32_t slot, uint64_t now, const uint32_t* bytes, uint32_t n);

  // Any thread: this worker's counters for a slot.
  MeterStats Read(uint32_t slot) const;
  // Control thread, only while no snapshot any worker may hold contains the slot: forgets the
  // slot's credit and counters before it is given to a new meter.
  void Reset(uint32_t slot);

  // The worker's unspent credit in a slot (ticks << kCreditFracBits), for tests.
  uint64_t credit(uint32_t slot) const { return slots_[slot].credit; }

 private:
  struct alignas(64) Slot {
    uint64_t credit = 0;
    std::atomic<uint64_t> packets_in{0};
    std::atomic<uint64_t> bytes_in{0};
    std::atomic<uint64_t> packets_dropped{0};
    std::atomic<uint64_t> bytes_dropped{0};
  };

  static void Bump(std::atomic<uint64_t>& c, uint64_t v) {
    c.store(c.load(std::memory_order_relaxed) + v, std::memory_order_relaxed);
  }
  static uint64_t Cost(const MeterFastConfig& c, uint32_t bytes) { return c.pkt_cost + uint64_t{bytes} * c.byte_cost; }
  // Slow path: tops `*credit` up from the shared bucket so it covers `cost`; false = no credit.
  static bool Refill(const MeterFastConfig& c, uint64_t now, uint64_t cost, uint64_t* credit);

  uint32_t capacity_;
  std::unique_ptr<Slot[]> slots_;
};

inline bool MeterState::Admit(const MeterConfigSet& set, uint32_t slot, uint64_t now, uint32_t bytes) {
  assert(slot < capacity_ && slot < set.capacity() && bytes < kMaxMeteredFrameBytes);
  Slot& s = slots_[slot];
  const MeterFastConfig& c = set.config(slot);
  uint64_t cost = Cost(c, bytes);
  Bump(s.packets_in, 1);
  Bump(s.bytes_in, bytes);
  if (__builtin_expect(s.credit >= cost, 1) || Refill(c, now, cost, &s.credit)) {
    s.credit -= cost;
    return true;
  }
  Bump(s.packets_dropped, 1);
  Bump(s.bytes_dropped, bytes);
  return false;
}

inline uint64_t MeterState::AdmitBurst(const MeterConfigSet& set, uint32_t slot, uint64_t now, const uint32_t* bytes,
                                       uint32_t n) {
  assert(slot < capacity_ && slot < set.capacity() && n <= 64);
  Slot& s = slots_[slot];
  const MeterFastConfig& c = set.config(slot);
  uint64_t credit = s.credit;
  uint64_t admitted = 0, in_bytes = 0, dropped = 0, dropped_bytes = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t cost = Cost(c, bytes[i]);
    in_bytes += bytes[i];
    if (__builtin_expect(credit >= cost, 1) || Refill(c, now, cost, &credit)) {
      credit -= cost;
      admitted |= uint64_t{1} << i;
    } else {
      ++dropped;
      dropped_bytes += bytes[i];
    }
  }
  s.credit = credit;
  Bump(s.packets_in, n);
  Bump(s.bytes_in, in_bytes);
  if (dropped) {
    Bump(s.packets_dropped, dropped);
    Bump(s.bytes_dropped, dropped_bytes);
  }
  return admitted;
}

}  // namespace vswitch::meter
