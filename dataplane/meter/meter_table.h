// MeterTable: the control thread's meter table (add-meter / mod-meter / del-meter /
// dump-meters / meter-stats) and the owner of everything the workers meter with.
//
// Contract with the switch (single-writer, many-reader, like FlowTable):
//  - Not thread-safe: the switch calls it under its own mutex, from the control thread.
//  - Every successful Commit builds a new immutable MeterConfigSet (snapshot()); the switch
//    publishes it with the forwarding state, so a batch of meter changes takes effect at once.
//  - Worker w meters with worker_state(w) and the snapshot it loaded; nothing else writes it.
//  - After the RCU grace period of a publish, the switch calls RecycleRetiredSlots with the
//    generation of the oldest snapshot a worker may still hold; slots of deleted meters are
//    reused only then, so a new meter never inherits a deleted one's credit or counters.
//  - A meter used by flow rules must not be deleted: the switch installs a flow counter
//    (SetFlowCounter) and Delete refuses with the number of rules; the same count is reported
//    as flow_count by List. Flow installs should check Contains(id) for every meter:ID.
//
// Modify keeps the meter's slot and counters; the shared bucket keeps its contents (in
// packets or kilobits), clamped to the new burst. Credit parked in workers' chunks (at most
// 1/8 of the old burst in total) is spent at the new rate.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "common/status.h"
#include "meter/meter_config_set.h"
#include "meter/meter_spec.h"
#include "meter/meter_state.h"
#include "meter/meter_stats.h"

namespace vswitch::meter {

struct MeterTableOptions {
  uint64_t tsc_hz = 0;           // the workers' clock (rte_get_tsc_hz())
  uint32_t num_workers = 1;      // one MeterState each
  uint32_t capacity = 4096;      // meters at once (1..65535); 64 bytes per meter per worker
};

struct MeterMod {
  enum class Command { kAdd, kModify, kDelete };
  Command command = Command::kAdd;
  MeterSpec spec;  // kDelete uses spec.id only; kAllMeters (0) deletes every meter
};

class MeterTable {
 public:
  static Status Create(const MeterTableOptions& options, std::unique_ptr<MeterTable>* out);
  MeterTable(const MeterTable&) = delete;
  MeterTable& operator=(const MeterTable&) = delete;

  // Applies all of `mods` in order, or none: each is checked against the table as the
  // earlier ones leave it, and the first bad one is reported as "meter-mod I: ..." (with its
  // index in *error_index). `now` (TSC) stamps new meters and clamps modified buckets.
  Status Commit(const std::vector<MeterMod>& mods, uint64_t now, size_t* error_index = nullptr);
  Status Add(const MeterSpec& spec, uint64_t now);
  Status Modify(const MeterSpec& spec, uint64_t now);
  Status Delete(uint32_t id);  // kAllMeters: all, refused if any is in use

  // Returns how many flow rules use meter `id`; Delete refuses while it is nonzero.
  using FlowCounter = std::function<uint64_t(uint32_t id)>;
  void SetFlowCounter(FlowCounter counter) { flow_counter_ = std::move(counter); }

  bool Contains(uint32_t id) const { return meters_.count(id) != 0; }
  const MeterSpec* Find(uint32_t id) const;
  size_t size() const { return meters_.size(); }
  std::vector<uint32_t> Ids() const;  // ascending

  // One meter (or all, ascending, for kAllMeters) with counters summed over the workers.
  // NotFound names an unknown id. `now` (TSC) gives the durations.
  Status List(uint32_t id, uint64_t now, std::vector<MeterEntry>* out) const;

  // The snapshot built by the last successful Commit (an empty set before any).
  const std::shared_ptr<const MeterConfigSet>& snapshot() const { return snapshot_; }
  MeterState& worker_state(uint32_t worker) { return *workers_[worker]; }
  const MeterState& worker_state(uint32_t worker) const { return *workers_[worker]; }
  uint32_t num_workers() const { return static_cast<uint32_t>(workers_.size()); }
  uint32_t capacity() const { return capacity_; }
  uint64_t tsc_hz() const { return tsc_hz_; }

  // Frees the slots of meters deleted by snapshots older than or equal to
  // `oldest_live_generation` (no worker can reach them any more).
  void RecycleRetiredSlots(uint64_t oldest_live_generation);
  // Slots a new meter can take now (capacity minus live and not yet recycled meters).
  size_t free_slots() const { return free_.size(); }

 private:
  struct Meter {
    MeterSpec spec;
    uint16_t slot;
    uint64_t created_tsc;
  };
  struct Retired {
    uint16_t slot;
    uint64_t generation;  // the first snapshot without it
  };

  explicit MeterTable(const MeterTableOptions& options);
  Status Check(const std::vector<MeterMod>& mods, size_t* error_index) const;
  uint64_t FlowCount(uint32_t id) const { return flow_counter_ ? flow_counter_(id) : 0; }
  // Carries the shared bucket's contents over from `old_spec` to `new_spec` at `now`.
  void ClampBucket(const MeterSpec& old_spec, const MeterSpec& new_spec, SharedBucket* bucket, uint64_t now) const;
  void BuildSnapshot();

  uint64_t tsc_hz_;
  uint32_t capacity_;
  std::map<uint32_t, Meter> meters_;
  std::vector<uint16_t> free_;   // a stack; the lowest slot on top
  std::vector<Retired> retired_;
  std::unique_ptr<SharedBucket[]> shared_;
  std::vector<std::unique_ptr<MeterState>> workers_;
  std::shared_ptr<const MeterConfigSet> snapshot_;
  uint64_t generation_ = 0;
  FlowCounter flow_counter_;
};

}  // namespace vswitch::meter
