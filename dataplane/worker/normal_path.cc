// The learning switch ("NORMAL"): for a whole burst when no flow rules are installed, and for
// one packet when a rule's actions say `normal`. Learning domains are (L2 domain, VLAN): a
// plain port is in domain 0, a tenant port in the domain of its VNI, and packets from a
// tunnel in the domain of the VNI they arrived with.
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

// The MAC+VLAN half of an FDB key straight from the frame: one unaligned 8-byte load.
// Reading it back from the FlowKey the parser has just written would stall on store
// forwarding (the parser writes the MACs with narrower stores than this 8-byte read).
inline uint64_t DstWord(const uint8_t* frame, uint16_t vlan) {
  uint64_t w;
  std::memcpy(&w, frame, 8);  // dst MAC in the low 6 bytes (little-endian)
  return (w & 0xffffffffffffull) | static_cast<uint64_t>(vlan) << 48;
}
inline uint64_t SrcWord(const uint8_t* frame, uint16_t vlan) {
  uint64_t w;
  std::memcpy(&w, frame + 4, 8);  // src MAC in the high 6 bytes
  return (w >> 16) | static_cast<uint64_t>(vlan) << 48;
}
inline MacKey MakeKey(uint64_t word, uint32_t domain) {
  MacKey k;
  std::memcpy(&k, &word, 8);
  k.domain = domain;
  return k;
}
static_assert(offsetof(MacKey, vlan) == 6 && offsetof(MacKey, domain) == 8, "key words assume {mac[6], vlan, domain}");

inline uint32_t DomainOf(const ForwardingState& st, uint32_t in_port, const TunnelMeta* meta, uint16_t i) {
  return meta ? meta[i].vni : st.ports[in_port].domain;
}

}  // namespace

void Worker::AddFloodPorts(const ForwardingState& st, uint32_t in_port, uint32_t domain, OutPort* outs, uint32_t* n_outs) {
  const std::vector<uint32_t>* local = &st.flood_ports;
  if (domain != 0) {
    auto it = st.flood_by_domain.find(domain);
    local = it == st.flood_by_domain.end() ? nullptr : &it->second;
  }
  if (local != nullptr)
    for (uint32_t p : *local)
      if (p != in_port) outs[(*n_outs)++] = {p, 0};
  if (domain == 0 || st.ports[in_port].is_tunnel) return;
  const std::vector<uint32_t>* remotes = st.tunnels->Remotes(domain);
  if (remotes == nullptr) return;
  for (const tunnels::VtepRuntime& v : st.tunnels->vteps) {
    if (!st.ports[v.tunnel_port].admin_up) continue;
    for (uint32_t ip : *remotes)
      if (*n_outs < kMaxOutputs) outs[(*n_outs)++] = {v.tunnel_port, ip};
  }
}

void Worker::NormalDecide(const ForwardingState& st, uint32_t in_port, uint32_t domain, uint32_t remote_ip,
                          const FlowKey& key, OutPort* outs, uint32_t* n_outs) {
  MacTable& macs = *st.macs;
  const uint16_t vlan = key.vlan_tci & 0x0fff;
  const uint64_t now = rte_rdtsc();
  MacKey keys[2];
  const MacKey* ptrs[2];
  unsigned nk = 0;
  const bool learn = !(key.eth_src[0] & 1);
  const bool unicast = !(key.eth_dst[0] & 1);
  if (learn) {
    std::memcpy(keys[nk].mac, key.eth_src, 6);
    keys[nk].vlan = vlan;
    keys[nk++].domain = domain;
  }
  if (unicast) {
    std::memcpy(keys[nk].mac, key.eth_dst, 6);
    keys[nk].vlan = vlan;
    keys[nk++].domain = domain;
  }
  for (unsigned i = 0; i < nk; ++i) ptrs[i] = &keys[i];
  int32_t slots[2] = {-1, -1};
  macs.LookupBurst(ptrs, nk, slots);
  if (learn) {
    int32_t slot = slots[0];
    uint32_t port = slot < 0 ? MacTable::kNoPort : macs.PortOf(slot);
    if (port == in_port && macs.RemoteOf(slot) == remote_ip) {
      macs.Touch(slot, now, touch_interval_tsc_);
    } else if (slot < 0 || port == MacTable::kNoPort || !macs.IsStatic(slot)) {
      RequestLearn(keys[0], in_port, remote_ip, now);
    }
  }
  if (unicast) {
    int32_t slot = slots[nk - 1];
    uint32_t out = slot < 0 ? MacTable::kNoPort : macs.PortOf(slot);
    if (out != MacTable::kNoPort && out < kMaxPorts && st.ports[out].present) {
      if (out == in_port) {
        CountDrop(in_port, DropReason::kSamePort);
      } else if (!st.ports[out].admin_up) {
        CountDrop(in_port, DropReason::kAdminDown);
      } else {
        outs[(*n_outs)++] = {out, macs.RemoteOf(slot)};
      }
      return;
    }
  }
  AddFloodPorts(st, in_port, domain, outs, n_outs);
}

