// The flow path: classify a burst through the flow tables (exact-match cache, then the
// tuple-space classifier for misses) and run each packet's composed action list.
#include <rte_cycles.h>
#include <rte_prefetch.h>

#include "flow/flow_lookup.h"
#include "flow/packet_rewrite.h"
#include "packet/parser.h"
#include "worker/worker.h"

namespace vswitch {

void Worker::FlowBurst(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n, const TunnelMeta* meta) {
  // A walk that depends only on the input port, with actions that never look at the packet:
  // one verdict for the whole burst, no header parsed.
  const flow::FlowPipeline& pl = *st.pipeline;
  if (in_port < flow::kPortVerdictSlots) {
    const flow::PortVerdict& v = pl.port_verdict(in_port);
    if (v.determined && v.packet_blind && BlindBurst(st, in_port, pkts, n, meta, v.result)) return;
  }
  FlowKey keys[kBurstSize];
  const FlowKey* key_ptrs[kBurstSize];
  PacketLayout layouts[kBurstSize];
  rte_mbuf* ok[kBurstSize];
  uint16_t nok = 0;
  for (uint16_t i = 0; i < n; ++i) {
    if (i + 4 < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void*));
    rte_mbuf* m = pkts[i];
    DropReason reason;
    if (!ParseFrame(rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m), in_port, &keys[nok], &layouts[nok],
                    &reason)) {
      Drop(in_port, m, reason);
      continue;
    }
    if (meta != nullptr) {
      keys[nok].tun_id = meta[i].vni;
      keys[nok].tun_src = meta[i].src_ip;
      keys[nok].tun_dst = meta[i].dst_ip;
    }
    key_ptrs[nok] = &keys[nok];
    ok[nok++] = m;
  }
  if (nok == 0) return;
  const flow::FlowPipeline& pipeline = pl;
  flow::PipelineResult results[kBurstSize];
  flow::ClassifyBurst(pipeline, &emc_, key_ptrs, nok, results);
  const uint64_t now_tsc = rte_rdtsc();
  const uint64_t now_ns = static_cast<uint64_t>(static_cast<double>(now_tsc) * ns_per_tsc_);
  for (uint16_t i = 0; i < nok; ++i) {
    flow::CountRules(st.rule_counters, config_.index, pipeline, results[i], ok[i]->pkt_len, now_ns);
    ExecuteActions(st, in_port, ok[i], &keys[i], layouts[i], results[i], now_tsc);
  }
}

