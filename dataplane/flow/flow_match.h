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
  bool Covers(const FlowMatch& narrower) const {
    const KeyWord* k = Words(key);
    const KeyWord* m = Words(mask);
    const KeyWord* nk = Words(narrower.key);
    const KeyWord* nm = Words(narrower.mask);
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

}  // namespace vswitch::flow
