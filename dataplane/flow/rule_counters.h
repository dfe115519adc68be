// RuleCounters: per-rule packet/byte/last-hit counters, one private copy per worker.
//
// Layout: for each worker, a directory of fixed-size chunks (4096 rules x 24 bytes, 64-byte
// aligned). Counter (worker w, rule id r) lives in worker w's chunk r >> 12 at r & 4095. A
// worker only ever writes its own chunks, so no two workers share a cache line and no atomic
// read-modify-write is needed: the single writer does load + add + store (relaxed atomics,
// which compile to plain moves on x86), and a reader sums the workers' copies.
//
// Chunks are allocated by the control thread (EnsureCapacity) before a snapshot that uses
// the new ids is published, and are never moved or freed while the block lives, so a worker
// never sees a counter disappear under it and growth loses no increments (unlike a
// grow-and-copy array).
//
// Rule ids are small integers chosen by FlowTable; an id is reused only after every snapshot
// that could still reference it has been retired (FlowTable::RecycleRetiredIds), and it is
// reset when recycled.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"

namespace vswitch::flow {

struct RuleStats {
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t last_hit = 0;  // the largest timestamp any worker recorded (caller's clock), 0 = never
};

class RuleCounters {
 public:
  static constexpr uint32_t kChunkBits = 12;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;

  // `max_rules` bounds rule ids (rounded up to whole chunks); only touched chunks cost memory.
  RuleCounters(uint32_t num_workers, uint32_t max_rules = 1u << 24);
  ~RuleCounters();
  RuleCounters(const RuleCounters&) = delete;
  RuleCounters& operator=(const RuleCounters&) = delete;

  uint32_t num_workers() const { return num_workers_; }
  uint32_t max_rules() const { return num_chunks_ * kChunkSize; }

  // Control thread: makes ids < limit countable on every worker.
  Status EnsureCapacity(uint32_t limit);

  // Worker `worker` only. The id must be below a limit passed to EnsureCapacity.
  void Hit(uint32_t worker, uint32_t rule_id, uint64_t packets, uint64_t bytes, uint64_t now) {
    Cell& c = dirs_[worker][rule_id >> kChunkBits].load(std::memory_order_acquire)[rule_id & (kChunkSize - 1)];
    c.packets.store(c.packets.load(std::memory_order_relaxed) + packets, std::memory_order_relaxed);
    c.bytes.store(c.bytes.load(std::memory_order_relaxed) + bytes, std::memory_order_relaxed);
    c.last_hit.store(now, std::memory_order_relaxed);
  }

  // Any thread: the sum over workers (a consistent-enough snapshot for statistics).
  RuleStats Read(uint32_t rule_id) const;
  // Control thread, only when no worker can still hit this id.
  void Reset(uint32_t rule_id);

 private:
  struct Cell {
    std::atomic<uint64_t> packets{0};
    std::atomic<uint64_t> bytes{0};
    std::atomic<uint64_t> last_hit{0};
  };
  Cell* CellFor(uint32_t worker, uint32_t rule_id) const;

  uint32_t num_workers_;
  uint32_t num_chunks_;
  // dirs_[worker][chunk]: chunk pointers, written once by the control thread.
  std::vector<std::unique_ptr<std::atomic<Cell*>[]>> dirs_;
  uint32_t allocated_chunks_ = 0;
};

}  // namespace vswitch::flow
