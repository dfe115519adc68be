// FlowTable: the control thread's authoritative set of rules in all tables, changed only by
// transactional bundles of flow-mods, each producing a new immutable FlowPipeline snapshot.
//
// TRANSACTIONS
// Commit(mods) applies a batch of flow-mods (add, modify, modify-strict, delete,
// delete-strict, delete by cookie/mask) in order, as one transaction:
//  1. mod by mod, in order: the mod is produced (Switch parses its text here, so a batch of a
//     million rules is never held as a million parsed mods), validated on its own
//     (ValidateRule: prerequisites, goto_table forward...) and applied to the rule set,
//     recording an undo log;
//  2. whole-set checks run (the longest goto_table chain reachable from table 0 must be at
//     most kMaxPipelineDepth; counter capacity);
//  3. a new snapshot is compiled.
// Any failure rolls back through the undo log and returns the index of the first bad mod and
// the field at fault ("flow-mod 3 (add): actions: goto_table:0: must go to a table after 0");
// the rule set and the current snapshot are then exactly as before. The undo log, instead of
// a copy of the whole rule set, keeps a one-rule change on a million-rule table cheap to
// apply (an add logs 12 bytes; only replaced/removed rules and old action lists are kept),
// and the snapshot is compiled incrementally (PipelineBuilder): only the rule chunks and
// (table, mask) subtables the commit touched are rebuilt, the rest is shared with the
// previous snapshot.
//
// OpenFlow semantics, as ovs-ofctl users expect:
//  - add replaces a rule with the same table, priority and match (new counters);
//  - modify (non-strict) replaces the actions of every rule its match covers, in its table or
//    all tables, optionally filtered by cookie/mask; counters and age are kept; no match is
//    not an error (and, like OVS, does not add);
//  - modify-strict / delete-strict select by exact table, priority and match;
//  - delete (non-strict) removes every rule its match covers (an empty match = all rules,
//    optionally by cookie/mask: "delete by cookie").
//
// THREADING: one thread (the control thread) calls everything here. Workers only see
// FlowPipeline snapshots, published by the caller (RCU), and RuleCounters.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "flow/flow_pipeline.h"
#include "flow/match_fields.h"
#include "flow/rule.h"
#include "flow/stored_rule.h"
#include "flow/rule_counters.h"

namespace vswitch::flow {

struct BundleError {
  size_t index = 0;   // position of the first bad mod in the batch
  std::string field;  // "actions", "table", "match", "priority", ...
  std::string reason;
};

// Thread CPU seconds spent in each phase of the last successful commit.
struct CommitTiming {
  double apply_seconds = 0;  // producing (parsing), checking and applying every mod
  double build_seconds = 0;  // compiling the new snapshot
};

// Produces mod i of a batch into *out, a reused object the source overwrites whole (e.g. by
// parsing the i-th rule text). A non-OK status rejects the batch, mod i blamed, the status as is.
using FlowModSource = std::function<Status(size_t i, FlowMod* out)>;

// The flow table's rules in fixed chunks of 4096: appending never moves the rules already
// stored. (A vector's growth copies the whole set into fresh memory: with a million ~300-byte
// rules that is ~300 MB to page-fault in, ~1 s on a VM, inside whatever one-rule commit
// happens to cross the capacity.) Indexing is one extra load; swap-remove via back/pop_back.
template <typename T>
class StableVector {
 public:
  static constexpr size_t kChunkBits = 12;
  static constexpr size_t kChunk = size_t{1} << kChunkBits;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  const T& operator[](size_t i) const { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  T& back() { return (*this)[size_ - 1]; }
  void push_back(T&& v) {
    if (chunks_.empty() || chunks_.back().size() == kChunk) {
      chunks_.emplace_back();
      if (!spare_.empty()) {
        chunks_.back().swap(spare_);
      } else {
        chunks_.back().reserve(kChunk);  // never grows past this: elements stay put
      }
    }
    chunks_.back().push_back(std::move(v));
    ++size_;
  }
  void pop_back() {
    chunks_.back().pop_back();
    --size_;
    if (chunks_.back().empty()) {
      // Keep one empty chunk, so adding and deleting around a chunk boundary does not
      // allocate and fault in a fresh chunk each time.
      spare_.swap(chunks_.back());
      chunks_.pop_back();
    }
  }

 private:
  std::vector<std::vector<T>> chunks_;
  std::vector<T> spare_;
  size_t size_ = 0;
};

class FlowTable {
 public:
  // `counters` (optional) is grown and reset as rule ids are allocated and recycled.
  explicit FlowTable(RuleCounters* counters = nullptr);
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // Applies all of `mods` or none (see above). `now_ns` stamps new rules (durations and
  // timeouts are measured in the caller's clock). On success pipeline() is the new snapshot.
  Status Commit(std::vector<FlowMod> mods, uint64_t now_ns, BundleError* error = nullptr);
  // The same for `count` mods produced one at a time by `next` and applied as they come (the
  // undo log takes back the applied ones if a later one fails), so a million-rule batch never
  // exists as a million parsed FlowMods next to the installed rules. `adds` bounds how many of
  // them add rules (the identity index is sized once).
  Status Commit(size_t count, size_t adds, const FlowModSource& next, uint64_t now_ns, BundleError* error = nullptr);

