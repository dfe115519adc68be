// Control-plane heap on transparent huge pages.
//
// Installing a million rules touches about a gigabyte of fresh heap (parsed mods, installed
// rules, snapshot chunks, subtables). On a VM every first touch of a 4 KiB page is a trap to
// the hypervisor (15-25 us measured here), so page faults, not parsing or compiling, were
// half of a bulk install. glibc (2.35+) backs malloc's arenas and large blocks with
// transparent huge pages when the tunable glibc.malloc.hugetlb=1 is set, which cuts the faults
// 512-fold (1M-rule install 9.4 s -> 4.9 s on a fresh daemon, see bench/RESULTS.md). Tunables
// are read only when the process starts, so the program re-executes itself once with the
// tunables added to GLIBC_TUNABLES. glibc.malloc.arena_max=1 as well: glibc only madvises its
// main (brk) arena, and gRPC's handler threads would otherwise allocate from per-thread
// arenas on 4 KiB pages (measured: 98 MB of 1.4 GB on huge pages without it, 641 of 692 MB
// with it). The workers never allocate, so one arena costs no contention where it matters.
// glibc.malloc.mmap_threshold=1 GiB too: by default every block over a sliding threshold
// (128 KiB up to 32 MiB) is a mmap of its own, unmapped when freed, so growing vectors, hash
// tables and request buffers keep touching fresh pages that are never reused. A 1M-rule
// install made 126 such mappings (398 MB) on a fresh daemon; from the heap they reuse touched
// pages on huge pages: 2.4-3.5 s -> 2.1 s (three runs each, bench/RESULTS.md has the bench).
// vswitchd does this at start; vsctl for add-flows (building and sending a 1M-rule batch).
// This changes only the control plane's heap: packet buffers are DPDK's hugepages either way.
#pragma once

namespace vswitch::controlplane {

// Re-executes the running binary (same pid, same argv) with glibc.malloc.hugetlb=1,
// glibc.malloc.arena_max=1 and glibc.malloc.mmap_threshold=1 GiB added to GLIBC_TUNABLES, unless glibc.malloc.hugetlb is already
// set (by the user, whose choice wins, or by the re-exec itself), VSWITCH_HEAP_HUGEPAGES=0
// asks not to, or the kernel has transparent huge pages off. Returns only when it did not
// re-execute; a failure is reported on stderr under `program` and leaves the heap as it is.
void ReexecWithHugepageHeap(const char* program, char** argv);

}  // namespace vswitch::controlplane
