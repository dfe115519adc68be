#include "flow/stored_rule.h"

#include <utility>

#include "flow/flow_hash.h"

namespace vswitch::flow {

StoredRule::StoredRule(Rule&& rule, std::shared_ptr<const FlowKey> mask)
    : table(rule.table),
      priority(rule.priority),
      idle_timeout(rule.idle_timeout),
      hard_timeout(rule.hard_timeout),
      cookie(rule.cookie),
      key(rule.match.key),
      shared_mask(std::move(mask)),
      actions(std::move(rule.actions)) {}

const FlowKey& StoredRule::CatchAllMask() {
  static const FlowKey zero = [] {
    FlowKey k;
    k.Clear();
    return k;
  }();
  return zero;
}

FlowMatch StoredRule::match() const {
  FlowMatch m;
  m.key = key;
  m.mask = mask();
  return m;
}

Rule StoredRule::ToRule() const {
  Rule r;
  r.table = table;
  r.priority = priority;
  r.cookie = cookie;
  r.idle_timeout = idle_timeout;
  r.hard_timeout = hard_timeout;
  r.match = match();
  r.actions = actions;
  return r;
}

bool FlowFilter::Selects(const StoredRule& r) const {
  return (all_tables || r.table == table) && ((r.cookie ^ cookie) & cookie_mask) == 0 && match.Covers(r.key, r.mask());
}

size_t MaskPool::Hash::operator()(const FlowKey& k) const { return HashFlowKey(k); }

std::shared_ptr<const FlowKey> MaskPool::Intern(const FlowKey& mask) {
  if (last_ && *last_ == mask) return last_;
  auto [it, fresh] = masks_.try_emplace(mask);
  std::shared_ptr<const FlowKey> shared = fresh ? nullptr : it->second.lock();
  if (!shared) {
    shared = std::make_shared<const FlowKey>(mask);
    it->second = shared;
  }
  last_ = shared;
  if (masks_.size() >= sweep_at_) {
    std::erase_if(masks_, [](const auto& entry) { return entry.second.expired(); });
    sweep_at_ = std::max<size_t>(64, 2 * masks_.size());
  }
  return shared;
}

}  // namespace vswitch::flow
