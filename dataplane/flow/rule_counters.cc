#include "flow/rule_counters.h"

#include <algorithm>
#include <new>
#include <string>

namespace vswitch::flow {

RuleCounters::RuleCounters(uint32_t num_workers, uint32_t max_rules)
    : num_workers_(num_workers), num_chunks_((max_rules + kChunkSize - 1) / kChunkSize) {
  dirs_.reserve(num_workers);
  for (uint32_t w = 0; w < num_workers; ++w) {
    dirs_.emplace_back(new std::atomic<Cell*>[num_chunks_]);
    for (uint32_t c = 0; c < num_chunks_; ++c) dirs_[w][c].store(nullptr, std::memory_order_relaxed);
  }
}

RuleCounters::~RuleCounters() {
  for (auto& dir : dirs_) {
    for (uint32_t c = 0; c < allocated_chunks_; ++c) {
      Cell* cells = dir[c].load(std::memory_order_relaxed);
      for (uint32_t i = 0; i < kChunkSize; ++i) cells[i].~Cell();
      ::operator delete(cells, std::align_val_t{64});
    }
  }
}

Status RuleCounters::EnsureCapacity(uint32_t limit) {
  uint32_t need = (limit + kChunkSize - 1) / kChunkSize;
  if (need > num_chunks_) {
    return Status::ResourceExhausted("rule counters: " + std::to_string(limit) + " rule ids exceed the limit of " +
                                     std::to_string(max_rules()));
  }
  for (; allocated_chunks_ < need; ++allocated_chunks_) {
    for (auto& dir : dirs_) {
      // Each worker's chunk is its own 64-byte-aligned allocation: no line is shared.
      void* mem = ::operator new(sizeof(Cell) * kChunkSize, std::align_val_t{64});
      Cell* cells = static_cast<Cell*>(mem);
      for (uint32_t i = 0; i < kChunkSize; ++i) new (&cells[i]) Cell();
      dir[allocated_chunks_].store(cells, std::memory_order_release);
    }
  }
  return Status::Ok();
}

RuleCounters::Cell* RuleCounters::CellFor(uint32_t worker, uint32_t rule_id) const {
  uint32_t chunk = rule_id >> kChunkBits;
  if (chunk >= allocated_chunks_) return nullptr;
  return &dirs_[worker][chunk].load(std::memory_order_acquire)[rule_id & (kChunkSize - 1)];
}

RuleStats RuleCounters::Read(uint32_t rule_id) const {
  RuleStats s;
  for (uint32_t w = 0; w < num_workers_; ++w) {
    const Cell* c = CellFor(w, rule_id);
    if (!c) return s;
    s.packets += c->packets.load(std::memory_order_relaxed);
    s.bytes += c->bytes.load(std::memory_order_relaxed);
    s.last_hit = std::max(s.last_hit, c->last_hit.load(std::memory_order_relaxed));
  }
  return s;
}

void RuleCounters::Reset(uint32_t rule_id) {
  for (uint32_t w = 0; w < num_workers_; ++w) {
    Cell* c = CellFor(w, rule_id);
    if (!c) return;
    c->packets.store(0, std::memory_order_relaxed);
    c->bytes.store(0, std::memory_order_relaxed);
    c->last_hit.store(0, std::memory_order_relaxed);
  }
}

}  // namespace vswitch::flow
