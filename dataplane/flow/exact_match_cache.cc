#include "flow/exact_match_cache.h"

#include <cstring>

namespace vswitch::flow {

ExactMatchCache::ExactMatchCache(uint32_t entries) {
  uint32_t n = 2;
  while (n < entries) n <<= 1;
  entries_.reset(new Entry[n]);
  mask_ = n - 1;
  Clear();
}

void ExactMatchCache::Clear() {
  for (uint32_t i = 0; i <= mask_; ++i) {
    std::memset(static_cast<void*>(&entries_[i]), 0, sizeof(Entry));
  }
}

void ExactMatchCache::Insert(const FlowKey& key, uint32_t hash, uint64_t generation, const KeyProjection& proj,
                             const PipelineResult& result) {
  Entry* a = &entries_[hash & mask_];
  Entry* b = &entries_[(hash >> 16) & mask_];
  Entry* e;
  auto reusable = [&](const Entry* x) {
    return x->generation != generation || (x->hash == hash && proj.SameAs(x->key, key));
  };
  if (reusable(a)) e = a;
  else if (reusable(b)) e = b;
  else e = (hash >> 31) ? b : a;
  e->generation = generation;
  e->hash = hash;
  e->key = proj.Apply(key);
  e->result = result;
}

}  // namespace vswitch::flow
