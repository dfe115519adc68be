// Classifier: one flow table's wildcard lookup, by tuple-space search.
//
// THE ALGORITHM
// Rules are grouped by their mask (the "tuple": which bits they look at). All rules with the
// same mask live in one subtable: a hash table keyed by the masked header words. A lookup
// masks the packet's key with each subtable's mask, hashes the words that mask touches, and
// probes that subtable once; a hit is the best rule with exactly those masked values. The
// answer is the best hit over the subtables.
//
// Why it is fast here:
//  - A subtable stores the indices of the 64-bit key words its mask touches (OVS's
//    "miniflow" idea in its simplest form): an in_port-only subtable hashes one word, a
//    5-tuple one hashes four, not all fourteen.
//  - Subtables are sorted by the best rank they hold (see "ties"). A lookup walks them in that
//    order and stops at the first subtable whose best rank is below the best hit so far: a
//    high-priority exact rule answers after one probe, and the common "few masks, priorities
//    grouped by mask" rule set visits only the subtables that can still win (OVS classifier
//    does the same with its priority-sorted pvector).
//  - Within a subtable only the best rule of each distinct masked value is stored: rules with
//    an identical match and lower priority can never win, so the probe result is final.
//  - Open addressing with linear probing, load factor <= 1/2, one 8-byte slot per entry
//    {hash, entry}: a probe usually touches one slot line and one key line. The batched
//    lookup hashes the whole burst and prefetches every slot before it compares any, so the
//    memory latencies of a burst overlap (the dpcls / rte_hash_lookup_bulk pattern).
//  - The hash is CRC32-C over masked words (one instruction per word).
//
// CONTRACT
//  - Immutable after Build(): any number of threads may call Lookup/LookupBurst concurrently
//    with no locks; nothing is allocated, nothing virtual, nothing throws.
//  - Lookup returns the entry index (the caller's rule index) of the matching rule with the
//    greatest rank, or kNoRule.
//  - Ties: rank = (priority + 1) << 32 | ~sequence, where the sequence number orders rules by
//    when they were added (a modify keeps it). Among matching rules of equal priority the
//    earliest added wins; ranks are unique, so the answer is deterministic and identical to a
//    linear scan by (priority desc, sequence asc).
//  - Cost: O(number of subtables visited) probes, each O(words in that mask).
//
// SHARING (incremental rebuilds)
// A subtable is immutable once built and held by shared_ptr, so successive snapshots share
// the subtables a commit did not touch: FlowPipeline's builder rebuilds only the (table,
// mask) groups a commit changed (BuildSubtable) and assembles the classifier from old and
// new subtables (FromSubtables). A one-rule change then costs O(that rule's subtable), not
// O(all rules).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "flow/flow_match.h"

namespace vswitch::flow {

inline constexpr uint32_t kNoRule = UINT32_MAX;
// The largest burst LookupBurst handles in one call (a 64-bit activity mask).
inline constexpr uint32_t kMaxLookupBurst = 64;

// Rank of a rule: larger wins. See "Ties" above. `sequence` must be < UINT32_MAX.
inline uint64_t RuleRank(uint16_t priority, uint32_t sequence) {
  return (static_cast<uint64_t>(priority) + 1) << 32 | static_cast<uint32_t>(~sequence);
}

class Classifier {
 public:
  struct BuildEntry {
    uint32_t rule;         // returned by lookups
    uint64_t rank;         // RuleRank(...)
    const FlowKey* key;    // normalized (key == key & mask)
    const FlowKey* mask;
  };

  Classifier() = default;
  Classifier(Classifier&&) = default;
  Classifier& operator=(Classifier&&) = default;

  struct Subtable;

  // Builds the subtables from scratch. `entries` may be in any order.
  void Build(std::span<const BuildEntry> entries);

  // One subtable from entries that all have mask `mask` (empty span: nullptr).
  static std::shared_ptr<const Subtable> BuildSubtable(const FlowKey& mask, std::span<const BuildEntry> entries);
  // A classifier over existing subtables (non-null, any order; shared, not copied).
  static Classifier FromSubtables(std::vector<std::shared_ptr<const Subtable>> subtables);
  static uint64_t MaxRank(const Subtable& st);

  uint32_t Lookup(const FlowKey& key) const;
  // Lookup(k) for every packet k that agrees with `key` outside `packet_bits`, when that is one
  // answer: *determined is false when a subtable whose mask reads some of `packet_bits` could
  // outrank what the subtables that do not read them give (the answer then depends on the
  // packet). Used to precompute a port's walk (FlowPipeline::port_verdict).
  uint32_t LookupIgnoring(const FlowKey& key, const FlowKey& packet_bits, bool* determined) const;
  // out[i] = Lookup(*keys[i]) for i < n; n <= kMaxLookupBurst.
  void LookupBurst(const FlowKey* const keys[], uint32_t n, uint32_t out[]) const;

  size_t subtable_count() const { return subtables_.size(); }
  size_t entry_count() const;

 public:
  struct Slot {
    uint32_t hash;
    uint32_t entry;  // index + 1; 0 = empty
  };
  struct EntryInfo {
    uint64_t rank;
    uint32_t rule;
  };

  struct Subtable {
    uint64_t max_rank = 0;
    uint32_t n_words = 0;
    uint32_t slot_mask = 0;
    uint8_t word_index[kFlowKeyWords] = {};
    uint64_t mask_words[kFlowKeyWords] = {};
    std::vector<Slot> slots;
    std::vector<uint64_t> keys;  // entry e's masked words at [e * n_words, (e + 1) * n_words)
    std::vector<EntryInfo> entries;
    // When the mask covers all of in_port: (in_port, best rank among its entries), sorted by
    // port, so a port's precomputed walk can skip rules of other ports (LookupIgnoring).
    bool ranks_by_port = false;
    std::vector<std::pair<uint32_t, uint64_t>> port_ranks;

    // The best rank an entry of this subtable can have for packets from `port`.
    uint64_t MaxRankFor(uint32_t port) const;

    uint32_t Hash(const FlowKey& key) const;
    // Entry index matching `key` (hash precomputed), or UINT32_MAX.
    uint32_t Find(const FlowKey& key, uint32_t hash) const;
  };


 private:
  void Sort();

  // Sorted by max_rank, best first. `order_` repeats each subtable's max_rank next to its
  // pointer so the early-stop test reads one array.
  struct Ref {
    uint64_t max_rank;
    const Subtable* st;
  };
  std::vector<std::shared_ptr<const Subtable>> subtables_;
  std::vector<Ref> order_;
};

}  // namespace vswitch::flow
