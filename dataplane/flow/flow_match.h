// FlowMatch: a FlowKey of values plus a same-shaped FlowKey of mask bits.
//
// A 1 bit in `mask` means "the packet's bit must equal the bit in `key`"; a 0 bit is a wildcard.
// `key` is always normalized (key == key & mask), so two matches that select the same packets
// compare equal byte for byte, and the classifier can hash masked packet words straight
// against stored keys. Padding bytes of FlowKey are never set in a mask.
#pragma once

#include <cstddef>
#include <cstdint>

#include "packet/flow_key.h"

namespace vswitch::flow {

inline constexpr size_t kFlowKeyWords = sizeof(FlowKey) / 8;

// FlowKey is hashed, masked and compared as 64-bit words. may_alias keeps the compiler from
// assuming a uint64_t view cannot alias the struct's own fields.
using KeyWord = uint64_t __attribute__((may_alias));
inline const KeyWord* Words(const FlowKey& k) { return reinterpret_cast<const KeyWord*>(&k); }
inline KeyWord* Words(FlowKey& k) { return reinterpret_cast<KeyWord*>(&k); }

struct FlowMatch {
  FlowKey key;
  FlowKey mask;

  FlowMatch() {
    key.Clear();
    mask.Clear();
  }

  // Restores the invariant key == key & mask (after setting raw values).
  void Normalize() {
    KeyWord* k = Words(key);
    const KeyWord* m = Words(mask);
    for (size_t i = 0; i < kFlowKeyWords; ++i) k[i] &= m[i];
  }

  bool Matches(const FlowKey& packet) const {
    const KeyWord* p = Words(packet);
    const KeyWord* k = Words(key);
    const KeyWord* m = Words(mask);
    uint64_t diff = 0;
    for (size_t i = 0; i < kFlowKeyWords; ++i) diff |= (p[i] & m[i]) ^ k[i];
    return diff == 0;
  }

  // True if every packet that matches `narrower` also matches *this: the non-strict
  // selection rule of OpenFlow modify/delete ("the flow-mod's match covers the rule").
  bool Covers(const FlowMatch& narrower) const { return Covers(narrower.key, narrower.mask); }
  bool Covers(const FlowKey& narrower_key, const FlowKey& narrower_mask) const {
    const KeyWord* k = Words(key);
    const KeyWord* m = Words(mask);
    const KeyWord* nk = Words(narrower_key);
    const KeyWord* nm = Words(narrower_mask);
    for (size_t i = 0; i < kFlowKeyWords; ++i) {
      if (m[i] & ~nm[i]) return false;         // we constrain a bit the narrower one leaves open
      if ((nk[i] & m[i]) != k[i]) return false;  // the shared bits disagree
    }
    return true;
  }

  bool IsCatchAll() const {
    const KeyWord* m = Words(mask);
    uint64_t any = 0;
    for (size_t i = 0; i < kFlowKeyWords; ++i) any |= m[i];
    return any == 0;
  }

  bool operator==(const FlowMatch& o) const { return key == o.key && mask == o.mask; }
};


// KeyProjection: the words (and bits within them) of a FlowKey that some rule of a pipeline
// looks at. A pipeline's verdict for a packet depends only on those bits (see FlowPipeline,
// "what the verdict depends on"), so the exact-match cache keys, hashes and compares the
// projected key: flows that differ only in fields no rule reads share one cache entry (the
// idea of OVS's megaflows, with one mask per pipeline instead of one per subtable).
struct KeyProjection {
  uint32_t n_words = 0;
  uint8_t word_index[kFlowKeyWords] = {};
  uint64_t mask_words[kFlowKeyWords] = {};

  // Every bit of the key (the plain exact-match cache).
  static KeyProjection Full() {
    KeyProjection p;
    for (uint32_t w = 0; w < kFlowKeyWords; ++w) {
      p.word_index[w] = static_cast<uint8_t>(w);
      p.mask_words[w] = ~0ull;
    }
    p.n_words = kFlowKeyWords;
    return p;
  }
  // The bits set in `mask`.
  static KeyProjection Of(const FlowKey& mask) {
    KeyProjection p;
    const KeyWord* m = Words(mask);
    for (uint32_t w = 0; w < kFlowKeyWords; ++w) {
      if (m[w] == 0) continue;
      p.word_index[p.n_words] = static_cast<uint8_t>(w);
      p.mask_words[p.n_words++] = m[w];
    }
    return p;
  }

  // `key` with every bit outside the projection cleared.
  FlowKey Apply(const FlowKey& key) const {
    FlowKey out;
    out.Clear();
    const KeyWord* k = Words(key);
    KeyWord* o = Words(out);
    for (uint32_t i = 0; i < n_words; ++i) o[word_index[i]] = k[word_index[i]] & mask_words[i];
    return out;
  }
  // True if `projected` (a key from Apply) equals the projection of `key`.
  bool SameAs(const FlowKey& projected, const FlowKey& key) const {
    const KeyWord* p = Words(projected);
    const KeyWord* k = Words(key);
    uint64_t diff = 0;
    for (uint32_t i = 0; i < n_words; ++i) diff |= (k[word_index[i]] & mask_words[i]) ^ p[word_index[i]];
    return diff == 0;
  }
};

}  // namespace vswitch::flow
