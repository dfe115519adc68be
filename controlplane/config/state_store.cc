#include "config/state_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "config/config_file.h"
#include "config/flow_config.h"
#include "config/tunnel_config.h"
#include "convert/port_convert.h"

namespace vswitch::controlplane {

namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

Status WriteAll(int fd, const std::string& contents, const std::string& path) {
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Internal(Errno("cannot write " + path));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

v1::Config SnapshotConfig(const std::vector<PortInfo>& ports, const std::vector<MacEntry>& macs) {
  v1::Config config;
  for (const PortInfo& port : ports) *config.add_ports() = PortToProto(port.config);
  for (const MacEntry& entry : macs) {
    if (!entry.is_static) continue;
    v1::MacEntry* out = config.add_static_macs();
    out->set_vlan(entry.vlan);
    out->set_mac(entry.mac);
    out->set_port(entry.port);
    out->set_vni(entry.vni);
    out->set_remote_ip(entry.remote_ip);
  }
  return config;
}

Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Status::Internal(Errno("cannot create " + temp));
  Status status = WriteAll(fd, contents, temp);
  if (status.ok() && ::fsync(fd) != 0) status = Status::Internal(Errno("cannot fsync " + temp));
  if (::close(fd) != 0 && status.ok()) status = Status::Internal(Errno("cannot close " + temp));
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = Status::Internal(Errno("cannot rename " + temp + " to " + path));
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  // The rename is only durable once the directory entry is on disk.
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

Status StateStore::Prepare() const {
  if (!enabled()) return Status::Ok();
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  if (error) return Status::InvalidArgument("state directory " + dir_ + ": " + error.message());
  if (!std::filesystem::is_directory(dir_)) {
    return Status::InvalidArgument("state directory " + dir_ + " is not a directory");
  }
  if (::access(dir_.c_str(), W_OK) != 0) return Status::InvalidArgument(Errno("state directory " + dir_));
  return Status::Ok();
}

namespace {

constexpr std::string_view kGenerationPrefix = "# vswitchd state, journal generation ";
// Fold the journal into a snapshot once it is larger than this plus four snapshots: a bulk
// install of up to ~1M rules stays a journal append, and a journal never grows far past the
// state it describes (replaying it at start-up stays proportional).
constexpr uint64_t kJournalSlackBytes = 64ull << 20;

// The generation named by a snapshot's first line; 0 for files written before journals.
uint64_t GenerationOf(const std::string& text) {
  if (text.compare(0, kGenerationPrefix.size(), kGenerationPrefix) != 0) return 0;
  return std::strtoull(text.c_str() + kGenerationPrefix.size(), nullptr, 10);
}

Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Internal(Errno("cannot read " + path));
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return Status::Ok();
}

}  // namespace

std::string StateStore::journal_path(uint64_t generation) const {
  return dir_ + "/flows." + std::to_string(generation) + ".journal";
}

void StateStore::CloseJournal() {
  if (journal_fd_ >= 0) ::close(journal_fd_);
  journal_fd_ = -1;
}

Status StateStore::Load(v1::Config* out, bool* found, std::vector<FlowBatch>* journal, std::string* journal_note) {
  *found = false;
  if (journal) journal->clear();
  if (!enabled()) return Status::Ok();
  std::error_code error;
  if (!std::filesystem::exists(path(), error)) return Status::Ok();
  *found = true;
  std::string text;
  if (Status read = ReadFile(path(), &text); !read.ok()) return read;
  if (Status parsed = ParseConfig(text, ConfigFormatForPath(path()), path(), out); !parsed.ok()) return parsed;
  std::lock_guard<std::mutex> lock(mutex_);
  CloseJournal();
  generation_ = GenerationOf(text);
  have_snapshot_ = true;
  snapshot_bytes_ = text.size();
  journal_bytes_ = 0;
  // Journals of other generations are left from a save a crash cut between its rename and
  // its unlink: the snapshot already holds them.
  for (const auto& entry : std::filesystem::directory_iterator(dir_, error)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("flows.", 0) == 0 && name.size() > 14 && name.compare(name.size() - 8, 8, ".journal") == 0 &&
        entry.path().string() != journal_path()) {
      std::filesystem::remove(entry.path(), error);
    }
  }
  if (!std::filesystem::exists(journal_path(), error)) return Status::Ok();
  std::string journal_text;
  if (Status read = ReadFile(journal_path(), &journal_text); !read.ok()) return read;
  journal_bytes_ = journal_text.size();
  if (!journal) return Status::Ok();
  bool torn = false;
  if (Status parsed = ParseJournal(journal_text, journal, &torn); !parsed.ok()) {
    return parsed.WithContext(journal_path());
  }
  if (torn && journal_note) *journal_note = journal_path() + ": its last batch is incomplete (cut by a crash) and was not replayed";
  return Status::Ok();
}

Status StateStore::Save(const Switch& sw) {
  if (!enabled()) return Status::Ok();
  std::lock_guard<std::mutex> lock(mutex_);
  return SaveLocked(sw);
}

Status StateStore::SaveLocked(const Switch& sw) {
  v1::Config snapshot = SnapshotConfig(sw.ListPorts(), sw.ListMacs());
  SnapshotTunnels(sw, &snapshot);
  SnapshotFlows(sw, &snapshot);
  const uint64_t next = generation_ + 1;
  std::string text = std::string(kGenerationPrefix) + std::to_string(next) + " (flow changes after this snapshot: " +
                     "flows." + std::to_string(next) + ".journal)\n" + ConfigToText(snapshot);
  if (Status written = WriteFileAtomically(path(), text); !written.ok()) return written;
  // The snapshot now names journal `next`: the old journal is history.
  CloseJournal();
  ::unlink(journal_path(generation_).c_str());
  generation_ = next;
  have_snapshot_ = true;
  snapshot_bytes_ = text.size();
  journal_bytes_ = 0;
  return Status::Ok();
}

Status StateStore::RecordFlowBatch(const Switch& sw, std::span<const FlowModView> mods) {
  if (!enabled()) return Status::Ok();
  std::string batch;
  if (!have_snapshot_ || journal_bytes_ > kJournalSlackBytes + 4 * snapshot_bytes_ || !AppendJournalBatch(mods, &batch)) {
    return SaveLocked(sw);
  }
  if (journal_fd_ < 0) {
    journal_fd_ = ::open(journal_path().c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (journal_fd_ < 0) return Status::Internal(Errno("cannot open " + journal_path()));
  }
  Status status = WriteAll(journal_fd_, batch, journal_path());
  if (status.ok() && ::fdatasync(journal_fd_) != 0) status = Status::Internal(Errno("cannot fdatasync " + journal_path()));
  if (!status.ok()) {
    // Cut a partial append off (later batches must not run into it), then record the truth
    // in a full snapshot, which starts a new journal.
    if (::ftruncate(journal_fd_, static_cast<off_t>(journal_bytes_)) != 0) {
      std::fprintf(stderr, "vswitchd: warning: %s\n", Errno("cannot truncate " + journal_path()).c_str());
    }
    CloseJournal();
    Status saved = SaveLocked(sw);
    return saved.ok() ? Status::Ok() : status;
  }
  journal_bytes_ += batch.size();
  return Status::Ok();
}

}  // namespace vswitch::controlplane
