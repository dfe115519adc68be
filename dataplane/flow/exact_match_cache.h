// ExactMatchCache (EMC): a worker's small cache of whole pipeline results, keyed by the
// FlowKey as the pipeline sees it (its KeyProjection: the bits some rule reads), in front of
// the wildcard classifier.
//
// CONTRACT
//  - One cache per worker; never shared, so no locks or atomics.
//  - An entry holds {generation, key hash, projected FlowKey, PipelineResult}. A lookup hits
//    only if the hash, the projected key AND the generation match the pipeline snapshot the worker is using
//    now. Publishing a new snapshot (any rule change) changes the generation, so every old
//    entry becomes a miss at once without touching the cache: lazy invalidation. The very next
//    packet of an existing flow is classified against the new rules.
//  - A stored PipelineResult holds rule indices into the snapshot of its generation. They are
//    only dereferenced on a generation match, i.e. against that same (live) snapshot.
//  - 2-way: a key may sit at two positions (low and high hash bits). Insert takes a stale or
//    same-key slot first, else evicts one of the two (chosen by a hash bit).
//  - Sizing: 192 bytes per entry; the default 8192 entries is 1.5 MiB per worker (OVS's EMC
//    also holds 8192 flows). Traffic with more concurrent flows than that misses and pays a
//    classifier lookup, as in OVS.
//  - Adaptive bypass: with far more flows than entries the cache only costs (a full-key hash,
//    two cache-line probes and an insert per packet, for a low hit rate). ClassifyBurst
//    reports each burst's hits; when the hit rate over a window of 4096 lookups falls below
//    1/4, the cache is bypassed and only one burst in 64 still probes and inserts, which is
//    enough to notice when the flow count drops again (the rate recovers and bypass ends).
//    Correctness never depends on it: a bypassed packet is walked like any miss.
#pragma once

#include <cstdint>
#include <memory>

#include "flow/flow_match.h"
#include "flow/flow_pipeline.h"

namespace vswitch::flow {

class ExactMatchCache {
 public:
  // `entries` is rounded up to a power of two (minimum 2).
  explicit ExactMatchCache(uint32_t entries = 8192);

  // The cached result for `key` if it was stored under `generation`, else nullptr. `proj` is
  // the projection of that generation's pipeline (the same for every call of a generation),
  // `hash` the hash of the projected key.
  const PipelineResult* Lookup(const FlowKey& key, uint32_t hash, uint64_t generation,
                               const KeyProjection& proj) const {
    const Entry& a = entries_[hash & mask_];
    if (a.generation == generation && a.hash == hash && proj.SameAs(a.key, key)) return &a.result;
    const Entry& b = entries_[(hash >> 16) & mask_];
    if (b.generation == generation && b.hash == hash && proj.SameAs(b.key, key)) return &b.result;
    return nullptr;
  }

  void Prefetch(uint32_t hash) const {
    __builtin_prefetch(&entries_[hash & mask_]);
    __builtin_prefetch(&entries_[(hash >> 16) & mask_]);
  }

  void Insert(const FlowKey& key, uint32_t hash, uint64_t generation, const KeyProjection& proj,
              const PipelineResult& result);

  // Empties the cache (not needed for correctness: generations already invalidate).
  void Clear();

  uint32_t capacity() const { return mask_ + 1; }

  // Adaptive bypass (see above). ShouldProbe is asked once per burst.
  bool ShouldProbe() { return !bypass_ || (++bypassed_bursts_ & 63) == 0; }
  void RecordBurst(uint32_t hits, uint32_t lookups) {
    window_hits_ += hits;
    window_lookups_ += lookups;
    if (window_lookups_ < (bypass_ ? 512u : 4096u)) return;
    bypass_ = window_hits_ * 4 < window_lookups_;
    window_hits_ = window_lookups_ = 0;
  }
  bool bypassed() const { return bypass_; }

 private:
  struct alignas(64) Entry {
    uint64_t generation;  // 0 = empty
    uint32_t hash;
    uint32_t pad;
    FlowKey key;  // projected: bits outside the projection are zero
    PipelineResult result;
  };
  static_assert(sizeof(Entry) <= 192, "an entry spans at most 3 cache lines");

  std::unique_ptr<Entry[]> entries_;
  uint32_t mask_;
  bool bypass_ = false;
  uint32_t bypassed_bursts_ = 0;
  uint32_t window_hits_ = 0;
  uint32_t window_lookups_ = 0;
};

}  // namespace vswitch::flow
