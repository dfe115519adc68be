// MacTable: the learning switch's forwarding database (FDB), keyed by (VLAN, MAC).
//
// Concurrency contract (single writer, many lock-free readers):
//  - Workers only read: LookupBurst() and Touch(). They never insert; a source MAC that is
//    unknown or has moved is reported as a LearnEvent through the worker's own ring, and the
//    control thread applies it. So learning costs a worker one ring enqueue, never a lock.
//  - The control thread is the only writer (Learn/AddStatic/Delete/Age), serialised by the
//    Switch's control lock.
//  - The hash is an rte_hash with RW_CONCURRENCY_LF; deleted key slots are reclaimed through
//    the switch's RCU (rte_hash_rcu_qsbr_add), so a slot is reused only after every worker has
//    passed a quiescent state. Entry state lives in an array indexed by the key's slot (the
//    position rte_hash returns). Before a key is deleted its port is set to kNoPort, so a
//    worker that finds a freshly re-added key before the writer filled its state sees "no
//    port" (and floods) rather than a previous occupant's port.
//  - A worker refreshes an entry's last-seen time at most every kTouchIntervalMs so a busy MAC
//    does not bounce a cache line between cores on every packet.
#pragma once

#include <rte_hash.h>
#include <rte_rcu_qsbr.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "common/status.h"

namespace vswitch {

// The FDB key: the L2 domain (0 for plain ports, the VNI for a tenant's logical switch),
// the VLAN and the MAC. `word` packs MAC and VLAN so the fast path compares keys with two
// integer compares.
struct alignas(4) MacKey {
  uint8_t mac[6];
  uint16_t vlan;    // VLAN id (0 = untagged)
  uint32_t domain;  // L2 domain: 0, or a VXLAN VNI
  bool operator==(const MacKey& o) const { return __builtin_memcmp(this, &o, sizeof(*this)) == 0; }
};
static_assert(sizeof(MacKey) == 12);

// What a worker reports to the control thread through its ring.
struct alignas(8) LearnEvent {
  enum Type : uint8_t { kMac = 0, kNeighbor = 1, kResolve = 2 };
  uint8_t type;
  uint8_t mac[6];      // kNeighbor: the neighbour's MAC
  uint8_t pad;
  MacKey key;          // kMac: seen arriving on port_no (from remote_ip when it came through a tunnel)
  uint32_t port_no;
  uint32_t ip;         // kMac: remote VTEP (0 = local); kNeighbor/kResolve: the IPv4 address
};
static_assert(sizeof(LearnEvent) == 32);

// Per-entry state read by workers.
struct alignas(16) MacEntryState {
  std::atomic<uint32_t> port_no;
  std::atomic<uint32_t> remote_ip;  // remote VTEP for entries on a tunnel port, else 0
  std::atomic<uint8_t> is_static;
  std::atomic<uint64_t> last_seen_tsc;
};

struct MacTableEntryView {
  MacKey key;
  uint32_t port_no;
  uint32_t remote_ip;
  bool is_static;
  uint64_t last_seen_tsc;
};

enum class LearnResult { kLearned, kMoved, kRefreshed, kStaticKept, kPortLimit, kTableFull };

class MacTable {
 public:
  static constexpr uint32_t kNoPort = 0;

  // `qsbr` is the switch's RCU variable that every worker reports quiescent states to.
  static Status Create(uint32_t capacity, rte_rcu_qsbr* qsbr, const char* name, std::unique_ptr<MacTable>* out);
  ~MacTable();

  // ---- Fast path (workers) ----
  // Looks up n keys; out_slot[i] is the entry slot or -1 on a miss.
  void LookupBurst(const MacKey* const* keys, unsigned n, int32_t* out_slot) const {
    if (n == 0) return;
    rte_hash_lookup_bulk(hash_, reinterpret_cast<const void**>(const_cast<const MacKey**>(keys)), n, out_slot);
  }
  uint32_t PortOf(int32_t slot) const { return entries_[slot].port_no.load(std::memory_order_relaxed); }
  uint32_t RemoteOf(int32_t slot) const { return entries_[slot].remote_ip.load(std::memory_order_relaxed); }
  bool IsStatic(int32_t slot) const { return entries_[slot].is_static.load(std::memory_order_relaxed) != 0; }
  // Refreshes the last-seen time if it is older than touch_interval_tsc.
  void Touch(int32_t slot, uint64_t now_tsc, uint64_t touch_interval_tsc) {
    auto& seen = entries_[slot].last_seen_tsc;
    if (now_tsc - seen.load(std::memory_order_relaxed) > touch_interval_tsc) seen.store(now_tsc, std::memory_order_relaxed);
  }

  // ---- Control path (single writer) ----
  // `port_limit` of 0 = unlimited. `learned_on_port` counts learned entries per port number.
  LearnResult Learn(const MacKey& key, uint32_t port_no, uint64_t now_tsc, uint32_t port_limit, uint32_t remote_ip = 0);
  Status AddStatic(const MacKey& key, uint32_t port_no, uint32_t remote_ip = 0);
  bool Delete(const MacKey& key);
  // Deletes learned entries idle for longer than max_idle_tsc; returns how many.
  unsigned Age(uint64_t now_tsc, uint64_t max_idle_tsc);
  // Deletes learned (and, if include_static, static) entries on a port; port 0 = all ports.
  unsigned FlushPort(uint32_t port_no, bool include_static);
  std::vector<MacTableEntryView> Snapshot() const;
  uint32_t size() const;
  uint32_t LearnedOnPort(uint32_t port_no) const;

 private:
  MacTable() = default;
  Status Insert(const MacKey& key, uint32_t port_no, uint32_t remote_ip, bool is_static, uint64_t now_tsc);
  void DeleteAt(const MacKey& key, int32_t slot);

  rte_hash* hash_ = nullptr;
  std::unique_ptr<MacEntryState[]> entries_;
  uint32_t capacity_ = 0;
  uint32_t count_ = 0;
  std::vector<uint32_t> learned_per_port_;  // indexed by port number
};

}  // namespace vswitch
