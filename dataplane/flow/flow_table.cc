#include "flow/flow_table.h"

#include <algorithm>
#include <ctime>
#include <cstring>
#include <numeric>

#include "flow/action_text.h"
#include "flow/flow_hash.h"
#include "flow/rule_formatter.h"

namespace vswitch::flow {

namespace {

constexpr uint32_t kNone = UINT32_MAX;

uint32_t IdentityHash(const Rule& r) {
  const KeyWord* k = Words(r.match.key);
  const KeyWord* m = Words(r.match.mask);
  uint32_t h = HashStep(0x5bd1e995u, static_cast<uint64_t>(r.table) << 16 | r.priority);
  for (size_t i = 0; i < kFlowKeyWords; ++i) h = HashStep(HashStep(h, k[i]), m[i]);
  return HashFinish(h);
}

uint8_t GotoOf(const ActionList& actions) {
  if (!actions.empty() && actions.back().type == ActionType::kGotoTable) return static_cast<uint8_t>(actions.back().u16);
  return kNoGoto;
}

// Commit phases are timed in this thread's CPU time (a shared machine's other load is not ours).
double CpuNow() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// "actions: goto_table:0: must ..." -> field "actions".
std::string FieldOf(const std::string& message) {
  size_t colon = message.find(':');
  return colon == std::string::npos ? std::string() : message.substr(0, colon);
}

}  // namespace

// Open-addressing index from (table, priority, match) to the rule's position in rules_.
// Linear probing with backward-shift deletion (no tombstones), load factor <= 1/2.
class FlowTable::IdentityIndex {
 public:
  IdentityIndex() { slots_.assign(16, Slot{0, kNone}); }

  template <typename Eq>
  int Find(uint32_t hash, Eq&& eq) const {
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      if (slots_[i].index == kNone) return -1;
      if (slots_[i].hash == hash && eq(slots_[i].index)) return static_cast<int>(slots_[i].index);
    }
  }
  void Insert(uint32_t hash, uint32_t index) {
    if ((count_ + 1) * 2 > slots_.size()) Grow();
    Place(hash, index);
    ++count_;
  }
  // Repoints the slot holding `from` (found via its hash) to `to`.
  void Repoint(uint32_t hash, uint32_t from, uint32_t to) { slots_[SlotOf(hash, from)].index = to; }
  void Erase(uint32_t hash, uint32_t index) {
    size_t mask = slots_.size() - 1;
    size_t hole = SlotOf(hash, index);
    // Backward shift: pull later entries of the probe run into the hole when allowed.
    for (size_t j = (hole + 1) & mask; slots_[j].index != kNone; j = (j + 1) & mask) {
      size_t home = slots_[j].hash & mask;
      bool movable = ((j - home) & mask) >= ((j - hole) & mask);
      if (movable) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = Slot{0, kNone};
    --count_;
  }
  void Reserve(size_t n) {
    while (n * 2 > slots_.size()) Grow();
  }

 private:
  struct Slot {
    uint32_t hash;
    uint32_t index;
  };
  size_t SlotOf(uint32_t hash, uint32_t index) const {
    size_t mask = slots_.size() - 1;
    size_t i = hash & mask;
    while (slots_[i].index != index) i = (i + 1) & mask;
    return i;
  }
  void Place(uint32_t hash, uint32_t index) {
    size_t mask = slots_.size() - 1;
    size_t i = hash & mask;
    while (slots_[i].index != kNone) i = (i + 1) & mask;
    slots_[i] = Slot{hash, index};
  }
  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, Slot{0, kNone});
    for (const Slot& s : old)
      if (s.index != kNone) Place(s.hash, s.index);
  }
  std::vector<Slot> slots_;
  size_t count_ = 0;
};

