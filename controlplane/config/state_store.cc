#include "config/state_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

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

Status StateStore::Load(v1::Config* out, bool* found) const {
  *found = false;
  if (!enabled()) return Status::Ok();
  std::error_code error;
  if (!std::filesystem::exists(path(), error)) return Status::Ok();
  *found = true;
  return LoadConfigFile(path(), out);
}

Status StateStore::Save(const Switch& sw) {
  if (!enabled()) return Status::Ok();
  std::lock_guard<std::mutex> lock(mutex_);
  v1::Config snapshot = SnapshotConfig(sw.ListPorts(), sw.ListMacs());
  SnapshotTunnels(sw, &snapshot);
  SnapshotFlows(sw, &snapshot);
  return WriteFileAtomically(path(), ConfigToText(snapshot));
}

}  // namespace vswitch::controlplane