bool Worker::BlindBurst(const ForwardingState& st, uint32_t in_port, rte_mbuf** pkts, uint16_t n,
                        const TunnelMeta* meta, const flow::PipelineResult& result) {
  using flow::ActionType;
  // The outputs, decided once with the same rules as ExecuteActions.
  OutPort outs[kMaxOutputs];
  uint32_t n_outs = 0;
  uint32_t gone_outputs = 0, down_outputs = 0;
  uint64_t set_tunnel = 0;
  bool per_packet_context = false;  // flood / in_port of a decapsulated packet depend on its VNI
  const uint32_t domain = st.ports[in_port].domain;
  st.pipeline->ForEachAction(result, [&](const flow::Action& a) {
    switch (a.type) {
      case ActionType::kOutput: {
        uint32_t p = a.u32;
        if (p >= kMaxPorts || !st.ports[p].present) {
          ++gone_outputs;
        } else if (!st.ports[p].admin_up) {
          ++down_outputs;
        } else if (p != in_port && n_outs < kMaxOutputs) {
          outs[n_outs++] = {p, 0};
        }
        break;
      }
      case ActionType::kInPort:
        per_packet_context |= meta != nullptr;
        if (n_outs < kMaxOutputs) outs[n_outs++] = {in_port, 0};
        break;
      case ActionType::kFlood:
        per_packet_context |= meta != nullptr;
        if (n_outs + kMaxPorts <= kMaxOutputs) AddFloodPorts(st, in_port, domain, outs, &n_outs);
        break;
      case ActionType::kSetTunnel:
        set_tunnel = a.u64;
        break;
      default:  // goto_table, register writes: metadata the walk already used
        break;
    }
  });
  if (per_packet_context) return false;
  bool to_tunnel = false;
  for (uint32_t k = 0; k < n_outs; ++k) to_tunnel |= st.ports[outs[k].port].is_tunnel;

  // The one check every frame gets before a verdict applies to it: it is an Ethernet frame.
  uint16_t kept = 0;
  uint64_t bytes = 0;
  for (uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = pkts[i];
    if (rte_pktmbuf_data_len(m) < 14) {
      Drop(in_port, m, DropReason::kRuntFrame);
      continue;
    }
    bytes += m->pkt_len;
    if (meta != nullptr && kept != i) meta_scratch_[kept] = meta[i];
    pkts[kept++] = m;
  }
  if (kept == 0) return true;
  if (meta != nullptr && kept != n) meta = meta_scratch_;
  PortCounterBlock& c = port_counters_[in_port];
  if (gone_outputs) CounterAdd(c.drops[static_cast<int>(DropReason::kNoOutput)], uint64_t{gone_outputs} * kept);
  if (down_outputs) CounterAdd(c.drops[static_cast<int>(DropReason::kAdminDown)], uint64_t{down_outputs} * kept);
  const uint64_t now_ns = static_cast<uint64_t>(static_cast<double>(rte_rdtsc()) * ns_per_tsc_);
  for (uint32_t d = 0; d < result.depth; ++d)
    st.rule_counters->Hit(config_.index, st.pipeline->rule(result.rules[d]).id, kept, bytes, now_ns);
  if (n_outs == 0) {
    bool miss = result.fate == flow::PipelineFate::kTableMiss;
    CounterAdd(c.drops[static_cast<int>(miss ? DropReason::kTableMiss : DropReason::kPolicy)], kept);
    rte_pktmbuf_free_bulk(pkts, kept);
    return true;
  }
  if (to_tunnel && n_outs == 1 && (set_tunnel != 0 || meta == nullptr)) {
    // One tunnel and one VNI for the burst: resolve it once, then only encapsulate (the
    // entropy port hashes each packet's inner flow).
    DropReason why;
    const uint32_t vni = set_tunnel != 0 ? static_cast<uint32_t>(set_tunnel) : domain;
    const TunnelTarget* t = ResolveTunnel(st, outs[0], vni, &why);
    if (t == nullptr) {
      CounterAdd(port_counters_[outs[0].port].drops[static_cast<int>(why)], kept);
      rte_pktmbuf_free_bulk(pkts, kept);
      return true;
    }
    for (uint16_t i = 0; i < kept; ++i) EncapSend(st, *t, pkts[i]);
    return true;
  }
  if (to_tunnel) {
    // Encapsulation is per packet (its entropy port hashes the inner flow), but the tunnel's
    // resolution and header template come from the worker's one-entry cache.
    for (uint16_t i = 0; i < kept; ++i) {
      const uint32_t vni = set_tunnel != 0 ? static_cast<uint32_t>(set_tunnel) : meta ? meta[i].vni : domain;
      Output(st, in_port, pkts[i], outs, n_outs, vni);
    }
    return true;
  }
  if (n_outs > 1)
    for (uint16_t i = 0; i < kept; ++i) rte_mbuf_refcnt_update(pkts[i], static_cast<int16_t>(n_outs - 1));
  for (uint32_t k = 0; k < n_outs; ++k) EnqueueBurst(st, outs[k].port, pkts, kept);
  return true;
}

