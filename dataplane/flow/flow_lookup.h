// The fast-path entry points a worker calls per burst: exact-match cache, then the pipeline
// walk for the misses, then per-worker rule counters. Header-only so they inline into the
// worker loop; no allocation, locks, virtual calls or exceptions.
//
// Usage in a worker (pipeline = the RCU-published FlowPipeline snapshot):
//   const FlowKey* keys[n]; PipelineResult results[n];
//   ClassifyBurst(*pipeline, &emc, keys, n, results);
//   for each packet i: CountRules(&counters, worker, *pipeline, results[i], len_i, now);
//                      pipeline->ForEachAction(results[i], [&](const Action& a) { ... });
#pragma once

#include <cstdint>

#include "flow/exact_match_cache.h"
#include "flow/flow_hash.h"
#include "flow/flow_pipeline.h"
#include "flow/rule_counters.h"

namespace vswitch::flow {

// results[i] = the walk of *keys[i] through `pipeline`, served from `emc` when it holds a
// result of this pipeline's generation for the key's projection; misses are walked (table 0 batched) and cached.
inline void ClassifyBurst(const FlowPipeline& pipeline, ExactMatchCache* emc, const FlowKey* const keys[],
                          uint32_t n, PipelineResult results[]) {
  if (!emc->ShouldProbe()) {  // adaptive bypass: the cache is not paying for itself
    pipeline.WalkBurst(keys, n, results);
    return;
  }
  const uint64_t generation = pipeline.generation();
  const KeyProjection& proj = pipeline.projection();
  uint32_t hashes[kMaxLookupBurst];
  for (uint32_t i = 0; i < n; ++i) {
    hashes[i] = HashProjected(*keys[i], proj);
    emc->Prefetch(hashes[i]);
  }
  const FlowKey* miss_keys[kMaxLookupBurst];
  uint32_t miss_index[kMaxLookupBurst];
  uint32_t misses = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (const PipelineResult* r = emc->Lookup(*keys[i], hashes[i], generation, proj)) {
      results[i] = *r;
    } else {
      miss_keys[misses] = keys[i];
      miss_index[misses++] = i;
    }
  }
  emc->RecordBurst(n - misses, n);
  if (misses == 0) return;
  PipelineResult walked[kMaxLookupBurst];
  pipeline.WalkBurst(miss_keys, misses, walked);
  for (uint32_t j = 0; j < misses; ++j) {
    uint32_t i = miss_index[j];
    results[i] = walked[j];
    emc->Insert(*keys[i], hashes[i], generation, proj, walked[j]);
  }
}

// Bumps the counters of every rule the walk matched (each table's rule counts the packet).
inline void CountRules(RuleCounters* counters, uint32_t worker, const FlowPipeline& pipeline,
                       const PipelineResult& result, uint32_t bytes, uint64_t now) {
  for (uint32_t d = 0; d < result.depth; ++d) counters->Hit(worker, pipeline.rule(result.rules[d]).id, 1, bytes, now);
}

}  // namespace vswitch::flow
