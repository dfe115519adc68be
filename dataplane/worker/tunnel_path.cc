// The VTEP on a worker: VXLAN and ARP for the local VTEP address taken off the uplink, and
// VXLAN encapsulation of packets sent to a tunnel port.
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include <cstring>

#include "neighbor/arp.h"
#include "vxlan/vxlan_wire.h"
#include "worker/worker.h"

namespace vswitch {

uint16_t Worker::UplinkReceive(const ForwardingState& st, uint32_t uplink, rte_mbuf** pkts, uint16_t n) {
  const tunnels::VtepRuntime& vtep = *st.tunnels->VtepForUplink(uplink);
  rte_mbuf* decapped[kBurstSize];
  TunnelMeta meta[kBurstSize];
  uint16_t n_decap = 0, n_rest = 0;
  uint64_t decap_bytes = 0;
  uint32_t known_vni = UINT32_MAX;  // not a VNI (24 bits)
  for (uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = pkts[i];
    uint8_t* frame = rte_pktmbuf_mtod(m, uint8_t*);
    const uint32_t len = rte_pktmbuf_data_len(m);
    tunnels::VxlanInfo info;
    switch (tunnels::CheckVxlan(frame, len, vtep.local_ip, vtep.udp_port, &info)) {
      case tunnels::VxlanCheck::kOk:
        // A burst usually carries few VNIs: the last one found known is not looked up again.
        if (info.vni != known_vni) {
          if (!st.tunnels->KnownVni(info.vni)) {
            Drop(uplink, m, DropReason::kVxlanUnknownVni);
            continue;
          }
          known_vni = info.vni;
        }
        rte_pktmbuf_adj(m, static_cast<uint16_t>(info.inner_offset));
        if (m->pkt_len > info.inner_len) rte_pktmbuf_trim(m, static_cast<uint16_t>(m->pkt_len - info.inner_len));
        meta[n_decap] = {info.vni, info.outer_src_ip, info.outer_dst_ip};
        decap_bytes += info.inner_len;
        decapped[n_decap++] = m;
        continue;
      case tunnels::VxlanCheck::kMalformed:
        Drop(uplink, m, DropReason::kVxlanMalformed);
        continue;
      case tunnels::VxlanCheck::kBadChecksum:
        Drop(uplink, m, DropReason::kVxlanBadChecksum);
        continue;
      case tunnels::VxlanCheck::kBadFlags:
        Drop(uplink, m, DropReason::kVxlanBadFlags);
        continue;
      case tunnels::VxlanCheck::kNotVxlan:
        break;
    }
    tunnels::ArpInfo arp;
    if (tunnels::ParseArp(frame, len, &arp) && arp.target_ip == vtep.local_ip) {
      // ARP for our VTEP address is the host's business, not the switch's: answer requests,
      // learn the sender either way.
      ReportNeighbor(arp.sender_ip, arp.sender_mac, uplink);
      if (arp.op == 1) {
        tunnels::TurnIntoArpReply(frame, vtep.mac, vtep.local_ip);
        Enqueue(st, uplink, m);
      } else {
        rte_pktmbuf_free(m);
      }
      continue;
    }
    pkts[n_rest++] = m;  // ordinary traffic on the uplink: switched like any port's
  }
  if (n_decap > 0) {
    PortCounterBlock& tc = port_counters_[vtep.tunnel_port];
    CounterAdd(tc.rx_packets, n_decap);
    CounterAdd(tc.rx_bytes, decap_bytes);
    if (!st.ports[vtep.tunnel_port].admin_up) {
      for (uint16_t i = 0; i < n_decap; ++i) Drop(vtep.tunnel_port, decapped[i], DropReason::kAdminDown);
    } else {
      Dispatch(st, vtep.tunnel_port, decapped, n_decap, meta);
    }
  }
  return n_rest;
}

const TunnelTarget* Worker::ResolveTunnel(const ForwardingState& st, const OutPort& out, uint32_t vni, DropReason* why) {
  TunnelTarget& t = tunnel_cache_;
  if (t.generation == st.generation && t.port == out.port && t.remote_ip == out.remote_ip && t.vni == vni) return &t;
  const tunnels::VtepRuntime* vtep = st.tunnels->VtepForTunnel(out.port);
  if (vtep == nullptr) {
    *why = DropReason::kNoOutput;
    return nullptr;
  }
  const uint32_t remote = out.remote_ip != 0 ? out.remote_ip : vtep->remote_ip;
  const uint32_t wire_vni = vtep->vni != 0 ? vtep->vni : vni;
  if (remote == 0 || wire_vni == 0 || wire_vni > tunnels::kMaxVni) {
    *why = DropReason::kTunnelNoRemote;
    return nullptr;
  }
  const uint32_t next_hop = st.tunnels->NextHop(remote);
  const std::array<uint8_t, 6>* mac = st.tunnels->Neighbor(next_hop);
  if (mac == nullptr) {
    RequestResolve(next_hop, vtep->uplink_port, rte_rdtsc());
    *why = DropReason::kTunnelNoNeighbor;
    return nullptr;
  }
  tunnels::VxlanEncap e{};
  std::memcpy(e.src_mac, vtep->mac, 6);
  std::memcpy(e.dst_mac, mac->data(), 6);
  e.src_ip = vtep->local_ip;
  e.dst_ip = remote;
  e.udp_dst = vtep->udp_port;
  e.vni = wire_vni;
  e.ttl = vtep->ttl;
  tunnels::BuildVxlanTemplate(e, &t.header);
  t.generation = st.generation;
  t.port = out.port;
  t.remote_ip = out.remote_ip;
  t.vni = vni;
  t.uplink = vtep->uplink_port;
  t.ip_mtu = vtep->ip_mtu;
  return &t;
}

void Worker::EncapSend(const ForwardingState& st, const TunnelTarget& t, rte_mbuf* m) {
  const uint32_t inner_len = m->pkt_len;
  if (inner_len + tunnels::kVxlanOverheadIp > t.ip_mtu) {
    Drop(t.port, m, DropReason::kTunnelMtu);
    return;
  }
  // The flow hash reads the inner headers before the prepend moves the data pointer.
  const uint32_t hash = tunnels::InnerFlowHash(rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m));
  uint8_t* hdr = reinterpret_cast<uint8_t*>(rte_pktmbuf_prepend(m, tunnels::kVxlanHeaderBytes));
  if (hdr == nullptr) {
    Drop(t.port, m, DropReason::kNoHeadroom);
    return;
  }
  tunnels::StampVxlanHeaders(hdr, t.header, inner_len, ip_id_++, tunnels::FlowEntropyPort(hash));
  PortCounterBlock& tc = port_counters_[t.port];
  CounterAdd(tc.tx_packets, 1);
  CounterAdd(tc.tx_bytes, inner_len);
  Enqueue(st, t.uplink, m);
}

