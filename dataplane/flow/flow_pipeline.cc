#include "flow/flow_pipeline.h"

#include <atomic>
#include <cstddef>
#include <cstring>

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
  std::unique_ptr<FlowPipeline> p(new FlowPipeline());
  p->generation_ = NextPipelineGeneration();
  p->table_slot_.fill(-1);

  // The fresh-switch default: one NORMAL rule in table 0.
  InstalledRule default_rule;
  if (input.empty()) {
    default_rule.rule.priority = 0;
    default_rule.rule.actions.push_back(Action::Normal());
    default_rule.id = kDefaultRuleId;
    input = std::span<const InstalledRule>(&default_rule, 1);
    p->is_default_ = true;
  }

  size_t total_actions = 0;
  for (const InstalledRule& r : input) total_actions += r.rule.actions.size();
  p->rules_.reserve(input.size());
  p->actions_.reserve(total_actions);

  std::array<std::vector<Classifier::BuildEntry>, kMaxTables> per_table;
  for (uint32_t i = 0; i < input.size(); ++i) {
    const InstalledRule& ir = input[i];
    const Rule& r = ir.rule;
    CompiledRule c{};
    c.rank = RuleRank(r.priority, ir.sequence);
    c.id = ir.id;
    c.actions_begin = static_cast<uint32_t>(p->actions_.size());
    c.actions_count = static_cast<uint16_t>(r.actions.size());
    c.priority = r.priority;
    c.table = r.table;
    c.goto_table = kNoGoto;
    for (const Action& a : r.actions) {
      if (a.type == ActionType::kGotoTable) c.goto_table = static_cast<uint8_t>(a.u16);
      if (ActionRewritesKey(a.type)) c.rewrites_key = 1;
    }
    p->actions_.insert(p->actions_.end(), r.actions.begin(), r.actions.end());
    p->rules_.push_back(c);
    per_table[r.table].push_back(Classifier::BuildEntry{i, c.rank, &r.match});
  }
  for (int t = 0; t < kMaxTables; ++t) {
    if (per_table[t].empty()) continue;
    p->table_slot_[t] = static_cast<int16_t>(p->classifiers_.size());
    p->classifiers_.emplace_back();
    p->classifiers_.back().Build(per_table[t]);
  }
  p->AnalyzeDependencies(input);
  return p;
}

void FlowPipeline::AnalyzeDependencies(std::span<const InstalledRule> input) {
  FlowKey read;
  read.Clear();
  KeyWord* rw = Words(read);
  for (const InstalledRule& r : input) {
    const KeyWord* m = Words(r.rule.match.mask);
    for (size_t w = 0; w < kFlowKeyWords; ++w) rw[w] |= m[w];
  }
  projection_ = KeyProjection::Of(read);

  const FlowKey packet_bits = PacketFieldBits();
  const KeyWord* pw = Words(packet_bits);
  uint64_t reads_packet = 0;
  for (size_t w = 0; w < kFlowKeyWords; ++w) reads_packet |= rw[w] & pw[w];
  port_determined_ = reads_packet == 0;
  if (!port_determined_) return;
  port_verdicts_.resize(kPortVerdictSlots);
  FlowKey key;
  key.Clear();
  for (uint32_t port = 0; port < kPortVerdictSlots; ++port) {
    key.in_port = port;
    PortVerdict& v = port_verdicts_[port];
    Walk(key, &v.result);
    v.packet_blind = true;
    ForEachAction(v.result, [&](const Action& a) { v.packet_blind = v.packet_blind && PacketBlind(a.type); });
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
    const CompiledRule& cr = rules_[idx];
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
      const Action* a = actions_.data() + cr.actions_begin;
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
