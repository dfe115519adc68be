#include "probe.h"

#include <cstring>

#include "frame_spec.h"

namespace vswitch::vsbench {
namespace {

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeVlan = 0x8100;
constexpr uint16_t kEtherTypeQinQ = 0x88a8;
constexpr uint8_t kIpProtoUdp = 17;

uint16_t Be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// Offset of the UDP payload of the Ethernet frame at frame[0..len), with the UDP destination
// port, or nullopt if the frame is not Ethernet/[VLAN]/IPv4/UDP.
struct UdpPayload {
  size_t offset;
  uint16_t dst_port;
};

std::optional<UdpPayload> FindUdpPayload(const uint8_t* frame, size_t len) {
  size_t off = 12;
  if (len < off + 2) return std::nullopt;
  uint16_t type = Be16(frame + off);
  for (int tags = 0; tags < 2 && (type == kEtherTypeVlan || type == kEtherTypeQinQ); ++tags) {
    off += 4;
    if (len < off + 2) return std::nullopt;
    type = Be16(frame + off);
  }
  off += 2;
  if (type != kEtherTypeIpv4 || len < off + kIpv4HdrLen) return std::nullopt;
  const uint8_t* ip = frame + off;
  const size_t ihl = static_cast<size_t>(ip[0] & 0x0f) * 4;
  if ((ip[0] >> 4) != 4 || ihl < kIpv4HdrLen || len < off + ihl) return std::nullopt;
  if (ip[9] != kIpProtoUdp) return std::nullopt;
  if ((Be16(ip + 6) & 0x1fff) != 0) return std::nullopt;  // a later fragment has no UDP header
  off += ihl;
  if (len < off + kUdpHdrLen) return std::nullopt;
  return UdpPayload{off + kUdpHdrLen, Be16(frame + off + 2)};
}

void PutLe(uint8_t* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t GetLe(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

}  // namespace

void WriteProbe(uint8_t* payload, uint32_t sequence, uint64_t tsc) {
  payload[0] = kProbeMagic0;
  payload[1] = kProbeMagic1;
  PutLe(payload + 2, sequence, 4);
  PutLe(payload + 6, tsc, 8);
}

std::optional<Probe> ParseProbe(const uint8_t* frame, size_t len) {
  auto udp = FindUdpPayload(frame, len);
  if (!udp) return std::nullopt;
  size_t off = udp->offset;
  if (udp->dst_port == kVxlanUdpPort) {
    // Only an outer frame can be VXLAN: the inner one is parsed as plain Ethernet/IPv4/UDP.
    if (len < off + kVxlanHdrLen) return std::nullopt;
    const size_t inner = off + kVxlanHdrLen;
    auto inner_udp = FindUdpPayload(frame + inner, len - inner);
    if (!inner_udp) return std::nullopt;
    off = inner + inner_udp->offset;
  }
  if (len < off + kProbeLen) return std::nullopt;
  const uint8_t* p = frame + off;
  if (p[0] != kProbeMagic0 || p[1] != kProbeMagic1) return std::nullopt;
  return Probe{static_cast<uint32_t>(GetLe(p + 2, 4)), GetLe(p + 6, 8)};
}

}  // namespace vswitch::vsbench
