// MeterConfigSet: the immutable meter snapshot the workers read, and the per-meter bucket
// that all workers share.
//
// How a meter is enforced across workers (the long version is in README.md):
//
// Each meter's token bucket is kept as *time*: a GCRA ("virtual scheduling") bucket whose
// only state is the theoretical arrival time `tat`, in TSC ticks. The bucket holds
// depth - max(tat - now, 0) ticks of credit; at the meter's rate one packet (pktps) or one
// byte (kbps) is worth a fixed number of ticks, precomputed here, so no division ever happens
// per packet. Time-denominated credit is rate-agnostic, which is what lets several workers
// share one bucket cheaply:
//
//  - Shared part (SharedBucket, one cache line per meter): a worker takes credit from it in
//    chunks with one compare-and-swap on `tat`, never per packet. A chunk is 1/8 of the
//    burst divided by the number of workers (at least what the packet at hand needs).
//  - Local part (MeterState, per worker, written only by its worker): the unspent credit of
//    the worker's last chunk. A packet that fits in it costs a compare and a subtract.
//
// The long-term rate is exact however a meter's traffic is spread over workers (RSS may put
// one flow, or all of a port's flows, on one worker); the burst tolerance can exceed the
// configured one by the credit parked in workers' chunks, at most burst/8 in total.
//
// Fixed point: local credit and per-packet costs are TSC ticks << kCreditFracBits, so a
// kbps meter at 100 Gbit/s with a 2 GHz TSC (0.16 ticks per byte) keeps 5 significant
// digits. Bucket depth is capped at kMaxDepthTicks (2^46 ticks: 9.7 hours at 2 GHz) so no sum
// can overflow; costs are rounded up, so a meter never admits more than its rate.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "meter/meter_spec.h"

namespace vswitch::meter {

inline constexpr uint32_t kCreditFracBits = 16;
inline constexpr uint64_t kMaxDepthTicks = uint64_t{1} << 46;
// Credit taken from the shared bucket at once = depth / (kChunksPerBurst * workers).
inline constexpr uint32_t kChunksPerBurst = 8;
// A frame's byte count must stay below this for the cost product to fit 64 bits.
inline constexpr uint32_t kMaxMeteredFrameBytes = 1u << 20;

inline constexpr uint16_t kNoMeterSlot = 0xFFFF;
inline constexpr uint32_t kMaxMeterSlots = 0xFFFF;

// The part of a meter's bucket every worker takes credit from.
struct alignas(64) SharedBucket {
  // GCRA theoretical arrival time (TSC ticks). 0 = never used: the bucket starts full.
  std::atomic<uint64_t> tat{0};

  // Takes up to `want` ticks of credit (at least `need`, else nothing) at time `now`.
  // Returns the ticks granted (0 = the bucket has less than `need`). Lock-free; contention
  // only between workers refilling the same meter, once per chunk.
  uint64_t Take(uint64_t now, uint64_t want, uint64_t need, uint64_t depth) {
    uint64_t tat_now = tat.load(std::memory_order_relaxed);
    for (;;) {
      uint64_t start = tat_now > now ? tat_now : now;  // an idle bucket is full, not fuller
      uint64_t debt = start - now;                      // credit already handed out ahead of now
      if (debt >= depth || depth - debt < need) return 0;
      uint64_t avail = depth - debt;
      uint64_t grant = want < avail ? want : avail;
      if (tat.compare_exchange_weak(tat_now, start + grant, std::memory_order_relaxed)) return grant;
    }
  }

  // Credit available at `now` (ticks), for the control thread and tests.
  uint64_t Available(uint64_t now, uint64_t depth) const {
    uint64_t t = tat.load(std::memory_order_relaxed);
    uint64_t debt = t > now ? t - now : 0;
    return debt >= depth ? 0 : depth - debt;
  }
};

// One meter compiled for the fast path: everything a worker needs, in one cache line.
struct alignas(64) MeterFastConfig {
  uint64_t pkt_cost = 0;     // credit per packet (pktps), 0 for kbps
  uint64_t byte_cost = 0;    // credit per byte (kbps), 0 for pktps
  uint64_t depth_ticks = 0;  // the burst, as ticks at the meter's rate (<= kMaxDepthTicks)
  uint64_t chunk_ticks = 0;  // credit a worker takes from the shared bucket at once (>= 1)
  SharedBucket* shared = nullptr;
  uint32_t id = 0;           // 0 = the slot is empty
};

// Converts a valid spec to TSC units. `unit_cost` (credit of one packet or one kbit) is also
// what Modify uses to carry a bucket's contents over to a new rate.
MeterFastConfig CompileMeter(const MeterSpec& spec, uint64_t tsc_hz, uint32_t num_workers, SharedBucket* shared);
uint64_t UnitCost(const MeterSpec& spec, uint64_t tsc_hz);

class MeterTable;

// The immutable snapshot: meter id -> slot, slot -> compiled config. Built by MeterTable,
// published by the switch with RCU (like the flow pipeline), never changed after.
class MeterConfigSet {
 public:
  // The slot of meter `id`, kNoMeterSlot when the set has no such meter. One load.
  uint16_t SlotOf(uint32_t id) const { return id <= kMaxMeterId ? slot_of_[id] : kNoMeterSlot; }
  const MeterFastConfig& config(uint32_t slot) const { return configs_[slot]; }

  uint32_t capacity() const { return static_cast<uint32_t>(configs_.size()); }
  uint32_t size() const { return size_; }
  // Process-unique, increasing: tells MeterTable::RecycleRetiredSlots which snapshots are gone.
  uint64_t generation() const { return generation_; }

 private:
  friend class MeterTable;
  MeterConfigSet() = default;

  std::vector<MeterFastConfig> configs_;     // indexed by slot
  std::unique_ptr<uint16_t[]> slot_of_;      // kMaxMeterId + 1 entries
  uint32_t size_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace vswitch::meter
