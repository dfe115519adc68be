// State persistence: after every successful mutating API call vswitchd writes its ports,
// static MACs, VNIs, static neighbours, routes, meters and flows to STATE_DIR/state.textproto
// (a vswitch.v1.Config in text format, so an operator can read it and use it as a --config
// file), and restores it at start-up.
//
// Writes are atomic (temporary file in the same directory, fsync, rename, fsync of the
// directory): after a crash the file holds either the previous or the new state, never a
// torn one.
//
// Flow changes are journaled, not snapshotted (see flow_journal.h): a committed batch is
// appended to STATE_DIR/flows.<G>.journal and fdatasync'ed, G being the generation written in
// the snapshot's first line. A full save writes generation G+1 and then removes journal G, so
// whatever a crash interrupts, the snapshot and the journal it names agree. The journal is
// folded into a snapshot when it outgrows it (and at every start-up).
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/flow_journal.h"
#include "switch/switch.h"
#include "vswitch/v1/vswitch.pb.h"

namespace vswitch::controlplane {

// The persisted view of a running switch: every port's requested config, and the static
// FDB entries (learned ones are not state: they are re-learned from traffic).
v1::Config SnapshotConfig(const std::vector<PortInfo>& ports, const std::vector<MacEntry>& macs);

// Replaces `path` with `contents` atomically; creates no directories.
Status WriteFileAtomically(const std::string& path, const std::string& contents);

class StateStore {
 public:
  static constexpr const char* kFileName = "state.textproto";

  // `dir` empty = persistence disabled (vswitchd --state-dir none).
  explicit StateStore(std::string dir) : dir_(std::move(dir)) {}
  ~StateStore() { CloseJournal(); }
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  bool enabled() const { return !dir_.empty(); }
  std::string path() const { return dir_ + "/" + kFileName; }

  // Creates the directory (mode 0750) if needed. Called once at start-up so a bad
  // --state-dir fails the daemon early rather than on the first API call.
  Status Prepare() const;

  // Loads the state file; a missing file is not an error (*found = false). With `journal`,
  // also the flow batches journaled after that snapshot, to replay in order (a torn last
  // batch is left out and reported in *journal_note).
  Status Load(v1::Config* out, bool* found, std::vector<FlowBatch>* journal = nullptr,
              std::string* journal_note = nullptr);

  // Snapshots `sw` and writes it (and starts a new, empty journal). Serialised, so concurrent
  // API calls cannot interleave snapshots and writes (the last writer holds the newest one).
  Status Save(const Switch& sw);

  // Flow changes: hold Lock() across the switch's commit and RecordFlowBatch, so the journal's
  // order is the commit order and no snapshot slips in between a commit and its record.
  std::unique_lock<std::mutex> Lock() { return std::unique_lock<std::mutex>(mutex_); }
  // Appends a committed batch to the journal (or saves a full snapshot when the journal has
  // outgrown the last snapshot, or the batch cannot be journaled). Caller holds Lock().
  Status RecordFlowBatch(const Switch& sw, std::span<const FlowModView> mods);

  std::string journal_path() const { return journal_path(generation_); }
  uint64_t generation() const { return generation_; }

 private:
  Status SaveLocked(const Switch& sw);
  std::string journal_path(uint64_t generation) const;
  void CloseJournal();

  std::string dir_;
  std::mutex mutex_;
  uint64_t generation_ = 0;      // of the snapshot on disk; its journal is flows.<generation_>.journal
  uint64_t snapshot_bytes_ = 0;  // size of that snapshot
  uint64_t journal_bytes_ = 0;   // size of its journal
  bool have_snapshot_ = false;   // a journal means nothing without the snapshot it follows
  int journal_fd_ = -1;
};

}  // namespace vswitch::controlplane
