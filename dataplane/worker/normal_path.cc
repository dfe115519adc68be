// The learning switch ("NORMAL"): for a whole burst when no flow rules are installed, and for
// one packet when a rule's actions say `normal`.
#include <rte_cycles.h>
#include <rte_prefetch.h>

#include <cstddef>
#include <cstring>

#include "l2/mac_table.h"
#include "packet/parser.h"
#include "worker/worker.h"

namespace vswitch {

namespace {

constexpr uint8_t kNoKey = 0xff;

inline uint64_t MacKeyWord(uint16_t vlan, const uint8_t* mac) {
  MacKey k;
  k.vlan = vlan;
  std::memcpy(k.mac, mac, 6);
  uint64_t w;
  std::memcpy(&w, &k, sizeof(w));
  return w;
}

// The FDB key words straight from the frame: one unaligned 8-byte load each. Reading them
// back from the FlowKey the parser has just written would stall on store forwarding (the
// parser writes the MACs with narrower stores than this 8-byte read).
inline uint64_t DstKeyWord(const uint8_t* frame, uint16_t vlan) {
  uint64_t w;
  std::memcpy(&w, frame, 8);  // dst MAC in the low 6 bytes (little-endian)
  return (w << 16) | vlan;
}
inline uint64_t SrcKeyWord(const uint8_t* frame, uint16_t vlan) {
  uint64_t w;
  std::memcpy(&w, frame + 4, 8);  // src MAC in the high 6 bytes
  return (w & ~0xffffull) | vlan;
}
static_assert(sizeof(MacKey) == 8 && offsetof(MacKey, mac) == 2, "key words assume {vlan, mac[6]}");

}  // namespace

void Worker::AddFloodPorts(const ForwardingState& st, uint32_t in_port, uint32_t* outs, uint32_t* n_outs) {
  for (uint32_t p : st.flood_ports)
    if (p != in_port) outs[(*n_outs)++] = p;
}

void Worker::NormalDecide(const ForwardingState& st, uint32_t in_port, const FlowKey& key, uint32_t* outs,
                          uint32_t* n_outs) {
  MacTable& macs = *st.macs;
  const uint16_t vlan = key.vlan_tci & 0x0fff;
  const uint64_t now = rte_rdtsc();
  MacKey keys[2];
  const MacKey* ptrs[2];
  unsigned nk = 0;
  const bool learn = !(key.eth_src[0] & 1);
  const bool unicast = !(key.eth_dst[0] & 1);
  uint64_t src_word = MacKeyWord(vlan, key.eth_src);
  if (learn) std::memcpy(&keys[nk++], &src_word, 8);
  if (unicast) {
    uint64_t w = MacKeyWord(vlan, key.eth_dst);
    std::memcpy(&keys[nk++], &w, 8);
  }
  for (unsigned i = 0; i < nk; ++i) ptrs[i] = &keys[i];
  int32_t slots[2] = {-1, -1};
  macs.LookupBurst(ptrs, nk, slots);
  if (learn) {
    int32_t slot = slots[0];
    uint32_t port = slot < 0 ? MacTable::kNoPort : macs.PortOf(slot);
    if (port == in_port) {
      macs.Touch(slot, now, touch_interval_tsc_);
    } else if (slot < 0 || port == MacTable::kNoPort || !macs.IsStatic(slot)) {
      RequestLearn(src_word, in_port, now);
    }
  }
  if (unicast) {
    int32_t slot = slots[nk - 1];
    uint32_t out = slot < 0 ? MacTable::kNoPort : macs.PortOf(slot);
    if (out != MacTable::kNoPort && out < kMaxPorts && st.ports[out].present) {
      if (out == in_port) {
        CounterAdd(port_counters_[in_port].drops[static_cast<int>(DropReason::kSamePort)], 1);
      } else if (!st.ports[out].admin_up) {
        CounterAdd(port_counters_[in_port].drops[static_cast<int>(DropReason::kAdminDown)], 1);
      } else {
        outs[(*n_outs)++] = out;
      }
      return;
    }
  }
  AddFloodPorts(st, in_port, outs, n_outs);
}

void Worker::NormalBurst(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n) {
  // Pass 1: parse every packet and collect the distinct FDB keys of the burst. Consecutive
  // packets of one conversation share their MAC pair, so comparing with the previous key
  // removes most duplicate lookups at the cost of one 64-bit compare.
  rte_mbuf* ok[kBurstSize];
  uint8_t dst_idx[kBurstSize];
  MacKey ukeys[2 * kBurstSize];
  const MacKey* ukey_ptrs[2 * kBurstSize];
  uint64_t ukey_words[2 * kBurstSize];
  bool ukey_is_src[2 * kBurstSize];
  unsigned nu = 0;
  uint16_t nok = 0;
  uint8_t last_src = kNoKey, last_dst = kNoKey;
  FlowKey key;
  PacketLayout layout;

  for (uint16_t i = 0; i < n; ++i) {
    if (i + 4 < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void*));
    rte_mbuf* m = pkts[i];
    DropReason reason;
    if (!ParseFrame(rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m), in_port, &key, &layout, &reason)) {
      Drop(in_port, m, reason);
      continue;
    }
    const uint8_t* frame = rte_pktmbuf_mtod(m, const uint8_t*);
    const uint16_t vlan = key.vlan_tci & 0x0fff;
    uint8_t d = kNoKey;
    if (!(frame[6] & 1)) {  // never learn a multicast source
      uint64_t w = SrcKeyWord(frame, vlan);
      if (last_src == kNoKey || ukey_words[last_src] != w) {
        ukey_words[nu] = w;
        std::memcpy(&ukeys[nu], &w, sizeof(w));
        ukey_ptrs[nu] = &ukeys[nu];
        ukey_is_src[nu] = true;
        last_src = static_cast<uint8_t>(nu++);
      }
    }
    if (!(frame[0] & 1)) {  // multicast/broadcast destinations always flood
      uint64_t w = DstKeyWord(frame, vlan);
      if (last_dst != kNoKey && ukey_words[last_dst] == w) {
        d = last_dst;
      } else {
        d = static_cast<uint8_t>(nu);
        ukey_words[nu] = w;
        std::memcpy(&ukeys[nu], &w, sizeof(w));
        ukey_ptrs[nu] = &ukeys[nu];
        ukey_is_src[nu] = false;
        last_dst = static_cast<uint8_t>(nu++);
      }
    }
    dst_idx[nok] = d;
    ok[nok++] = m;
  }
  if (nok == 0) return;

  // Pass 2: one bulk lookup for all distinct keys.
  int32_t slots[2 * kBurstSize];
  MacTable& macs = *st.macs;
  macs.LookupBurst(ukey_ptrs, nu, slots);

  // Learning, once per distinct source.
  const uint64_t now = rte_rdtsc();
  for (unsigned u = 0; u < nu; ++u) {
    if (!ukey_is_src[u]) continue;
    int32_t slot = slots[u];
    if (slot < 0) {
      RequestLearn(ukey_words[u], in_port, now);
      continue;
    }
    uint32_t port = macs.PortOf(slot);
    if (port == in_port) {
      macs.Touch(slot, now, touch_interval_tsc_);
    } else if (port == MacTable::kNoPort || !macs.IsStatic(slot)) {
      RequestLearn(ukey_words[u], in_port, now);  // new, or moved to this port
    }
  }

  // Pass 3: forward.
  uint32_t flood[kMaxPorts];
  uint32_t n_flood = 0;
  bool flood_ready = false;
  for (uint16_t i = 0; i < nok; ++i) {
    rte_mbuf* m = ok[i];
    uint32_t out = MacTable::kNoPort;
    if (dst_idx[i] != kNoKey && slots[dst_idx[i]] >= 0) out = macs.PortOf(slots[dst_idx[i]]);
    if (out != MacTable::kNoPort && out < kMaxPorts && st.ports[out].present) {
      if (out == in_port) {
        Drop(in_port, m, DropReason::kSamePort);
      } else if (!st.ports[out].admin_up) {
        Drop(in_port, m, DropReason::kAdminDown);
      } else {
        Enqueue(st, out, m);
      }
      continue;
    }
    // Flood: every admin-up port but the ingress gets the same mbuf (refcount, no copy).
    if (!flood_ready) {
      AddFloodPorts(st, in_port, flood, &n_flood);
      flood_ready = true;
    }
    Output(st, in_port, m, flood, n_flood);
  }
}

}  // namespace vswitch