// Compact: a batch of a million adds logs 12 bytes each; the previous rules and action lists
// (replace, remove, modify) are moved to side vectors.
struct FlowTable::UndoLog {
  enum class Kind : uint32_t { kAdded, kReplaced, kRemoved, kActionsChanged };
  struct Op {
    Kind kind;
    uint32_t id;    // kAdded/kReplaced: the new rule's id; kActionsChanged: the rule's id
    uint32_t slot;  // kReplaced/kRemoved: index in old_rules; kActionsChanged: in old_actions
  };
  std::vector<Op> ops;
  std::vector<InstalledRule> old_rules;
  std::vector<ActionList> old_actions;

  void Added(uint32_t id) { ops.push_back(Op{Kind::kAdded, id, 0}); }
  void Replaced(uint32_t id, InstalledRule&& old) {
    ops.push_back(Op{Kind::kReplaced, id, static_cast<uint32_t>(old_rules.size())});
    old_rules.push_back(std::move(old));
  }
  void Removed(InstalledRule&& old) {
    ops.push_back(Op{Kind::kRemoved, 0, static_cast<uint32_t>(old_rules.size())});
    old_rules.push_back(std::move(old));
  }
  void ActionsChanged(uint32_t id, ActionList&& old) {
    ops.push_back(Op{Kind::kActionsChanged, id, static_cast<uint32_t>(old_actions.size())});
    old_actions.push_back(std::move(old));
  }
};

FlowTable::FlowTable(RuleCounters* counters)
    : counters_(counters), identity_(std::make_unique<IdentityIndex>()),
      goto_edges_(static_cast<size_t>(kMaxTables) * kMaxTables, 0) {
  pipeline_ = FlowPipeline::Build({});
  if (counters_) counters_->EnsureCapacity(next_id_);
}

FlowTable::~FlowTable() = default;

uint32_t FlowTable::AllocateId() {
  uint32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = next_id_++;
  }
  allocated_this_commit_.push_back(id);
  return id;
}

void FlowTable::CountGoto(const StoredRule& r, int delta) {
  uint8_t g = GotoOf(r.actions);
  if (g != kNoGoto) goto_edges_[static_cast<size_t>(r.table) * kMaxTables + g] += delta;
}

void FlowTable::InsertRule(InstalledRule&& r) {
  uint32_t index = static_cast<uint32_t>(rules_.size());
  if (r.id >= index_of_id_.size()) index_of_id_.resize(std::max<size_t>(r.id + 1, index_of_id_.size() * 2), kNone);
  index_of_id_[r.id] = index;
  identity_->Insert(r.identity_hash, index);
  CountGoto(r.rule, +1);
  timed_rules_ += r.rule.idle_timeout || r.rule.hard_timeout;
  builder_.Insert(r.id, r.rule);
  rules_.push_back(std::move(r));
}

InstalledRule FlowTable::RemoveAt(size_t index) {
  InstalledRule victim = std::move(rules_[index]);
  identity_->Erase(victim.identity_hash, static_cast<uint32_t>(index));
  index_of_id_[victim.id] = kNone;
  CountGoto(victim.rule, -1);
  timed_rules_ -= victim.rule.idle_timeout || victim.rule.hard_timeout;
  builder_.Erase(victim.id);
  size_t last = rules_.size() - 1;
  if (index != last) {
    rules_[index] = std::move(rules_[last]);
    identity_->Repoint(rules_[index].identity_hash, static_cast<uint32_t>(last), static_cast<uint32_t>(index));
    index_of_id_[rules_[index].id] = static_cast<uint32_t>(index);
  }
  rules_.pop_back();
  return victim;
}

ActionList FlowTable::SetActions(size_t index, ActionList actions) {
  CountGoto(rules_[index].rule, -1);
  std::swap(rules_[index].rule.actions, actions);
  CountGoto(rules_[index].rule, +1);
  builder_.ActionsChanged(rules_[index].id);
  return actions;
}

int FlowTable::FindIdentity(const Rule& r, uint32_t hash) const {
  return identity_->Find(hash, [&](uint32_t idx) { return rules_[idx].rule.SameIdentity(r); });
}