void Worker::TunnelSend(const ForwardingState& st, rte_mbuf* m, const OutPort& out, uint32_t vni) {
  DropReason why;
  const TunnelTarget* t = ResolveTunnel(st, out, vni, &why);
  if (t == nullptr) {
    Drop(out.port, m, why);
    return;
  }
  EncapSend(st, *t, m);
}

void Worker::ReportNeighbor(uint32_t ip, const uint8_t mac[6], uint32_t uplink) {
  LearnEvent ev = {};
  ev.type = LearnEvent::kNeighbor;
  std::memcpy(ev.mac, mac, 6);
  ev.port_no = uplink;
  ev.ip = ip;
  if (rte_ring_sp_enqueue_elem(config_.learn_ring, &ev, sizeof(ev)) != 0) CounterAdd(counters_.learn_events_dropped, 1);
}

void Worker::RequestResolve(uint32_t ip, uint32_t uplink, uint64_t now) {
  // One request per next hop per retry interval, however many packets wait for it.
  if (!FilterEvent(0x8000000000000000ull | ip, uplink, 0, now)) return;
  LearnEvent ev = {};
  ev.type = LearnEvent::kResolve;
  ev.port_no = uplink;
  ev.ip = ip;
  if (rte_ring_sp_enqueue_elem(config_.learn_ring, &ev, sizeof(ev)) != 0) CounterAdd(counters_.learn_events_dropped, 1);
}

void Worker::DrainInjected(const ForwardingState& st) {
  // The control thread builds packets (ARP requests) and hands them to a worker, because only
  // workers own tx queues. m->port carries the switch port number to send on.
  rte_mbuf* pkts[kBurstSize];
  unsigned n = rte_ring_sc_dequeue_burst(config_.inject_ring, reinterpret_cast<void**>(pkts), kBurstSize, nullptr);
  for (unsigned i = 0; i < n; ++i) {
    uint32_t port = pkts[i]->port;
    if (port < kMaxPorts && st.ports[port].present && !st.ports[port].is_tunnel && st.ports[port].admin_up) {
      Enqueue(st, port, pkts[i]);
    } else {
      rte_pktmbuf_free(pkts[i]);
    }
  }
  FlushTx(st);
}

}  // namespace vswitch
