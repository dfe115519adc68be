// TunnelState: what workers need to encapsulate and decapsulate VXLAN, as one immutable
// snapshot published with the ForwardingState (RCU). The control thread rebuilds it when a
// VTEP, VNI, route or neighbour changes; it is small (a few VTEPs, VNIs and neighbours).
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace vswitch::tunnels {

inline constexpr uint32_t kMaxTunnelPorts = 256;  // same bound as switch port numbers

// One VTEP = one `vxlan` port bound to an uplink port.
struct VtepRuntime {
  uint32_t tunnel_port = 0;  // switch port number of the vxlan port
  uint32_t uplink_port = 0;  // switch port number of the uplink that carries it
  uint32_t local_ip = 0;     // network byte order
  uint16_t udp_port = 4789;  // host order
  uint8_t ttl = 64;
  uint8_t mac[6] = {};       // the uplink's MAC: outer source, and what ARP answers with
  uint32_t ip_mtu = 1500;    // largest outer IPv4 packet the uplink carries
  uint32_t remote_ip = 0;    // option remote-ip: fixed remote VTEP (0 = from the FDB / flow)
  uint32_t vni = 0;          // option key: fixed VNI (0 = from the L2 domain / set_tunnel)
};

struct Route {
  uint32_t prefix = 0;   // network byte order, already masked
  uint32_t mask = 0;     // network byte order
  uint32_t gateway = 0;  // network byte order
  uint8_t length = 0;
};

struct TunnelState {
  std::vector<VtepRuntime> vteps;
  // Port number -> index into vteps, -1 if the port is no uplink / tunnel.
  std::array<int16_t, kMaxTunnelPorts> vtep_by_uplink;
  std::array<int16_t, kMaxTunnelPorts> vtep_by_tunnel;
  // The known VNIs and, for each, the remote VTEPs that get a copy of broadcast and unknown
  // unicast (head-end replication). A VXLAN frame with a VNI not listed here is dropped.
  std::unordered_map<uint32_t, std::vector<uint32_t>> vni_remotes;
  // Resolved underlay neighbours: IPv4 (network order) -> MAC.
  std::unordered_map<uint32_t, std::array<uint8_t, 6>> neighbors;
  std::vector<Route> routes;  // longest prefix first

  TunnelState() {
    vtep_by_uplink.fill(-1);
    vtep_by_tunnel.fill(-1);
  }

  const VtepRuntime* VtepForUplink(uint32_t port) const {
    return port < kMaxTunnelPorts && vtep_by_uplink[port] >= 0 ? &vteps[vtep_by_uplink[port]] : nullptr;
  }
  const VtepRuntime* VtepForTunnel(uint32_t port) const {
    return port < kMaxTunnelPorts && vtep_by_tunnel[port] >= 0 ? &vteps[vtep_by_tunnel[port]] : nullptr;
  }
  bool KnownVni(uint32_t vni) const { return vni_remotes.count(vni) != 0; }
  const std::vector<uint32_t>* Remotes(uint32_t vni) const {
    auto it = vni_remotes.find(vni);
    return it == vni_remotes.end() ? nullptr : &it->second;
  }
  // The underlay next hop for a remote VTEP: the gateway of the longest matching static
  // route, else the VTEP itself (on-link).
  uint32_t NextHop(uint32_t ip) const {
    for (const Route& r : routes)
      if ((ip & r.mask) == r.prefix) return r.gateway;
    return ip;
  }
  const std::array<uint8_t, 6>* Neighbor(uint32_t ip) const {
    auto it = neighbors.find(ip);
    return it == neighbors.end() ? nullptr : &it->second;
  }
};

}  // namespace vswitch::tunnels
