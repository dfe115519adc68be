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
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  // Already set, by the user (whatever value they chose) or by our own re-exec: no loop.
  if (tunables && std::strstr(tunables, kTunable)) return;
  if (!TransparentHugepagesUsable()) return;
  std::string value = tunables && *tunables ? std::string(tunables) + ":" : std::string();
  value += std::string(kTunable) + "=1:glibc.malloc.arena_max=1";
  if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // Still here: exec failed (no /proc?). Carry on with the ordinary heap; say why once.
  std::fprintf(stderr, "%s: note: heap stays on 4 KiB pages (re-exec failed: %s)\n", program, std::strerror(errno));
  ::unsetenv("GLIBC_TUNABLES");
  if (tunables) ::setenv("GLIBC_TUNABLES", tunables, 1);
}

}  // namespace vswitch::controlplane