void FlowTable::Renumber() {
  // Keeps the relative order (and so every tie-break) while making room below UINT32_MAX.
  std::vector<uint32_t> order(rules_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return rules_[a].sequence < rules_[b].sequence; });
  for (uint32_t i = 0; i < order.size(); ++i) rules_[order[i]].sequence = i;
  next_sequence_ = static_cast<uint32_t>(order.size());
  builder_.InvalidateAll();  // every rank changed
}

Status FlowTable::ApplyMod(size_t i, FlowMod& mod, UndoLog* undo, BundleError* error) {
  auto fail = [&](const std::string& field, const std::string& reason) {
    if (error) *error = BundleError{i, field, reason};
    return Status::InvalidArgument("flow-mod " + std::to_string(i) + " (" + FlowModCommandName(mod.command) + "): " +
                                   (field.empty() ? reason : field + ": " + reason));
  };
  auto cookie_ok = [&](const InstalledRule& r) { return ((r.rule.cookie ^ mod.rule.cookie) & mod.cookie_mask) == 0; };
  // A modify's actions must also make sense for each rule they land on (its table, its match).
  auto check_actions_for = [&](const InstalledRule& target) -> Status {
    Rule probe;
    probe.table = target.rule.table;
    probe.match = target.rule.match();
    probe.actions = mod.rule.actions;
    Status s = ValidateRule(probe);
    if (!s.ok()) return fail(FieldOf(s.message()), s.message().substr(FieldOf(s.message()).size() + 2) +
                                                        " (for the rule '" + FormatRule(target.rule.ToRule()) + "')");
    return Status::Ok();
  };

  switch (mod.command) {
    case FlowModCommand::kAdd: {
      InstalledRule r;
      r.identity_hash = IdentityHash(mod.rule);
      int existing = FindIdentity(mod.rule, r.identity_hash);
      std::shared_ptr<const FlowKey> mask = masks_.Intern(mod.rule.match.mask);
      r.rule = StoredRule(std::move(mod.rule), std::move(mask));
      r.id = AllocateId();
      r.sequence = next_sequence_++;
      r.created_ns = created_ns_;
      if (existing >= 0) {
        InstalledRule old = RemoveAt(static_cast<size_t>(existing));
        freed_this_commit_.push_back(old.id);
        undo->Replaced(r.id, std::move(old));
      } else {
        undo->Added(r.id);
      }
      InsertRule(std::move(r));
      return Status::Ok();
    }
    case FlowModCommand::kModifyStrict:
    case FlowModCommand::kDeleteStrict: {
      Rule probe;
      probe.priority = mod.rule.priority;
      probe.match = mod.rule.match;
      for (int t = mod.all_tables ? 0 : mod.rule.table; t < (mod.all_tables ? kMaxTables : mod.rule.table + 1); ++t) {
        probe.table = static_cast<uint8_t>(t);
        int idx = FindIdentity(probe, IdentityHash(probe));
        if (idx < 0 || !cookie_ok(rules_[idx])) continue;
        if (mod.command == FlowModCommand::kDeleteStrict) {
          InstalledRule old = RemoveAt(static_cast<size_t>(idx));
          freed_this_commit_.push_back(old.id);
          undo->Removed(std::move(old));
        } else {
          Status s = check_actions_for(rules_[idx]);
          if (!s.ok()) return s;
          uint32_t id = rules_[idx].id;
          undo->ActionsChanged(id, SetActions(idx, mod.rule.actions));
        }
      }
      return Status::Ok();
    }
    case FlowModCommand::kModify:
    case FlowModCommand::kDelete: {
      FlowFilter f;
      f.all_tables = mod.all_tables;
      f.table = mod.rule.table;
      f.match = mod.rule.match;
      f.cookie = mod.rule.cookie;
      f.cookie_mask = mod.cookie_mask;
      // Downward, so a swap-remove only moves rules already visited.
      for (size_t k = rules_.size(); k-- > 0;) {
        if (!f.Selects(rules_[k].rule)) continue;
        if (mod.command == FlowModCommand::kDelete) {
          InstalledRule old = RemoveAt(k);
          freed_this_commit_.push_back(old.id);
          undo->Removed(std::move(old));
        } else {
          Status s = check_actions_for(rules_[k]);
          if (!s.ok()) return s;
          uint32_t id = rules_[k].id;
          undo->ActionsChanged(id, SetActions(k, mod.rule.actions));
        }
      }
      return Status::Ok();
    }
  }
  return fail("command", "unknown flow-mod command");
}

