#include "port/packet_socket.h"

#include <dirent.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace vswitch {

namespace {

// True when `fd` is an AF_PACKET socket bound to interface index `ifindex`.
bool IsPacketSocketOn(int fd, int ifindex) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  int domain = 0;
  socklen_t len = sizeof(domain);
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 || domain != AF_PACKET) return false;
  struct sockaddr_ll addr = {};
  len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<struct sockaddr*>(&addr), &len) != 0) return false;
  return addr.sll_ifindex == ifindex;
}

// Classic BPF run by the kernel on every frame offered to the socket: keep it unless the
// kernel marked it PACKET_OUTGOING (sent by this host). The return value is the number of
// bytes to keep; 0 drops.
constexpr uint32_t kKeepWholeFrame = 0x40000;
struct sock_filter kDropOutgoing[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_PKTTYPE)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, 0),
    BPF_STMT(BPF_RET | BPF_K, kKeepWholeFrame),
};

}  // namespace

Status IgnoreOutgoingFrames(const std::string& iface) {
  const unsigned ifindex = if_nametoindex(iface.c_str());
  if (ifindex == 0) return Status::NotFound("interface '" + iface + "' does not exist");
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return Status::Unavailable(std::string("cannot list /proc/self/fd: ") + strerror(errno));
  const int own_fd = dirfd(dir);
  int found = 0;
  std::string failure;
  while (struct dirent* e = readdir(dir)) {
    char* end = nullptr;
    long fd = strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || fd == own_fd) continue;
    if (!IsPacketSocketOn(static_cast<int>(fd), static_cast<int>(ifindex))) continue;
    ++found;
    struct sock_fprog program = {static_cast<unsigned short>(sizeof(kDropOutgoing) / sizeof(kDropOutgoing[0])), kDropOutgoing};
    if (setsockopt(static_cast<int>(fd), SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program)) != 0)
      failure = std::string("cannot attach the socket filter: ") + strerror(errno);
  }
  closedir(dir);
  if (found == 0) return Status::Unavailable("no packet socket bound to '" + iface + "' was found");
  if (!failure.empty()) return Status::Unavailable("interface '" + iface + "': " + failure);
  return Status::Ok();
}

}  // namespace vswitch