void Worker::NormalBurst(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n, const TunnelMeta* meta) {
  // Pass 1: parse every packet and collect the distinct FDB keys of the burst. Consecutive
  // packets of one conversation share their MAC pair, so comparing with the previous key
  // removes most duplicate lookups at the cost of two integer compares.
  rte_mbuf* ok[kBurstSize];
  uint16_t ok_index[kBurstSize];
  uint8_t dst_idx[kBurstSize];
  MacKey ukeys[2 * kBurstSize];
  const MacKey* ukey_ptrs[2 * kBurstSize];
  uint64_t ukey_words[2 * kBurstSize];
  uint32_t ukey_remote[2 * kBurstSize];
  bool ukey_is_src[2 * kBurstSize];
  FlowKey keys[kBurstSize];
  unsigned nu = 0;
  uint16_t nok = 0;
  uint8_t last_src = kNoKey, last_dst = kNoKey;
  PacketLayout layout;

  for (uint16_t i = 0; i < n; ++i) {
    if (i + 4 < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void*));
    rte_mbuf* m = pkts[i];
    DropReason reason;
    FlowKey& key = keys[nok];
    if (!ParseFrame(rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m), in_port, &key, &layout, &reason)) {
      Drop(in_port, m, reason);
      continue;
    }
    const uint8_t* frame = rte_pktmbuf_mtod(m, const uint8_t*);
    const uint16_t vlan = key.vlan_tci & 0x0fff;
    const uint32_t domain = DomainOf(st, in_port, meta, i);
    const uint32_t remote = meta ? meta[i].src_ip : 0;
    uint8_t d = kNoKey;
    if (!(frame[6] & 1)) {  // never learn a multicast source
      uint64_t w = SrcWord(frame, vlan);
      if (last_src == kNoKey || ukey_words[last_src] != w || ukeys[last_src].domain != domain ||
          ukey_remote[last_src] != remote) {
        ukey_words[nu] = w;
        ukeys[nu] = MakeKey(w, domain);
        ukey_ptrs[nu] = &ukeys[nu];
        ukey_remote[nu] = remote;
        ukey_is_src[nu] = true;
        last_src = static_cast<uint8_t>(nu++);
      }
    }
    if (!(frame[0] & 1)) {  // multicast/broadcast destinations always flood
      uint64_t w = DstWord(frame, vlan);
      if (last_dst != kNoKey && ukey_words[last_dst] == w && ukeys[last_dst].domain == domain) {
        d = last_dst;
      } else {
        d = static_cast<uint8_t>(nu);
        ukey_words[nu] = w;
        ukeys[nu] = MakeKey(w, domain);
        ukey_ptrs[nu] = &ukeys[nu];
        ukey_remote[nu] = 0;
        ukey_is_src[nu] = false;
        last_dst = static_cast<uint8_t>(nu++);
      }
    }
    dst_idx[nok] = d;
    ok_index[nok] = i;
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
      RequestLearn(ukeys[u], in_port, ukey_remote[u], now);
      continue;
    }
    uint32_t port = macs.PortOf(slot);
    if (port == in_port && macs.RemoteOf(slot) == ukey_remote[u]) {
      macs.Touch(slot, now, touch_interval_tsc_);
    } else if (port == MacTable::kNoPort || !macs.IsStatic(slot)) {
      RequestLearn(ukeys[u], in_port, ukey_remote[u], now);  // new, or moved here
    }
  }

  // Pass 3: forward.
  OutPort flood[kMaxOutputs];
  uint32_t n_flood = 0;
  uint32_t flood_domain = UINT32_MAX;
  for (uint16_t i = 0; i < nok; ++i) {
    rte_mbuf* m = ok[i];
    const uint32_t domain = DomainOf(st, in_port, meta, ok_index[i]);
    uint32_t out = MacTable::kNoPort;
    int32_t slot = dst_idx[i] != kNoKey ? slots[dst_idx[i]] : -1;
    if (slot >= 0) out = macs.PortOf(slot);
    if (out != MacTable::kNoPort && out < kMaxPorts && st.ports[out].present) {
      if (out == in_port) {
        Drop(in_port, m, DropReason::kSamePort);
      } else if (!st.ports[out].admin_up) {
        Drop(in_port, m, DropReason::kAdminDown);
      } else if (st.ports[out].is_tunnel) {
        OutPort o = {out, macs.RemoteOf(slot)};
        Output(st, in_port, m, &o, 1, domain);
      } else {
        Enqueue(st, out, m);
      }
      continue;
    }
    // Flood: every other port of the domain gets the same mbuf (refcount, no copy); remote
    // VTEPs of the domain get encapsulated copies.
    if (flood_domain != domain) {
      n_flood = 0;
      AddFloodPorts(st, in_port, domain, flood, &n_flood);
      flood_domain = domain;
    }
    Output(st, in_port, m, flood, n_flood, domain);
  }
}

}  // namespace vswitch