  // The snapshot compiled by the last successful commit (the fresh-switch pipeline before any).
  const std::shared_ptr<const FlowPipeline>& pipeline() const { return pipeline_; }

  size_t size() const { return rules_.size(); }
  // Rules the filter selects, ordered by table, priority (high first), age (old first).
  // Pointers stay valid until the next Commit.
  std::vector<const InstalledRule*> Select(const FlowFilter& filter) const;
  const InstalledRule* FindById(uint32_t id) const;

  // Ids of deleted/replaced rules are retired with the generation of the snapshot that
  // dropped them. Once every snapshot older than `oldest_live_generation` is gone (after the
  // RCU grace period), their ids can be reused: this resets their counters and frees them.
  void RecycleRetiredIds(uint64_t oldest_live_generation);

  // Delete-strict mods for the rules whose hard timeout passed, or whose idle timeout passed
  // since the later of creation and the last hit (counters' last_hit, same clock as now_ns).
  std::vector<FlowMod> ExpiredRules(uint64_t now_ns, const RuleCounters* counters) const;

  // `vsctl trace`: walks `key` through the current snapshot with the workers' own Walk() and
  // renders every table visited, the rule matched, the composed actions and the fate.
  std::string Trace(const FlowKey& key, const PortNamer& namer = nullptr) const;

  const CommitTiming& last_commit_timing() const { return timing_; }

 private:
  class IdentityIndex;
  struct UndoLog;

  Status ApplyMod(size_t i, FlowMod& mod, UndoLog* undo, BundleError* error);
  // What the whole-set depth check needs to know of each mod of the batch.
  struct ModShape {
    FlowModCommand command;
    bool all_tables;
    uint8_t table;
    uint8_t goto_table;  // kNoGoto when the rule has none
  };
  // Mod i on its own: table in range, and an add's or strict modify's rule valid by itself.
  Status CheckAlone(size_t i, const FlowMod& m, BundleError* error) const;
  Status CheckDepth(const std::vector<ModShape>& mods, BundleError* error) const;
  void Rollback(UndoLog* undo);

  // Primitives that keep the indexes and goto-edge counts in step.
  void InsertRule(InstalledRule&& r);
  InstalledRule RemoveAt(size_t index);
  ActionList SetActions(size_t index, ActionList actions);
  int FindIdentity(const Rule& r, uint32_t hash) const;
  void CountGoto(const StoredRule& r, int delta);
  uint32_t AllocateId();
  void Renumber();

  RuleCounters* counters_;
  StableVector<InstalledRule> rules_;
  MaskPool masks_;  // the stored rules' shared masks
  std::vector<uint32_t> index_of_id_;  // id -> index in rules_, UINT32_MAX = none
  std::unique_ptr<IdentityIndex> identity_;
  std::vector<uint32_t> goto_edges_;   // [from * kMaxTables + to] = number of rules
  size_t timed_rules_ = 0;             // rules with an idle or hard timeout
  uint32_t next_id_ = kDefaultRuleId + 1;
  std::vector<uint32_t> free_ids_;
  std::vector<std::pair<uint64_t, uint32_t>> retired_ids_;  // (generation, id)
  std::vector<uint32_t> allocated_this_commit_;
  std::vector<uint32_t> freed_this_commit_;
  uint32_t next_sequence_ = 0;
  uint64_t created_ns_ = 0;  // the commit's timestamp while it applies
  // Tracks which rule chunks and subtables a commit touched (rule ids are the handles), so
  // the next snapshot recompiles only those and shares the rest with the previous one.
  PipelineBuilder builder_;
  std::shared_ptr<const FlowPipeline> pipeline_;
  CommitTiming timing_;
};

}  // namespace vswitch::flow
