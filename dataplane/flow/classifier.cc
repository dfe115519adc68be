#include "flow/classifier.h"

#include <algorithm>
#include <unordered_map>

#include "flow/flow_hash.h"

namespace vswitch::flow {

inline uint32_t Classifier::Subtable::Hash(const FlowKey& key) const {
  return HashMaskedWords(key, mask_words, word_index, n_words);
}

inline uint32_t Classifier::Subtable::Find(const FlowKey& key, uint32_t hash) const {
  const KeyWord* w = Words(key);
  uint32_t i = hash & slot_mask;
  while (true) {
    const Slot s = slots[i];
    if (s.entry == 0) return UINT32_MAX;
    if (s.hash == hash) {
      // data() + offset, not &keys[...]: a catch-all subtable has n_words == 0 and no keys.
      const uint64_t* stored = keys.data() + static_cast<size_t>(s.entry - 1) * n_words;
      uint64_t diff = 0;
      for (uint32_t k = 0; k < n_words; ++k) diff |= (w[word_index[k]] & mask_words[k]) ^ stored[k];
      if (diff == 0) return s.entry - 1;
    }
    i = (i + 1) & slot_mask;
  }
}

std::shared_ptr<const Classifier::Subtable> Classifier::BuildSubtable(const FlowKey& mask,
                                                                      std::span<const BuildEntry> input) {
  if (input.empty()) return nullptr;
  auto st = std::make_shared<Subtable>();
  const KeyWord* mw = Words(mask);
  for (uint32_t w = 0; w < kFlowKeyWords; ++w) {
    if (mw[w] == 0) continue;
    st->word_index[st->n_words] = static_cast<uint8_t>(w);
    st->mask_words[st->n_words] = mw[w];
    ++st->n_words;
  }
  uint32_t capacity = 4;
  while (capacity < input.size() * 2) capacity <<= 1;
  st->slot_mask = capacity - 1;
  st->slots.assign(capacity, Slot{0, 0});
  st->keys.reserve(input.size() * st->n_words);
  st->entries.reserve(input.size());
  // A per-port summary when every entry names its port (e.g. per-port ACLs): a port's
  // precomputed walk need not give up for another port's rules (MaxRankFor).
  const bool by_port = mask.in_port == UINT32_MAX;
  std::unordered_map<uint32_t, uint64_t> port_best;
  for (const BuildEntry& e : input) {
    const FlowKey& key = *e.key;
    if (by_port) {
      auto [it, fresh] = port_best.try_emplace(key.in_port, e.rank);
      if (!fresh) it->second = std::max(it->second, e.rank);
    }
    uint32_t h = st->Hash(key);
    uint32_t found = st->Find(key, h);
    if (found != UINT32_MAX) {
      // Same match: only the better rank can ever be returned.
      if (e.rank > st->entries[found].rank) st->entries[found] = EntryInfo{e.rank, e.rule};
    } else {
      const KeyWord* kw = Words(key);
      for (uint32_t k = 0; k < st->n_words; ++k) st->keys.push_back(kw[st->word_index[k]] & st->mask_words[k]);
      st->entries.push_back(EntryInfo{e.rank, e.rule});
      uint32_t i = h & st->slot_mask;
      while (st->slots[i].entry != 0) i = (i + 1) & st->slot_mask;
      st->slots[i] = Slot{h, static_cast<uint32_t>(st->entries.size())};
    }
    st->max_rank = std::max(st->max_rank, e.rank);
  }
  if (by_port) {
    st->port_ranks.assign(port_best.begin(), port_best.end());
    std::sort(st->port_ranks.begin(), st->port_ranks.end());
    st->ranks_by_port = true;
  }
  return st;
}

uint64_t Classifier::MaxRank(const Subtable& st) { return st.max_rank; }

Classifier Classifier::FromSubtables(std::vector<std::shared_ptr<const Subtable>> subtables) {
  Classifier c;
  c.subtables_ = std::move(subtables);
  c.Sort();
  return c;
}

void Classifier::Sort() {
  std::sort(subtables_.begin(), subtables_.end(),
            [](const auto& a, const auto& b) { return a->max_rank > b->max_rank; });
  order_.clear();
  order_.reserve(subtables_.size());
  for (const auto& st : subtables_) order_.push_back(Ref{st->max_rank, st.get()});
}

void Classifier::Build(std::span<const BuildEntry> input) {
  subtables_.clear();
  // Group by mask. Rule sets usually have few masks and long runs of one mask, so the last
  // mask found is checked first before the hash map.
  struct MaskHash {
    size_t operator()(const FlowKey& k) const { return HashFlowKey(k); }
  };
  std::unordered_map<FlowKey, uint32_t, MaskHash> by_mask;
  std::vector<std::vector<BuildEntry>> members;  // subtable -> entries
  std::vector<const FlowKey*> masks;
  uint32_t last = UINT32_MAX;
  for (uint32_t i = 0; i < input.size(); ++i) {
    const FlowKey& mask = *input[i].mask;
    if (last == UINT32_MAX || !(*masks[last] == mask)) {
      auto [it, inserted] = by_mask.try_emplace(mask, static_cast<uint32_t>(masks.size()));
      if (inserted) {
        masks.push_back(&mask);
        members.emplace_back();
      }
      last = it->second;
    }
    members[last].push_back(input[i]);
  }
  for (size_t t = 0; t < masks.size(); ++t) subtables_.push_back(BuildSubtable(*masks[t], members[t]));
  Sort();
}

size_t Classifier::entry_count() const {
  size_t n = 0;
  for (const auto& st : subtables_) n += st->entries.size();
  return n;
}

uint32_t Classifier::Lookup(const FlowKey& key) const {
  uint64_t best_rank = 0;
  uint32_t best = kNoRule;
  for (const Ref& ref : order_) {
    if (ref.max_rank <= best_rank) break;  // sorted: no later subtable can win
    const Subtable& st = *ref.st;
    uint32_t e = st.Find(key, st.Hash(key));
    if (e != UINT32_MAX && st.entries[e].rank > best_rank) {
      best_rank = st.entries[e].rank;
      best = st.entries[e].rule;
    }
  }
  return best;
}

uint32_t Classifier::LookupIgnoring(const FlowKey& key, const FlowKey& packet_bits, bool* determined) const {
  const KeyWord* pw = Words(packet_bits);
  uint64_t best_rank = 0;      // the best match among subtables that do not read the packet
  uint32_t best = kNoRule;
  uint64_t packet_rank = 0;    // the best rank a packet could reach in those that do
  for (const Ref& ref : order_) {
    if (ref.max_rank <= best_rank) break;  // sorted: no later subtable can win
    const Subtable& st = *ref.st;
    uint64_t reads_packet = 0;
    for (uint32_t k = 0; k < st.n_words; ++k) reads_packet |= st.mask_words[k] & pw[st.word_index[k]];
    if (reads_packet != 0) {
      packet_rank = std::max(packet_rank, st.MaxRankFor(key.in_port));
      continue;
    }
    uint32_t e = st.Find(key, st.Hash(key));
    if (e != UINT32_MAX && st.entries[e].rank > best_rank) {
      best_rank = st.entries[e].rank;
      best = st.entries[e].rule;
    }
  }
  // Undetermined when some packet could match a rule that outranks the packet-blind answer.
  *determined = packet_rank < best_rank || packet_rank == 0;
  return *determined ? best : kNoRule;
}

uint64_t Classifier::Subtable::MaxRankFor(uint32_t port) const {
  if (!ranks_by_port) return max_rank;
  auto it = std::lower_bound(port_ranks.begin(), port_ranks.end(), std::make_pair(port, uint64_t{0}));
  return it != port_ranks.end() && it->first == port ? it->second : 0;
}

void Classifier::LookupBurst(const FlowKey* const keys[], uint32_t n, uint32_t out[]) const {
  uint64_t best_rank[kMaxLookupBurst];
  uint32_t hashes[kMaxLookupBurst];
  for (uint32_t i = 0; i < n; ++i) {
    best_rank[i] = 0;
    out[i] = kNoRule;
  }
  for (const Ref& ref : order_) {
    uint64_t active = 0;
    for (uint32_t i = 0; i < n; ++i) active |= static_cast<uint64_t>(best_rank[i] < ref.max_rank) << i;
    if (active == 0) break;  // sorted: nobody can improve in this or any later subtable
    const Subtable& st = *ref.st;
    // Pass 1: hash every key and prefetch its slot, so the cache misses of the burst overlap.
    for (uint64_t a = active; a; a &= a - 1) {
      uint32_t i = static_cast<uint32_t>(__builtin_ctzll(a));
      hashes[i] = st.Hash(*keys[i]);
      __builtin_prefetch(&st.slots[hashes[i] & st.slot_mask]);
    }
    // Pass 2: probe.
    for (uint64_t a = active; a; a &= a - 1) {
      uint32_t i = static_cast<uint32_t>(__builtin_ctzll(a));
      uint32_t e = st.Find(*keys[i], hashes[i]);
      if (e != UINT32_MAX && st.entries[e].rank > best_rank[i]) {
        best_rank[i] = st.entries[e].rank;
        out[i] = st.entries[e].rule;
      }
    }
  }
}

}  // namespace vswitch::flow
