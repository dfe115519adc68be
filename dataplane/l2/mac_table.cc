#include "l2/mac_table.h"

#include <rte_errno.h>
#include <rte_hash_crc.h>

#include <cstring>
#include <string>

namespace vswitch {

namespace {
constexpr uint32_t kMaxPortNumbers = 4096;
}

Status MacTable::Create(uint32_t capacity, rte_rcu_qsbr* qsbr, const char* name, std::unique_ptr<MacTable>* out) {
  if (capacity < 16 || capacity > (1u << 24)) return Status::InvalidArgument("MAC table size must be 16..16M, got " + std::to_string(capacity));
  std::unique_ptr<MacTable> t(new MacTable());
  struct rte_hash_parameters params = {};
  params.name = name;
  // Cuckoo tables refuse inserts well before 100% load; size for headroom.
  params.entries = capacity + capacity / 4;
  params.key_len = sizeof(MacKey);
  params.hash_func = rte_hash_crc;
  params.hash_func_init_val = 0;
  params.socket_id = static_cast<int>(rte_socket_id());
  params.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
  t->hash_ = rte_hash_create(&params);
  if (t->hash_ == nullptr) return Status::ResourceExhausted(std::string("cannot create MAC table: ") + rte_strerror(rte_errno));
  if (qsbr != nullptr) {
    struct rte_hash_rcu_config rcu = {};
    rcu.v = qsbr;
    rcu.mode = RTE_HASH_QSBR_MODE_DQ;
    if (rte_hash_rcu_qsbr_add(t->hash_, &rcu) != 0)
      return Status::Internal(std::string("cannot attach RCU to MAC table: ") + rte_strerror(rte_errno));
  }
  t->capacity_ = capacity;
  int32_t max_key = rte_hash_max_key_id(t->hash_);
  t->entries_.reset(new MacEntryState[static_cast<size_t>(max_key) + 1]);
  for (int32_t i = 0; i <= max_key; ++i) {
    t->entries_[i].port_no.store(kNoPort);
    t->entries_[i].remote_ip.store(0);
    t->entries_[i].is_static.store(0);
    t->entries_[i].last_seen_tsc.store(0);
  }
  t->learned_per_port_.assign(kMaxPortNumbers, 0);
  *out = std::move(t);
  return Status::Ok();
}

MacTable::~MacTable() {
  if (hash_ != nullptr) rte_hash_free(hash_);
}

Status MacTable::Insert(const MacKey& key, uint32_t port_no, uint32_t remote_ip, bool is_static, uint64_t now_tsc) {
  if (size() >= capacity_) return Status::ResourceExhausted("MAC table full");
  int32_t slot = rte_hash_add_key(hash_, &key);
  if (slot < 0) return Status::ResourceExhausted("MAC table full");
  MacEntryState& e = entries_[slot];
  e.is_static.store(is_static ? 1 : 0, std::memory_order_relaxed);
  e.last_seen_tsc.store(now_tsc, std::memory_order_relaxed);
  e.remote_ip.store(remote_ip, std::memory_order_relaxed);
  e.port_no.store(port_no, std::memory_order_release);
  if (!is_static && port_no < learned_per_port_.size()) ++learned_per_port_[port_no];
  ++count_;
  return Status::Ok();
}

void MacTable::DeleteAt(const MacKey& key, int32_t slot) {
  MacEntryState& e = entries_[slot];
  uint32_t port = e.port_no.load(std::memory_order_relaxed);
  if (!e.is_static.load(std::memory_order_relaxed) && port < learned_per_port_.size() && learned_per_port_[port] > 0)
    --learned_per_port_[port];
  e.port_no.store(kNoPort, std::memory_order_release);
  if (rte_hash_del_key(hash_, &key) >= 0) --count_;
}

LearnResult MacTable::Learn(const MacKey& key, uint32_t port_no, uint64_t now_tsc, uint32_t port_limit, uint32_t remote_ip) {
  int32_t slot = rte_hash_lookup(hash_, &key);
  if (slot >= 0) {
    MacEntryState& e = entries_[slot];
    if (e.is_static.load(std::memory_order_relaxed)) return LearnResult::kStaticKept;
    uint32_t old = e.port_no.load(std::memory_order_relaxed);
    e.last_seen_tsc.store(now_tsc, std::memory_order_relaxed);
    if (old == port_no && e.remote_ip.load(std::memory_order_relaxed) == remote_ip) return LearnResult::kRefreshed;
    if (old == port_no) {
      e.remote_ip.store(remote_ip, std::memory_order_release);  // moved to another remote VTEP
      return LearnResult::kMoved;
    }
    if (port_limit != 0 && port_no < learned_per_port_.size() && learned_per_port_[port_no] >= port_limit)
      return LearnResult::kPortLimit;
    if (old < learned_per_port_.size() && learned_per_port_[old] > 0) --learned_per_port_[old];
    if (port_no < learned_per_port_.size()) ++learned_per_port_[port_no];
    // A MAC moved (VM migration). The remote is written first: a reader that sees the new
    // port may see the old remote for one packet, never a tunnel port with a stale local 0.
    e.remote_ip.store(remote_ip, std::memory_order_relaxed);
    e.port_no.store(port_no, std::memory_order_release);
    return LearnResult::kMoved;
  }
  if (port_limit != 0 && port_no < learned_per_port_.size() && learned_per_port_[port_no] >= port_limit)
    return LearnResult::kPortLimit;
  return Insert(key, port_no, remote_ip, false, now_tsc).ok() ? LearnResult::kLearned : LearnResult::kTableFull;
}

Status MacTable::AddStatic(const MacKey& key, uint32_t port_no, uint32_t remote_ip) {
  int32_t slot = rte_hash_lookup(hash_, &key);
  if (slot >= 0) {
    MacEntryState& e = entries_[slot];
    uint32_t old = e.port_no.load(std::memory_order_relaxed);
    if (!e.is_static.load(std::memory_order_relaxed) && old < learned_per_port_.size() && learned_per_port_[old] > 0)
      --learned_per_port_[old];
    e.is_static.store(1, std::memory_order_relaxed);
    e.remote_ip.store(remote_ip, std::memory_order_relaxed);
    e.port_no.store(port_no, std::memory_order_release);
    return Status::Ok();
  }
  return Insert(key, port_no, remote_ip, true, 0);
}

bool MacTable::Delete(const MacKey& key) {
  int32_t slot = rte_hash_lookup(hash_, &key);
  if (slot < 0) return false;
  DeleteAt(key, slot);
  return true;
}

unsigned MacTable::Age(uint64_t now_tsc, uint64_t max_idle_tsc) {
  std::vector<std::pair<MacKey, int32_t>> victims;
  const void* key;
  void* data;
  uint32_t iter = 0;
  int32_t slot;
  while ((slot = rte_hash_iterate(hash_, &key, &data, &iter)) >= 0) {
    const MacEntryState& e = entries_[slot];
    if (e.is_static.load(std::memory_order_relaxed)) continue;
    uint64_t seen = e.last_seen_tsc.load(std::memory_order_relaxed);
    if (now_tsc > seen && now_tsc - seen > max_idle_tsc) victims.emplace_back(*static_cast<const MacKey*>(key), slot);
  }
  for (auto& [k, s] : victims) DeleteAt(k, s);
  return static_cast<unsigned>(victims.size());
}

unsigned MacTable::FlushPort(uint32_t port_no, bool include_static) {
  std::vector<std::pair<MacKey, int32_t>> victims;
  const void* key;
  void* data;
  uint32_t iter = 0;
  int32_t slot;
  while ((slot = rte_hash_iterate(hash_, &key, &data, &iter)) >= 0) {
    const MacEntryState& e = entries_[slot];
    if (!include_static && e.is_static.load(std::memory_order_relaxed)) continue;
    if (port_no != 0 && e.port_no.load(std::memory_order_relaxed) != port_no) continue;
    victims.emplace_back(*static_cast<const MacKey*>(key), slot);
  }
  for (auto& [k, s] : victims) DeleteAt(k, s);
  return static_cast<unsigned>(victims.size());
}

std::vector<MacTableEntryView> MacTable::Snapshot() const {
  std::vector<MacTableEntryView> out;
  const void* key;
  void* data;
  uint32_t iter = 0;
  int32_t slot;
  while ((slot = rte_hash_iterate(hash_, &key, &data, &iter)) >= 0) {
    const MacEntryState& e = entries_[slot];
    out.push_back({*static_cast<const MacKey*>(key), e.port_no.load(), e.remote_ip.load(), e.is_static.load() != 0,
                   e.last_seen_tsc.load()});
  }
  return out;
}

// rte_hash_count() also counts deleted keys whose slots wait for the RCU grace period, so the
// table keeps its own count of live entries.
uint32_t MacTable::size() const { return count_; }

uint32_t MacTable::LearnedOnPort(uint32_t port_no) const {
  return port_no < learned_per_port_.size() ? learned_per_port_[port_no] : 0;
}

}  // namespace vswitch
