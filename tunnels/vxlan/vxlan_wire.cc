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

void WriteVxlanHeaders(uint8_t* out, const VxlanEncap& e, uint32_t inner_len) {
  // Ethernet
  std::memcpy(out, e.dst_mac, 6);
  std::memcpy(out + 6, e.src_mac, 6);
  Store16(out + 12, 0x0800);
  // IPv4
  uint8_t* ip = out + 14;
  ip[0] = 0x45;
  ip[1] = 0;
  Store16(ip + 2, static_cast<uint16_t>(kVxlanOverheadIp + inner_len));
  Store16(ip + 4, e.ip_id);
  Store16(ip + 6, 0x4000);  // DF
  ip[8] = e.ttl;
  ip[9] = 17;
  Store16(ip + 10, 0);
  std::memcpy(ip + 12, &e.src_ip, 4);
  std::memcpy(ip + 16, &e.dst_ip, 4);
  Store16(ip + 10, Ipv4HeaderChecksum(ip, 20));
  // UDP
  uint8_t* udp = ip + 20;
  Store16(udp, e.udp_src);
  Store16(udp + 2, e.udp_dst);
  Store16(udp + 4, static_cast<uint16_t>(16 + inner_len));
  Store16(udp + 6, 0);
  // VXLAN: flags (I), 24 reserved bits, VNI, 8 reserved bits
  uint8_t* vx = udp + 8;
  vx[0] = 0x08;
  vx[1] = vx[2] = vx[3] = 0;
  vx[4] = static_cast<uint8_t>(e.vni >> 16);
  vx[5] = static_cast<uint8_t>(e.vni >> 8);
  vx[6] = static_cast<uint8_t>(e.vni);
  vx[7] = 0;
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
