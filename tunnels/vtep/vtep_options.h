// The options of a `vxlan` port (one VTEP), validated as a whole:
//   uplink=PORT        the port that carries the underlay (required)
//   local-ip=A.B.C.D   this VTEP's address, answered for on the uplink (required)
//   dst-port=N         VXLAN UDP port [4789]
//   remote-ip=A.B.C.D  send everything to this remote VTEP (else: learned or per flow)
//   key=VNI            use this VNI for everything (else: the port's L2 domain / set_tunnel)
//   ttl=N              outer TTL [64]
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/status.h"

namespace vswitch::tunnels {

struct VtepOptions {
  std::string uplink;
  uint32_t local_ip = 0;   // network byte order
  uint16_t udp_port = 4789;
  uint32_t remote_ip = 0;  // network byte order, 0 = none
  uint32_t vni = 0;        // 0 = per flow / per domain
  uint8_t ttl = 64;
};

Status ParseVtepOptions(const std::map<std::string, std::string>& options, VtepOptions* out);

// "10.1.2.3" -> network byte order; false on anything but a dotted quad.
bool ParseIpv4(const std::string& text, uint32_t* out);
std::string FormatIpv4(uint32_t ip_be);
// "10.1.0.0/16" -> prefix (masked) and length.
bool ParseIpv4Prefix(const std::string& text, uint32_t* prefix, uint8_t* length);

}  // namespace vswitch::tunnels