void FlowTable::Rollback(UndoLog* undo) {
  for (size_t k = undo->ops.size(); k-- > 0;) {
    const UndoLog::Op& u = undo->ops[k];
    switch (u.kind) {
      case UndoLog::Kind::kAdded:
        RemoveAt(index_of_id_[u.id]);
        break;
      case UndoLog::Kind::kReplaced:
        RemoveAt(index_of_id_[u.id]);
        InsertRule(std::move(undo->old_rules[u.slot]));
        break;
      case UndoLog::Kind::kRemoved:
        InsertRule(std::move(undo->old_rules[u.slot]));
        break;
      case UndoLog::Kind::kActionsChanged:
        SetActions(index_of_id_[u.id], std::move(undo->old_actions[u.slot]));
        break;
    }
  }
  undo->ops.clear();
  // Ids handed out by the failed commit were never published: straight back to the pool.
  for (uint32_t id : allocated_this_commit_) free_ids_.push_back(id);
  allocated_this_commit_.clear();
  freed_this_commit_.clear();
}

Status FlowTable::CheckDepth(const std::vector<ModShape>& mods, BundleError* error) const {
  // longest_to[t]: most tables a packet can visit up to and including t (0 = unreachable).
  std::vector<int> longest_to(kMaxTables, 0), longest_from(kMaxTables, 1);
  longest_to[0] = 1;
  int worst = 1;
  for (int t = 0; t < kMaxTables; ++t) {
    if (!longest_to[t]) continue;
    worst = std::max(worst, longest_to[t]);
    for (int g = t + 1; g < kMaxTables; ++g)
      if (goto_edges_[static_cast<size_t>(t) * kMaxTables + g]) longest_to[g] = std::max(longest_to[g], longest_to[t] + 1);
  }
  if (worst <= kMaxPipelineDepth) return Status::Ok();
  for (int t = kMaxTables - 1; t >= 0; --t)
    for (int g = t + 1; g < kMaxTables; ++g)
      if (goto_edges_[static_cast<size_t>(t) * kMaxTables + g]) longest_from[t] = std::max(longest_from[t], longest_from[g] + 1);
  // Blame the first mod whose goto_table lies on a too-long chain.
  size_t blamed = mods.size() - 1;
  for (size_t i = 0; i < mods.size(); ++i) {
    const ModShape& m = mods[i];
    if (m.command == FlowModCommand::kDelete || m.command == FlowModCommand::kDeleteStrict) continue;
    uint8_t g = m.goto_table;
    if (g == kNoGoto) continue;
    bool on_long_chain = false;
    for (int t = 0; t < g && !on_long_chain; ++t) {
      if (!m.all_tables && m.command != FlowModCommand::kModify && t != m.table) continue;
      on_long_chain = longest_to[t] && longest_to[t] + longest_from[g] > kMaxPipelineDepth;
    }
    if (on_long_chain) {
      blamed = i;
      break;
    }
  }
  std::string reason = "goto_table chains visit up to " + std::to_string(worst) + " tables; the limit is " +
                       std::to_string(kMaxPipelineDepth);
  if (error) *error = BundleError{blamed, "actions", reason};
  return Status::InvalidArgument("flow-mod " + std::to_string(blamed) + " (" + FlowModCommandName(mods[blamed].command) +
                                 "): actions: " + reason);
}

