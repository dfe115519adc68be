#include "vxlan/vxlan_wire.h"

#include <cstring>

namespace vswitch::tunnels {

namespace {
inline uint16_t Load16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline void Store16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
}  // namespace

uint16_t Ipv4HeaderChecksum(const uint8_t* h, uint32_t len) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i + 1 < len; i += 2) sum += Load16(h + i);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

void BuildVxlanTemplate(const VxlanEncap& e, VxlanTemplate* t) {
  uint8_t* out = t->bytes;
  std::memset(out, 0, sizeof(t->bytes));
  // Ethernet
  std::memcpy(out, e.dst_mac, 6);
  std::memcpy(out + 6, e.src_mac, 6);
  Store16(out + 12, 0x0800);
  // IPv4: total length, id and checksum are per packet (zero here)
  uint8_t* ip = out + 14;
  ip[0] = 0x45;
  ip[1] = 0;
  Store16(ip + 6, 0x4000);  // DF
  ip[8] = e.ttl;
  ip[9] = 17;
  std::memcpy(ip + 12, &e.src_ip, 4);
  std::memcpy(ip + 16, &e.dst_ip, 4);
  uint32_t sum = 0;
  for (uint32_t i = 0; i < 20; i += 2) sum += Load16(ip + i);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  t->checksum_partial = sum;
  // UDP: source port and length per packet; checksum 0
  uint8_t* udp = ip + 20;
  Store16(udp + 2, e.udp_dst);
  // VXLAN: flags (I), 24 reserved bits, VNI, 8 reserved bits
  uint8_t* vx = udp + 8;
  vx[0] = 0x08;
  vx[4] = static_cast<uint8_t>(e.vni >> 16);
  vx[5] = static_cast<uint8_t>(e.vni >> 8);
  vx[6] = static_cast<uint8_t>(e.vni);
}

void WriteVxlanHeaders(uint8_t* out, const VxlanEncap& e, uint32_t inner_len) {
  VxlanTemplate t;
  BuildVxlanTemplate(e, &t);
  StampVxlanHeaders(out, t, inner_len, e.ip_id, e.udp_src);
}

uint32_t InnerFlowHash(const uint8_t* f, uint32_t len) {
  // FNV-1a-style mixing of whole words; only the fields that identify a flow, never payload.
  auto mix = [](uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; };
  uint64_t h = 0xcbf29ce484222325ull;
  if (len < 14) return 0;
  uint64_t macs_lo, macs_hi;
  std::memcpy(&macs_lo, f, 8);
  uint32_t tail;
  std::memcpy(&tail, f + 8, 4);
  macs_hi = tail;
  uint32_t off = 12;
  uint16_t type = Load16(f + off);
  if ((type == 0x8100 || type == 0x88a8) && len >= off + 6) {
    off += 4;
    type = Load16(f + off);
  }
  off += 2;
  uint8_t proto = 0;
  uint32_t l4 = 0;
  if (type == 0x0800 && len >= off + 20) {
    const uint8_t* ip = f + off;
    uint64_t addrs;
    std::memcpy(&addrs, ip + 12, 8);
    h = mix(h, addrs);
    proto = ip[9];
    const uint32_t ihl = (ip[0] & 0x0f) * 4u;
    const bool later_fragment = (Load16(ip + 6) & 0x1fff) != 0;
    if (!later_fragment && ihl >= 20) l4 = off + ihl;
  } else if (type == 0x86dd && len >= off + 40) {
    const uint8_t* ip = f + off;
    uint64_t w[4];
    std::memcpy(w, ip + 8, 32);
    h = mix(mix(mix(mix(h, w[0]), w[1]), w[2]), w[3]);
    proto = ip[6];
    l4 = off + 40;
  } else {
    // Not IP: the MACs are the flow.
    return static_cast<uint32_t>(mix(mix(h, macs_lo), macs_hi) >> 32);
  }
  if (l4 != 0 && (proto == 6 || proto == 17 || proto == 132) && len >= l4 + 4) {
    uint32_t ports;
    std::memcpy(&ports, f + l4, 4);
    h = mix(h, ports);
  }
  h = mix(h, proto);
  h ^= h >> 29;
  return static_cast<uint32_t>(h ^ (h >> 32));
}

VxlanCheck CheckVxlan(const uint8_t* f, uint32_t len, uint32_t local_ip, uint16_t udp_port, VxlanInfo* info) {
  if (len < 14 + 20 + 8 || Load16(f + 12) != 0x0800) return VxlanCheck::kNotVxlan;
  const uint8_t* ip = f + 14;
  if ((ip[0] >> 4) != 4 || ip[9] != 17 || std::memcmp(ip + 16, &local_ip, 4) != 0) return VxlanCheck::kNotVxlan;
  uint32_t ihl = (ip[0] & 0x0f) * 4u;
  if (ihl < 20 || len < 14 + ihl + 8) return VxlanCheck::kMalformed;
  const uint8_t* udp = ip + ihl;
  if (Load16(udp + 2) != udp_port) return VxlanCheck::kNotVxlan;
  // From here the frame claims to be VXLAN for us: every inconsistency is a counted drop.
  uint32_t total = Load16(ip + 2);
  if (total < ihl + 8 + 8 || 14 + total > len) return VxlanCheck::kMalformed;
  if ((Load16(ip + 6) & 0x3fff) != 0) return VxlanCheck::kMalformed;  // fragment: no reassembly
  if (Ipv4HeaderChecksum(ip, ihl) != 0) return VxlanCheck::kBadChecksum;
  uint32_t udp_len = Load16(udp + 4);
  if (udp_len < 16 || udp_len > total - ihl) return VxlanCheck::kMalformed;
  const uint8_t* vx = udp + 8;
  if (!(vx[0] & 0x08)) return VxlanCheck::kBadFlags;
  uint32_t inner_len = udp_len - 16;
  if (inner_len < 14) return VxlanCheck::kMalformed;
  info->vni = static_cast<uint32_t>(vx[4]) << 16 | static_cast<uint32_t>(vx[5]) << 8 | vx[6];
  std::memcpy(&info->outer_src_ip, ip + 12, 4);
  std::memcpy(&info->outer_dst_ip, ip + 16, 4);
  info->inner_offset = static_cast<uint32_t>(vx + 8 - f);
  info->inner_len = inner_len;
  return VxlanCheck::kOk;
}

}  // namespace vswitch::tunnels
