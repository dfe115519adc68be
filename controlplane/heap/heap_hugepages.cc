#include "heap/heap_hugepages.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace vswitch::controlplane {
namespace {

constexpr const char* kTunable = "glibc.malloc.hugetlb";
// Blocks below this come from the heap (see heap_hugepages.h for why 1 GiB).
constexpr unsigned long kMmapThreshold = 1UL << 30;

// "always [madvise] never": glibc's madvise(MADV_HUGEPAGE) works unless the bracket is on never.
bool TransparentHugepagesUsable() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  if (!std::getline(in, line)) return false;
  return line.find("[never]") == std::string::npos;
}

}  // namespace

void ReexecWithHugepageHeap(const char* program, char** argv) {
  const char* opt_out = std::getenv("VSWITCH_HEAP_HUGEPAGES");
  if (opt_out && std::strcmp(opt_out, "0") == 0) return;
  const char* env = std::getenv("GLIBC_TUNABLES");
  // Already set, by the user (whatever value they chose) or by our own re-exec: no loop.
  if (env && std::strstr(env, kTunable)) return;
  if (!TransparentHugepagesUsable()) return;
  const std::string tunables = env ? env : "";
  std::string value = tunables.empty() ? std::string() : tunables + ":";
  value += std::string(kTunable) + "=1:glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=" +
           std::to_string(kMmapThreshold);
  if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  // The binary's own path, not /proc/self/exe: the kernel names the process after the file
  // executed, and operators look for "vswitchd" in ps and pgrep, not "exe".
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n > 0) {
    self[n] = '\0';
    ::execv(self, argv);
  }
  // Still here: exec failed (no /proc?). Carry on with the ordinary heap; say why once.
  std::fprintf(stderr, "%s: note: heap stays on 4 KiB pages (re-exec failed: %s)\n", program, std::strerror(errno));
  ::unsetenv("GLIBC_TUNABLES");
  if (env) ::setenv("GLIBC_TUNABLES", tunables.c_str(), 1);
}

}  // namespace vswitch::controlplane