Status FlowTable::CheckAlone(size_t i, const FlowMod& m, BundleError* error) const {
  std::string where = "flow-mod " + std::to_string(i) + " (" + FlowModCommandName(m.command) + "): ";
  if (m.rule.table >= kMaxTables) {
    if (error) *error = BundleError{i, "table", "out of range"};
    return Status::InvalidArgument(where + "table: " + std::to_string(m.rule.table) + " is out of range");
  }
  if (m.command == FlowModCommand::kDelete || m.command == FlowModCommand::kDeleteStrict) return Status::Ok();
  // A non-strict modify's actions are checked against each rule it lands on, in ApplyMod.
  if (m.command == FlowModCommand::kModify || (m.command == FlowModCommand::kModifyStrict && m.all_tables)) {
    return Status::Ok();
  }
  Status s = ValidateRule(m.rule);
  if (!s.ok()) {
    std::string field = FieldOf(s.message());
    if (error) *error = BundleError{i, field, s.message().substr(field.empty() ? 0 : field.size() + 2)};
    return Status::InvalidArgument(where + s.message());
  }
  return Status::Ok();
}

Status FlowTable::Commit(std::vector<FlowMod> mods, uint64_t now_ns, BundleError* error) {
  size_t adds = 0;
  for (const FlowMod& m : mods) adds += m.command == FlowModCommand::kAdd;
  return Commit(
      mods.size(), adds, [&mods](size_t i, FlowMod* out) {
        *out = std::move(mods[i]);
        return Status::Ok();
      },
      now_ns, error);
}

Status FlowTable::Commit(size_t count, size_t adds, const FlowModSource& next, uint64_t now_ns, BundleError* error) {
  auto t0 = CpuNow();
  timing_ = CommitTiming{};
  // 1. Each mod as it comes: produced, checked on its own, applied with an undo log. The
  //    first bad mod (in batch order) is the one reported, whatever kind of fault it has.
  if (next_sequence_ > UINT32_MAX - 1 - count) Renumber();
  identity_->Reserve(rules_.size() + adds);
  created_ns_ = now_ns;
  std::vector<ModShape> shapes(count);  // the mod's rule is moved from when applied
  UndoLog undo;
  undo.ops.reserve(count);
  FlowMod mod;
  for (size_t i = 0; i < count; ++i) {
    Status s = next(i, &mod);
    if (!s.ok()) {
      if (error) *error = BundleError{i, "", s.message()};
    } else {
      s = CheckAlone(i, mod, error);
    }
    if (s.ok()) {
      shapes[i] = {mod.command, mod.all_tables, mod.rule.table, GotoOf(mod.rule.actions)};
      s = ApplyMod(i, mod, &undo, error);
    }
    if (!s.ok()) {
      Rollback(&undo);
      return s;
    }
  }
  // 2. Whole-set checks.
  Status s = CheckDepth(shapes, error);
  if (s.ok() && counters_) {
    s = counters_->EnsureCapacity(next_id_);
    if (!s.ok() && error) *error = BundleError{count == 0 ? 0 : count - 1, "rules", s.message()};
  }
  if (!s.ok()) {
    Rollback(&undo);
    return s;
  }
  auto t2 = CpuNow();

  // 3. Compile the new snapshot.
  if (rules_.empty()) {
    pipeline_ = FlowPipeline::Build({});  // the fresh-switch pipeline
  } else {
    pipeline_ = builder_.Build([this](uint32_t id) { return &rules_[index_of_id_[id]]; });
  }
  for (uint32_t id : freed_this_commit_) retired_ids_.emplace_back(pipeline_->generation(), id);
  allocated_this_commit_.clear();
  freed_this_commit_.clear();
  auto t3 = CpuNow();
  timing_ = CommitTiming{t2 - t0, t3 - t2};
  return Status::Ok();
}

std::vector<const InstalledRule*> FlowTable::Select(const FlowFilter& filter) const {
  std::vector<const InstalledRule*> out;
  for (size_t i = 0; i < rules_.size(); ++i)
    if (filter.Selects(rules_[i].rule)) out.push_back(&rules_[i]);
  std::sort(out.begin(), out.end(), [](const InstalledRule* a, const InstalledRule* b) {
    if (a->rule.table != b->rule.table) return a->rule.table < b->rule.table;
    if (a->rule.priority != b->rule.priority) return a->rule.priority > b->rule.priority;
    return a->sequence < b->sequence;
  });
  return out;
}

