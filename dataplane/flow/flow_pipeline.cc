#include "flow/flow_pipeline.h"

#include <atomic>
#include <cstddef>
#include <algorithm>
#include <cstring>

#include "flow/flow_hash.h"

namespace vswitch::flow {

namespace {

// Actions that neither read nor change the packet.
bool PacketBlind(ActionType t) {
  switch (t) {
    case ActionType::kOutput:
    case ActionType::kFlood:
    case ActionType::kInPort:
    case ActionType::kGotoTable:
    case ActionType::kSetRegister:
    case ActionType::kSetTunnel:  // metadata for a tunnel output, which hashes the packet itself
      return true;
    default:
      return false;
  }
}

// The bits of a key that are not metadata an ingress port fixes: everything but in_port and
// the registers (which are zero at ingress and written only by actions).
FlowKey PacketFieldBits() {
  FlowKey m;
  std::memset(&m, 0xff, sizeof(m));
  m.in_port = 0;
  for (uint32_t& r : m.regs) r = 0;
  return m;
}

}  // namespace

uint64_t NextPipelineGeneration() {
  static std::atomic<uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

std::unique_ptr<FlowPipeline> FlowPipeline::Build(std::span<const InstalledRule> input) {
  // The fresh-switch default: one NORMAL rule in table 0.
  InstalledRule default_rule;
  bool is_default = input.empty();
  if (is_default) {
    default_rule.rule.priority = 0;
    default_rule.rule.actions.push_back(Action::Normal());
    default_rule.id = kDefaultRuleId;
    input = std::span<const InstalledRule>(&default_rule, 1);
  }
  PipelineBuilder builder;
  for (uint32_t i = 0; i < input.size(); ++i) builder.Insert(i, input[i].rule);
  std::unique_ptr<FlowPipeline> p = builder.Build([&](uint32_t h) { return &input[h]; });
  p->is_default_ = is_default;
  return p;
}

size_t PipelineBuilder::GroupHash::operator()(const std::pair<uint8_t, FlowKey>& k) const {
  return HashFlowKey(k.second) ^ (static_cast<size_t>(k.first) * 0x9e3779b97f4a7c15ull);
}

PipelineBuilder::PipelineBuilder() = default;
PipelineBuilder::~PipelineBuilder() = default;

void PipelineBuilder::MarkChunk(uint32_t handle) {
  uint32_t c = handle >> kRuleChunkBits;
  if (c >= chunk_dirty_.size()) chunk_dirty_.resize(std::max<size_t>(c + 1, chunk_dirty_.size() * 2), 0);
  if (!chunk_dirty_[c]) {
    chunk_dirty_[c] = 1;
    dirty_chunks_.push_back(c);
  }
}

void PipelineBuilder::Insert(uint32_t handle, const StoredRule& rule) {
  // Rule sets come in long runs of one (table, mask): check the last group before hashing.
  uint32_t g = last_group_;
  if (g == UINT32_MAX || groups_[g].table != rule.table || !(groups_[g].mask == rule.mask())) {
    auto [it, inserted] =
        group_index_.try_emplace({rule.table, rule.mask()}, static_cast<uint32_t>(groups_.size()));
    if (inserted) {
      groups_.emplace_back();
      groups_.back().table = rule.table;
      groups_.back().mask = rule.mask();
    }
    g = last_group_ = it->second;
  }
  Group& group = groups_[g];
  if (handle >= group_of_.size()) {
    size_t n = std::max<size_t>(handle + 1, group_of_.size() * 2);
    group_of_.resize(n, UINT32_MAX);
    pos_of_.resize(n, 0);
  }
  group_of_[handle] = g;
  pos_of_[handle] = static_cast<uint32_t>(group.members.size());
  group.members.push_back(handle);
  if (!group.dirty) {
    group.dirty = true;
    dirty_groups_.push_back(g);
  }
  MarkChunk(handle);
  ++live_;
}

void PipelineBuilder::Erase(uint32_t handle) {
  uint32_t g = group_of_[handle];
  Group& group = groups_[g];
  uint32_t pos = pos_of_[handle];
  uint32_t moved = group.members.back();
  group.members[pos] = moved;
  pos_of_[moved] = pos;
  group.members.pop_back();
  group_of_[handle] = UINT32_MAX;
  if (!group.dirty) {
    group.dirty = true;
    dirty_groups_.push_back(g);
  }
  MarkChunk(handle);
  --live_;
}

std::unique_ptr<FlowPipeline> PipelineBuilder::Build(const RuleLookup& rule_of) {
  std::unique_ptr<FlowPipeline> p(new FlowPipeline());
  p->generation_ = NextPipelineGeneration();
  p->table_slot_.fill(-1);
  p->rule_count_ = live_;

  // 1. Rule chunks: recompile the dirty ones, share the others.
  size_t n_chunks = (group_of_.size() + kRuleChunkSize - 1) >> kRuleChunkBits;
  if (chunks_.size() < n_chunks) chunks_.resize(n_chunks);
  if (all_dirty_) {
    for (uint32_t c : dirty_chunks_)
      if (c < chunk_dirty_.size()) chunk_dirty_[c] = 0;
    dirty_chunks_.clear();
    for (uint32_t c = 0; c < n_chunks; ++c) dirty_chunks_.push_back(c);
  }
  for (uint32_t c : dirty_chunks_) {
    if (c < chunk_dirty_.size()) chunk_dirty_[c] = 0;
    if (c >= n_chunks) continue;
    uint32_t first = c << kRuleChunkBits;
    uint32_t last = std::min<uint32_t>(first + kRuleChunkSize, static_cast<uint32_t>(group_of_.size()));
    size_t total_actions = 0, live = 0;
    for (uint32_t h = first; h < last; ++h) {
      if (group_of_[h] == UINT32_MAX) continue;
      total_actions += rule_of(h)->rule.actions.size();
      ++live;
    }
    if (live == 0) {
      chunks_[c] = nullptr;
      continue;
    }
    auto chunk = std::make_shared<RuleChunk>();
    chunk->actions.reserve(total_actions);  // exact: the pointers into it stay valid
    for (uint32_t h = first; h < last; ++h) {
      if (group_of_[h] == UINT32_MAX) continue;
      const InstalledRule& ir = *rule_of(h);
      const StoredRule& r = ir.rule;
      CompiledRule& cr = chunk->rules[h - first];
      cr.rank = RuleRank(r.priority, ir.sequence);
      cr.id = ir.id;
      cr.actions = chunk->actions.data() + chunk->actions.size();
      cr.actions_count = static_cast<uint16_t>(r.actions.size());
      cr.priority = r.priority;
      cr.table = r.table;
      cr.goto_table = kNoGoto;
      for (const Action& a : r.actions) {
        if (a.type == ActionType::kGotoTable) cr.goto_table = static_cast<uint8_t>(a.u16);
        if (ActionRewritesKey(a.type)) cr.rewrites_key = 1;
      }
      chunk->actions.insert(chunk->actions.end(), r.actions.begin(), r.actions.end());
    }
    chunks_[c] = std::move(chunk);
  }
  dirty_chunks_.clear();
  p->chunks_.assign(chunks_.begin(), chunks_.begin() + static_cast<long>(n_chunks));
  p->chunk_rules_.assign(n_chunks, nullptr);
  for (size_t c = 0; c < n_chunks; ++c) p->chunk_rules_[c] = p->chunks_[c] ? p->chunks_[c]->rules : nullptr;

  // 2. Subtables: rebuild the groups that changed, share the others.
  subtables_.resize(groups_.size());
  if (all_dirty_) {
    dirty_groups_.clear();
    for (uint32_t g = 0; g < groups_.size(); ++g) dirty_groups_.push_back(g);
  }
  std::vector<Classifier::BuildEntry> entries;
  for (uint32_t g : dirty_groups_) {
    Group& group = groups_[g];
    group.dirty = false;
    entries.clear();
    entries.reserve(group.members.size());
    for (uint32_t h : group.members) {
      const InstalledRule& ir = *rule_of(h);
      entries.push_back(Classifier::BuildEntry{h, RuleRank(ir.rule.priority, ir.sequence), &ir.rule.key, &ir.rule.mask()});
    }
    subtables_[g] = Classifier::BuildSubtable(group.mask, entries);
  }
  dirty_groups_.clear();
  all_dirty_ = false;

  // 3. Classifiers per table over old and new subtables; the union of the masks.
  std::array<std::vector<std::shared_ptr<const Classifier::Subtable>>, kMaxTables> per_table;
  FlowKey read;
  read.Clear();
  KeyWord* rw = Words(read);
  for (uint32_t g = 0; g < groups_.size(); ++g) {
    if (!subtables_[g]) continue;
    per_table[groups_[g].table].push_back(subtables_[g]);
    const KeyWord* m = Words(groups_[g].mask);
    for (size_t w = 0; w < kFlowKeyWords; ++w) rw[w] |= m[w];
  }
  for (int t = 0; t < kMaxTables; ++t) {
    if (per_table[t].empty()) continue;
    p->table_slot_[t] = static_cast<int16_t>(p->classifiers_.size());
    p->classifiers_.push_back(Classifier::FromSubtables(std::move(per_table[t])));
  }
  p->AnalyzeDependencies(read);
  return p;
}

void FlowPipeline::AnalyzeDependencies(const FlowKey& read) {
  const KeyWord* rw = Words(read);
  projection_ = KeyProjection::Of(read);

  const FlowKey packet_bits = PacketFieldBits();
  const KeyWord* pw = Words(packet_bits);
  uint64_t reads_packet = 0;
  for (size_t w = 0; w < kFlowKeyWords; ++w) reads_packet |= rw[w] & pw[w];
  port_determined_ = reads_packet == 0;
  // Per port, also when other rules read packet fields: a walk that never reaches them (rules
  // on in_port and registers outrank them at every step) is the same for every packet.
  port_verdicts_.assign(kPortVerdictSlots, PortVerdict{});
  for (uint32_t port = 0; port < kPortVerdictSlots; ++port) {
    PortVerdict& v = port_verdicts_[port];
    v.determined = WalkPort(port, packet_bits, &v.result);
    if (!v.determined) continue;
    v.packet_blind = true;
    ForEachAction(v.result, [&](const Action& a) { v.packet_blind = v.packet_blind && PacketBlind(a.type); });
  }
}

bool FlowPipeline::WalkPort(uint32_t port, const FlowKey& packet_bits, PipelineResult* r) const {
  FlowKey key;
  key.Clear();
  key.in_port = port;
  r->depth = 0;
  uint8_t t = 0;
  while (true) {
    const Classifier* c = table(t);
    bool determined = true;
    const uint32_t idx = c ? c->LookupIgnoring(key, packet_bits, &determined) : kNoRule;
    if (!determined) return false;
    if (idx == kNoRule) {
      r->fate = PipelineFate::kTableMiss;
      r->miss_table = t;
      return true;
    }
    r->rules[r->depth++] = idx;
    const CompiledRule& cr = rule(idx);
    if (cr.goto_table == kNoGoto || r->depth == kMaxPipelineDepth) {  // as in Continue
      r->fate = PipelineFate::kDone;
      return true;
    }
    // Register writes matter to the next lookup; packet fields it may not read anyway.
    if (cr.rewrites_key) {
      for (uint32_t i = 0; i < cr.actions_count; ++i) ApplyActionToKey(cr.actions[i], &key);
    }
    t = cr.goto_table;
  }
}

void FlowPipeline::Continue(const FlowKey& key, uint32_t idx, PipelineResult* r, PipelineTrace* trace) const {
  r->depth = 0;
  uint8_t table = 0;
  FlowKey scratch;  // the key as rewritten by earlier tables; copied only when needed
  const FlowKey* cur = &key;
  while (true) {
    if (trace) trace->steps.push_back(TraceStep{table, idx, *cur});
    if (idx == kNoRule) {
      r->fate = PipelineFate::kTableMiss;
      r->miss_table = table;
      return;
    }
    r->rules[r->depth++] = idx;
    const CompiledRule& cr = rule(idx);
    if (cr.goto_table == kNoGoto || r->depth == kMaxPipelineDepth) {
      // depth == kMaxPipelineDepth with a goto cannot happen: FlowTable::Commit rejects
      // pipelines whose table chains are longer. Stopping keeps the record in bounds anyway.
      r->fate = PipelineFate::kDone;
      return;
    }
    if (cr.rewrites_key) {
      if (cur != &scratch) {
        scratch = *cur;
        cur = &scratch;
      }
      const Action* a = cr.actions;
      for (uint32_t i = 0; i < cr.actions_count; ++i) ApplyActionToKey(a[i], &scratch);
    }
    table = cr.goto_table;
    const Classifier* c = this->table(table);
    idx = c ? c->Lookup(*cur) : kNoRule;
  }
}

void FlowPipeline::Walk(const FlowKey& key, PipelineResult* result, PipelineTrace* trace) const {
  const Classifier* t0 = table(0);
  Continue(key, t0 ? t0->Lookup(key) : kNoRule, result, trace);
}

void FlowPipeline::WalkBurst(const FlowKey* const keys[], uint32_t n, PipelineResult results[]) const {
  uint32_t first[kMaxLookupBurst];
  const Classifier* t0 = table(0);
  if (t0) {
    t0->LookupBurst(keys, n, first);
  } else {
    for (uint32_t i = 0; i < n; ++i) first[i] = kNoRule;
  }
  for (uint32_t i = 0; i < n; ++i) Continue(*keys[i], first[i], &results[i], nullptr);
}

ActionList FlowPipeline::ComposeActions(const PipelineResult& r) const {
  ActionList out;
  ForEachAction(r, [&](const Action& a) { out.push_back(a); });
  return out;
}

}  // namespace vswitch::flow