void Worker::ExecuteActions(const ForwardingState& st, uint32_t in_port, rte_mbuf* m, FlowKey* key,
                            PacketLayout layout, const flow::PipelineResult& result, uint64_t now_tsc) {
  using flow::ActionType;
  // Outputs collect in `outs` until the packet is about to change: then the unchanged packet
  // goes to them (OpenFlow: an output sends the packet as it is at that point) and the rest
  // of the list works on a copy.
  OutPort outs[kMaxOutputs];
  uint32_t n_outs = 0;
  bool ended = false;
  const bool from_tunnel = st.ports[in_port].is_tunnel;
  // The L2 domain NORMAL learns and floods in: the VNI a tunnel packet came with, else the port's.
  const uint32_t domain = from_tunnel ? static_cast<uint32_t>(key->tun_id) : st.ports[in_port].domain;
  const uint32_t remote = from_tunnel ? key->tun_src : 0;
  auto vni_of = [&]() { return key->tun_id != 0 ? static_cast<uint32_t>(key->tun_id) : domain; };
  st.pipeline->ForEachAction(result, [&](const flow::Action& a) {
    if (ended) return;
    switch (a.type) {
      case ActionType::kOutput: {
        uint32_t p = a.u32;
        if (p >= kMaxPorts || !st.ports[p].present) {
          CountDrop(in_port, DropReason::kNoOutput);
        } else if (!st.ports[p].admin_up) {
          CountDrop(in_port, DropReason::kAdminDown);
        } else if (p != in_port && n_outs < kMaxOutputs) {  // OpenFlow: output:in_port is a no-op
          outs[n_outs++] = {p, 0};
        }
        break;
      }
      case ActionType::kInPort:
        if (n_outs < kMaxOutputs) outs[n_outs++] = {in_port, from_tunnel ? remote : 0};
        break;
      case ActionType::kFlood:
        if (n_outs + kMaxPorts <= kMaxOutputs) AddFloodPorts(st, in_port, domain, outs, &n_outs);
        break;
      case ActionType::kNormal:
        if (n_outs + kMaxPorts <= kMaxOutputs) NormalDecide(st, in_port, domain, remote, *key, outs, &n_outs);
        break;
      case ActionType::kSetEthSrc:
      case ActionType::kSetEthDst:
      case ActionType::kSetIpv4Src:
      case ActionType::kSetIpv4Dst:
      case ActionType::kSetTpSrc:
      case ActionType::kSetTpDst:
      case ActionType::kSetVlanVid:
      case ActionType::kSetDscp:
      case ActionType::kPushVlan:
      case ActionType::kPopVlan: {
        if (n_outs > 0 || rte_mbuf_refcnt_read(m) > 1) {
          rte_mbuf* copy = rte_pktmbuf_copy(m, config_.pool, 0, UINT32_MAX);
          if (copy == nullptr) {
            // The outputs so far still get the packet; the rest of the list cannot run.
            if (n_outs > 0) {
              Output(st, in_port, m, outs, n_outs, vni_of());
              CountDrop(in_port, DropReason::kNoMbuf);
            } else {
              Drop(in_port, m, DropReason::kNoMbuf);
            }
            m = nullptr;
            ended = true;
            return;
          }
          if (n_outs > 0) {
            Output(st, in_port, m, outs, n_outs, vni_of());
          } else {
            rte_pktmbuf_free(m);  // our reference to a shared buffer
          }
          m = copy;
          n_outs = 0;
        }
        uint8_t* data = rte_pktmbuf_mtod(m, uint8_t*);
        uint8_t* before = data;
        uint32_t len = rte_pktmbuf_data_len(m);
        flow::RewriteResult r = flow::ApplyRewrite(a, &data, &len, rte_pktmbuf_headroom(m), &layout);
        if (r == flow::RewriteResult::kNoHeadroom) {
          Drop(in_port, m, DropReason::kNoHeadroom);
          m = nullptr;
          ended = true;
          return;
        }
        if (data < before) {
          rte_pktmbuf_prepend(m, static_cast<uint16_t>(before - data));
        } else if (data > before) {
          rte_pktmbuf_adj(m, static_cast<uint16_t>(data - before));
        }
        flow::ApplyActionToKey(a, key);  // a later `normal` sees the rewritten addresses
        break;
      }
      case ActionType::kSetRegister:
      case ActionType::kGotoTable:
      case ActionType::kSetTunnel:
        flow::ApplyActionToKey(a, key);  // metadata only: no packet bytes change
        break;
      case ActionType::kMeter: {
        // A meter that is gone cannot be (commit refuses to delete a meter in use), so a
        // missing slot drops rather than silently bypassing a rate limit.
        uint16_t slot = st.meters->SlotOf(a.u32);
        if (slot == meter::kNoMeterSlot || !config_.meters->Admit(*st.meters, slot, now_tsc, m->pkt_len)) {
          if (n_outs > 0) {
            Output(st, in_port, m, outs, n_outs, vni_of());  // outputs before the meter keep their copy
            CountDrop(in_port, DropReason::kMeter);
          } else {
            Drop(in_port, m, DropReason::kMeter);
          }
          m = nullptr;
          ended = true;
          return;
        }
        break;
      }
      case ActionType::kNfChain:  // refused by the rule parser until service chains exist
        break;
    }
  });
  if (m == nullptr) return;
  if (n_outs > 0) {
    Output(st, in_port, m, outs, n_outs, vni_of());
    return;
  }
  // No output: the rules said drop, or a table had no matching rule.
  bool miss = result.fate == flow::PipelineFate::kTableMiss;
  Drop(in_port, m, miss ? DropReason::kTableMiss : DropReason::kPolicy);
}

}  // namespace vswitch
