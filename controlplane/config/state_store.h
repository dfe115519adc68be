// State persistence: after every successful mutating API call vswitchd writes its ports,
// static MACs, VNIs, static neighbours, routes, meters and flows to STATE_DIR/state.textproto
// (a vswitch.v1.Config in text format, so an operator can read it and use it as a --config
// file), and restores it at start-up.
//
// Writes are atomic (temporary file in the same directory, fsync, rename, fsync of the
// directory): after a crash the file holds either the previous or the new state, never a
// torn one.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
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

  bool enabled() const { return !dir_.empty(); }
  std::string path() const { return dir_ + "/" + kFileName; }

  // Creates the directory (mode 0750) if needed. Called once at start-up so a bad
  // --state-dir fails the daemon early rather than on the first API call.
  Status Prepare() const;

  // Loads the state file; a missing file is not an error (*found = false).
  Status Load(v1::Config* out, bool* found) const;

  // Snapshots `sw` and writes it. Serialised, so concurrent API calls cannot interleave
  // snapshots and writes (the last writer always holds the newest snapshot).
  Status Save(const Switch& sw);

 private:
  std::string dir_;
  std::mutex mutex_;
};

}  // namespace vswitch::controlplane