const InstalledRule* FlowTable::FindById(uint32_t id) const {
  if (id >= index_of_id_.size() || index_of_id_[id] == kNone) return nullptr;
  return &rules_[index_of_id_[id]];
}

void FlowTable::RecycleRetiredIds(uint64_t oldest_live_generation) {
  size_t kept = 0;
  for (const auto& [generation, id] : retired_ids_) {
    if (generation <= oldest_live_generation) {
      if (counters_) counters_->Reset(id);
      free_ids_.push_back(id);
    } else {
      retired_ids_[kept++] = {generation, id};
    }
  }
  retired_ids_.resize(kept);
}

std::vector<FlowMod> FlowTable::ExpiredRules(uint64_t now_ns, const RuleCounters* counters) const {
  std::vector<FlowMod> out;
  if (timed_rules_ == 0) return out;  // runs every second: no scan of a million rules without timeouts
  for (size_t i = 0; i < rules_.size(); ++i) {
    const InstalledRule& r = rules_[i];
    if (!r.rule.idle_timeout && !r.rule.hard_timeout) continue;
    bool expired = r.rule.hard_timeout && now_ns - r.created_ns >= r.rule.hard_timeout * 1'000'000'000ull;
    if (!expired && r.rule.idle_timeout) {
      uint64_t last = r.created_ns;
      if (counters) last = std::max(last, counters->Read(r.id).last_hit);
      expired = now_ns > last && now_ns - last >= r.rule.idle_timeout * 1'000'000'000ull;
    }
    if (!expired) continue;
    FlowMod m;
    m.command = FlowModCommand::kDeleteStrict;
    m.rule.table = r.rule.table;
    m.rule.priority = r.rule.priority;
    m.rule.match = r.rule.match();
    out.push_back(std::move(m));
  }
  return out;
}

std::string FlowTable::Trace(const FlowKey& key, const PortNamer& namer) const {
  PipelineTrace trace;
  PipelineResult result;
  pipeline_->Walk(key, &result, &trace);
  std::string s;
  for (const TraceStep& step : trace.steps) {
    s += "table " + std::to_string(step.table) + ": ";
    if (step.rule == kNoRule) {
      s += "no match -> table miss, drop\n";
      continue;
    }
    const CompiledRule& cr = pipeline_->rule(step.rule);
    if (pipeline_->is_default()) {
      s += "matched the default rule of an empty pipeline: priority=0 actions=NORMAL\n";
      continue;
    }
    const InstalledRule* ir = FindById(cr.id);
    s += "matched " + (ir ? FormatRule(ir->rule.ToRule(), namer) : "rule id " + std::to_string(cr.id)) + "\n";
  }
  ActionList composed = pipeline_->ComposeActions(result);
  ActionList effective;
  for (const Action& a : composed)
    if (a.type != ActionType::kGotoTable) effective.push_back(a);
  s += "actions: " + FormatActions(effective, namer) + "\n";
  std::string fate;
  for (const Action& a : effective) {
    std::string f;
    if (a.type == ActionType::kOutput) f = FormatAction(a, namer);
    else if (a.type == ActionType::kFlood) f = "flood";
    else if (a.type == ActionType::kNormal) f = "normal (L2 learning switch)";
    else if (a.type == ActionType::kInPort) f = "back out of the input port";
    if (f.empty()) continue;
    fate += (fate.empty() ? "" : ", ") + f;
  }
  if (fate.empty()) {
    fate = result.fate == PipelineFate::kTableMiss ? "drop (table miss in table " + std::to_string(result.miss_table) + ")"
                                                   : "drop (no output action)";
  }
  s += "fate: " + fate + "\n";
  return s;
}

}  // namespace vswitch::flow
