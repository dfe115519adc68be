#include "eal/eal.h"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <sys/mount.h>
#include <sys/statfs.h>

namespace vswitch::eal {

namespace {

std::atomic<bool> g_initialised{false};

// DPDK accepts log levels by name or number; map the names operators know.
bool ValidLogLevel(const std::string& level) {
  static const char* kNames[] = {"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"};
  for (const char* n : kNames)
    if (level == n) return true;
  if (level.empty()) return false;
  for (char c : level)
    if (c < '0' || c > '9') return false;
  int v = std::stoi(level);
  return v >= 1 && v <= 8;
}

// Free 2 MB (or default-size) hugepages, read from /proc/meminfo.
long FreeHugepagesMb() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  long free_pages = -1, page_kb = 0;
  while (meminfo >> key) {
    long value;
    meminfo >> value;
    if (key == "HugePages_Free:") free_pages = value;
    if (key == "Hugepagesize:") page_kb = value;
    meminfo.ignore(256, '\n');
  }
  if (free_pages < 0 || page_kb == 0) return -1;
  return free_pages * page_kb / 1024;
}

bool HugetlbfsMounted() {
  std::ifstream mounts("/proc/mounts");
  std::string dev, dir, type;
  while (mounts >> dev >> dir >> type) {
    if (type == "hugetlbfs") return true;
    mounts.ignore(4096, '\n');
  }
  return false;
}

}  // namespace

std::vector<std::string> BuildEalArgs(const EalOptions& o) {
  std::vector<std::string> args = {"vswitchd"};
  if (!o.lcores.empty()) {
    args.push_back("-l");
    args.push_back(o.lcores);
  } else {
    // The main lcore runs control; workers take the next lcores. On a 2-core host that is
    // control on core 0 and one worker on core 1.
    args.push_back("-l");
    args.push_back(o.workers == 0 ? "0" : "0-" + std::to_string(o.workers));
  }
  args.push_back("-m");
  args.push_back(std::to_string(o.memory_mb));
  if (o.no_huge) args.push_back("--no-huge");
  if (o.in_memory && o.no_huge) {
    // DPDK refuses --in-memory with --no-huge; without hugepages there are no hugepage
    // files anyway, so "no shared config" gives the same isolation.
    args.push_back("--no-shconf");
  } else if (o.in_memory) {
    args.push_back("--in-memory");
  } else {
    args.push_back("--file-prefix");
    args.push_back(o.file_prefix.empty() ? "vswitch" : o.file_prefix);
  }
  args.push_back("--log-level");
  args.push_back("lib.*:" + o.log_level);
  args.push_back("--log-level");
  args.push_back("pmd.*:" + o.log_level);
  // Take no NIC at start-up: a PCI device is attached only when an operator adds it as a
  // port (rte_dev_probe hot-plugs it then). Without this the EAL would try to grab every
  // device on the bus, including the host's own management NIC.
  bool user_chose_pci = false;
  for (const auto& a : o.extra_args)
    user_chose_pci |= a == "-a" || a == "-b" || a == "--no-pci" || a.rfind("--allow", 0) == 0 || a.rfind("--block", 0) == 0;
  if (!user_chose_pci) {
    args.push_back("-a");
    args.push_back("0000:00:00.0");
  }
  for (const auto& a : o.extra_args) args.push_back(a);
  return args;
}

Status Init(const EalOptions& o) {
  if (g_initialised.load()) return Status::Internal("EAL already initialised in this process");
  if (!ValidLogLevel(o.log_level))
    return Status::InvalidArgument("log level '" + o.log_level + "': expected one of emergency, alert, critical, error, warning, notice, info, debug or 1-8");
  if (o.memory_mb < 64) return Status::InvalidArgument("memory: at least 64 MB is needed, got " + std::to_string(o.memory_mb));
  if (o.lcores.empty() && (o.workers < 1 || o.workers > 64))
    return Status::InvalidArgument("workers: expected 1-64, got " + std::to_string(o.workers));

  if (!o.no_huge) {
    if (!HugetlbfsMounted())
      return Status::Unavailable("no hugetlbfs is mounted: run scripts/setup.sh (or `mount -t hugetlbfs nodev /dev/hugepages`), or start with --no-huge");
    long free_mb = FreeHugepagesMb();
    if (free_mb >= 0 && free_mb < static_cast<long>(o.memory_mb))
      return Status::ResourceExhausted("only " + std::to_string(free_mb) + " MB of free hugepages, " + std::to_string(o.memory_mb) +
                                       " MB requested: reserve more (echo N > /proc/sys/vm/nr_hugepages, or scripts/setup.sh), lower --memory, or use --no-huge");
  }

  std::vector<std::string> args = BuildEalArgs(o);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = rte_eal_init(static_cast<int>(args.size()), argv.data());
  if (rc < 0) {
    std::string why = rte_strerror(rte_errno);
    std::string hint;
    if (rte_errno == EALREADY) hint = " (EAL cannot be initialised twice in one process)";
    if (rte_errno == EACCES) hint = " (permission denied: run as root)";
    if (rte_errno == ENOMEM || rte_errno == EFAULT) hint = " (not enough hugepage memory: see --memory, --no-huge)";
    if (rte_errno == EINVAL) hint = " (bad lcore list or EAL argument)";
    if (rte_errno == EBUSY || rte_errno == EALREADY)
      hint += " (another DPDK process may be using file prefix '" + (o.file_prefix.empty() ? std::string("vswitch") : o.file_prefix) + "')";
    return Status::Unavailable("DPDK EAL initialisation failed: " + why + hint);
  }
  g_initialised.store(true);
  return Status::Ok();
}

void Cleanup() {
  if (g_initialised.exchange(false)) rte_eal_cleanup();
}

}  // namespace vswitch::eal
