#include "meter/meter_table.h"

#include <algorithm>
#include <set>
#include <string>

namespace vswitch::meter {

namespace {

// Generations are unique across every table in the process, like flow pipeline generations.
std::atomic<uint64_t> g_generation{0};

constexpr uint64_t kPendingGeneration = UINT64_MAX;

std::string MeterName(uint32_t id) { return "meter " + std::to_string(id); }

}  // namespace

Status MeterTable::Create(const MeterTableOptions& options, std::unique_ptr<MeterTable>* out) {
  if (options.tsc_hz == 0) return Status::InvalidArgument("meter table: tsc_hz must be nonzero");
  if (options.num_workers == 0) return Status::InvalidArgument("meter table: num_workers must be at least 1");
  if (options.capacity == 0 || options.capacity > kMaxMeterSlots)
    return Status::InvalidArgument("meter table: capacity must be 1-" + std::to_string(kMaxMeterSlots) + ", got " +
                                   std::to_string(options.capacity));
  out->reset(new MeterTable(options));
  return Status::Ok();
}

MeterTable::MeterTable(const MeterTableOptions& options)
    : tsc_hz_(options.tsc_hz), capacity_(options.capacity), shared_(new SharedBucket[options.capacity]) {
  free_.reserve(capacity_);
  for (uint32_t s = capacity_; s-- > 0;) free_.push_back(static_cast<uint16_t>(s));
  for (uint32_t w = 0; w < options.num_workers; ++w) workers_.push_back(std::make_unique<MeterState>(capacity_));
  BuildSnapshot();
}

const MeterSpec* MeterTable::Find(uint32_t id) const {
  auto it = meters_.find(id);
  return it == meters_.end() ? nullptr : &it->second.spec;
}

std::vector<uint32_t> MeterTable::Ids() const {
  std::vector<uint32_t> ids;
  ids.reserve(meters_.size());
  for (const auto& [id, m] : meters_) ids.push_back(id);
  return ids;
}

Status MeterTable::Add(const MeterSpec& spec, uint64_t now) {
  return Commit({MeterMod{MeterMod::Command::kAdd, spec}}, now);
}

Status MeterTable::Modify(const MeterSpec& spec, uint64_t now) {
  return Commit({MeterMod{MeterMod::Command::kModify, spec}}, now);
}

Status MeterTable::Delete(uint32_t id) {
  MeterMod mod;
  mod.command = MeterMod::Command::kDelete;
  mod.spec.id = id;
  return Commit({mod}, 0);
}

// Replays the batch over the set of ids alone, so nothing is touched unless all of it works.
Status MeterTable::Check(const std::vector<MeterMod>& mods, size_t* error_index) const {
  std::set<uint32_t> ids;
  for (const auto& [id, m] : meters_) ids.insert(id);
  size_t slots = free_.size();
  for (size_t i = 0; i < mods.size(); ++i) {
    const MeterMod& mod = mods[i];
    Status st;
    uint32_t id = mod.spec.id;
    switch (mod.command) {
      case MeterMod::Command::kAdd:
        st = ValidateMeterSpec(mod.spec);
        if (st.ok() && ids.count(id)) st = Status::AlreadyExists(MeterName(id) + ": already exists (use mod-meter to change it)");
        if (st.ok() && slots == 0)
          st = Status::ResourceExhausted(MeterName(id) + ": the meter table is full (" + std::to_string(capacity_) +
                                         " meters, deleted ones are reusable after the next publish)");
        if (st.ok()) {
          ids.insert(id);
          --slots;
        }
        break;
      case MeterMod::Command::kModify:
        st = ValidateMeterSpec(mod.spec);
        if (st.ok() && !ids.count(id)) st = Status::NotFound(MeterName(id) + ": no such meter");
        break;
      case MeterMod::Command::kDelete: {
        if (id != kAllMeters && !ids.count(id)) {
          st = Status::NotFound(MeterName(id) + ": no such meter");
          break;
        }
        std::vector<uint32_t> targets = id == kAllMeters ? std::vector<uint32_t>(ids.begin(), ids.end())
                                                         : std::vector<uint32_t>{id};
        for (uint32_t t : targets) {
          if (uint64_t n = FlowCount(t); n > 0) {
            st = Status::InvalidArgument(MeterName(t) + ": in use by " + std::to_string(n) + " flow rule" +
                                         (n == 1 ? "" : "s") + " (delete or change them first)");
            break;
          }
        }
        if (st.ok())
          for (uint32_t t : targets) ids.erase(t);
        break;
      }
      default:
        st = Status::InvalidArgument("unknown meter-mod command");
    }
    if (!st.ok()) {
      if (error_index) *error_index = i;
      return mods.size() == 1 ? st : st.WithContext("meter-mod " + std::to_string(i));
    }
  }
  return Status::Ok();
}

Status MeterTable::Commit(const std::vector<MeterMod>& mods, uint64_t now, size_t* error_index) {
  if (Status st = Check(mods, error_index); !st.ok()) return st;
  for (const MeterMod& mod : mods) {
    switch (mod.command) {
      case MeterMod::Command::kAdd: {
        uint16_t slot = free_.back();
        free_.pop_back();
        // Recycled slots were reset when no worker could reach them; the bucket starts full.
        shared_[slot].tat.store(0, std::memory_order_relaxed);
        meters_.emplace(mod.spec.id, Meter{mod.spec, slot, now});
        break;
      }
      case MeterMod::Command::kModify: {
        Meter& m = meters_.at(mod.spec.id);
        ClampBucket(m.spec, mod.spec, &shared_[m.slot], now);
        m.spec = mod.spec;
        break;
      }
      case MeterMod::Command::kDelete: {
        // Tagged with the generation of the snapshot built below (the first without it).
        auto retire = [&](const Meter& m) { retired_.push_back({m.slot, kPendingGeneration}); };
        if (mod.spec.id == kAllMeters) {
          for (const auto& [id, m] : meters_) retire(m);
          meters_.clear();
        } else {
          retire(meters_.at(mod.spec.id));
          meters_.erase(mod.spec.id);
        }
        break;
      }
    }
  }
  BuildSnapshot();
  return Status::Ok();
}

void MeterTable::ClampBucket(const MeterSpec& old_spec, const MeterSpec& new_spec, SharedBucket* bucket,
                             uint64_t now) const {
  MeterFastConfig old_c = CompileMeter(old_spec, tsc_hz_, num_workers(), bucket);
  MeterFastConfig new_c = CompileMeter(new_spec, tsc_hz_, num_workers(), bucket);
  if (old_spec.unit != new_spec.unit) {
    // Packets and kilobits do not convert: start full, as a new meter would.
    bucket->tat.store(0, std::memory_order_relaxed);
    return;
  }
  const uint64_t old_unit = UnitCost(old_spec, tsc_hz_), new_unit = UnitCost(new_spec, tsc_hz_);
  uint64_t tat = bucket->tat.load(std::memory_order_relaxed);
  for (;;) {
    uint64_t debt = tat > now ? tat - now : 0;
    uint64_t have = debt >= old_c.depth_ticks ? 0 : old_c.depth_ticks - debt;  // ticks at the old rate
    // Same number of packets/kilobits, as ticks at the new rate, at most the new burst.
    unsigned __int128 keep = static_cast<unsigned __int128>(have) * new_unit / old_unit;
    uint64_t keep_ticks = keep > new_c.depth_ticks ? new_c.depth_ticks : static_cast<uint64_t>(keep);
    uint64_t next = now + (new_c.depth_ticks - keep_ticks);
    if (bucket->tat.compare_exchange_weak(tat, next, std::memory_order_relaxed)) return;
  }
}

void MeterTable::BuildSnapshot() {
  std::shared_ptr<MeterConfigSet> set(new MeterConfigSet());
  set->configs_.resize(capacity_);
  for (uint32_t s = 0; s < capacity_; ++s) set->configs_[s].shared = &shared_[s];
  set->slot_of_.reset(new uint16_t[kMaxMeterId + 1]);
  std::fill(set->slot_of_.get(), set->slot_of_.get() + kMaxMeterId + 1, kNoMeterSlot);
  for (const auto& [id, m] : meters_) {
    set->configs_[m.slot] = CompileMeter(m.spec, tsc_hz_, num_workers(), &shared_[m.slot]);
    set->slot_of_[id] = m.slot;
  }
  set->size_ = static_cast<uint32_t>(meters_.size());
  set->generation_ = g_generation.fetch_add(1, std::memory_order_relaxed) + 1;
  for (Retired& r : retired_)
    if (r.generation == kPendingGeneration) r.generation = set->generation_;
  generation_ = set->generation_;
  snapshot_ = std::move(set);
}

void MeterTable::RecycleRetiredSlots(uint64_t oldest_live_generation) {
  auto keep = std::partition(retired_.begin(), retired_.end(),
                             [&](const Retired& r) { return r.generation > oldest_live_generation; });
  for (auto it = keep; it != retired_.end(); ++it) {
    for (auto& w : workers_) w->Reset(it->slot);
    shared_[it->slot].tat.store(0, std::memory_order_relaxed);
    free_.push_back(it->slot);
  }
  retired_.erase(keep, retired_.end());
  // Lowest slots first keeps the live meters' configs and states dense.
  std::sort(free_.begin(), free_.end(), std::greater<uint16_t>());
}

Status MeterTable::List(uint32_t id, uint64_t now, std::vector<MeterEntry>* out) const {
  out->clear();
  if (id != kAllMeters && !meters_.count(id)) return Status::NotFound(MeterName(id) + ": no such meter");
  for (const auto& [mid, m] : meters_) {
    if (id != kAllMeters && mid != id) continue;
    MeterEntry e;
    e.spec = m.spec;
    for (const auto& w : workers_) {
      MeterStats s = w->Read(m.slot);
      e.stats.packets_in += s.packets_in;
      e.stats.bytes_in += s.bytes_in;
      e.stats.packets_dropped += s.packets_dropped;
      e.stats.bytes_dropped += s.bytes_dropped;
    }
    e.flow_count = FlowCount(mid);
    e.duration_seconds = now > m.created_tsc ? static_cast<double>(now - m.created_tsc) / static_cast<double>(tsc_hz_) : 0;
    out->push_back(e);
  }
  return Status::Ok();
}

}  // namespace vswitch::meter
