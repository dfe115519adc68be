#include "service/unix_socket_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace vswitch::controlplane {

namespace {

// True if a process accepts connections on the socket at `path`.
bool SomeoneListens(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return connected;
}

}  // namespace

Status PrepareUnixSocket(const std::string& path) {
  if (path.empty()) return Status::InvalidArgument("socket path is empty");
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return Status::InvalidArgument("socket path " + path + " is too long (at most " +
                                   std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + " characters)");
  }
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) return Status::InvalidArgument("cannot create directory " + parent.string() + ": " + error.message());
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Status::InvalidArgument("socket " + path + ": " + std::strerror(errno));
  }
  if (!S_ISSOCK(st.st_mode)) return Status::InvalidArgument("socket path " + path + " exists and is not a socket");
  if (SomeoneListens(path)) return Status::Unavailable("socket " + path + " is in use by another vswitchd");
  if (::unlink(path.c_str()) != 0) {
    return Status::InvalidArgument("cannot remove stale socket " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Status StartUnixSocketServer(const std::string& path, const std::vector<grpc::Service*>& services,
                             std::unique_ptr<grpc::Server>* server) {
  Status prepared = PrepareUnixSocket(path);
  if (!prepared.ok()) return prepared;
  grpc::ServerBuilder builder;
  int bound = 0;
  builder.AddListeningPort("unix:" + path, grpc::InsecureServerCredentials(), &bound);
  for (grpc::Service* service : services) builder.RegisterService(service);
  // A batch of 100k flow rules is ~6 MB, over gRPC's default 4 MB limit; the socket is local
  // and only root/the group may use it, so requests are not size-limited.
  builder.SetMaxReceiveMessageSize(-1);
  std::unique_ptr<grpc::Server> started = builder.BuildAndStart();
  if (!started || bound == 0) return Status::Unavailable("cannot listen on unix:" + path);
  // gRPC creates the socket with the process umask; tighten/widen it to exactly 0660.
  if (::chmod(path.c_str(), 0660) != 0) {
    std::string reason = std::strerror(errno);
    started->Shutdown();
    return Status::Internal("cannot set mode 0660 on " + path + ": " + reason);
  }
  *server = std::move(started);
  return Status::Ok();
}

}  // namespace vswitch::controlplane
