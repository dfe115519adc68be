// EAL start-up: builds DPDK's argument list from vswitchd's own options and initialises it,
// turning DPDK's failure modes (no hugepages, busy file prefix, bad lcores) into a Status
// with an operator-readable message instead of a panic.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace vswitch::eal {

struct EalOptions {
  unsigned workers = 1;          // worker lcores; the main lcore runs control
  std::string lcores;            // explicit core list ("0-2"), overrides `workers` placement
  unsigned memory_mb = 1024;     // hugepage memory to reserve (or plain memory with no_huge)
  bool no_huge = false;          // run without hugepages (slower; for tests and small hosts)
  std::string file_prefix;       // DPDK runtime-file prefix; "" = "vswitch"
  bool in_memory = false;        // no shared runtime files at all
  std::string log_level = "notice";  // DPDK log level: emergency..debug or a number
  std::vector<std::string> extra_args;  // passed through verbatim (after "--eal")
};

// Returns the argv that Init would pass to rte_eal_init (for logs and tests).
std::vector<std::string> BuildEalArgs(const EalOptions& options);

// Initialises the EAL once per process. Checks hugepage availability first (unless no_huge)
// so a missing reservation is a clear error rather than DPDK's generic failure.
Status Init(const EalOptions& options);

// Releases EAL resources (rte_eal_cleanup); safe to call when Init failed or never ran.
void Cleanup();

}  // namespace vswitch::eal
