#include "frame_builder.h"

#include <cstring>

#include "probe.h"

namespace vswitch::vsbench {
namespace {

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeVlan = 0x8100;
constexpr uint8_t kIpProtoUdp = 17;
constexpr uint8_t kTtl = 64;

void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

void Put32(uint8_t* p, uint32_t v) {
  Put16(p, static_cast<uint16_t>(v >> 16));
  Put16(p + 2, static_cast<uint16_t>(v));
}

uint32_t SumWords(const uint8_t* p, uint32_t len) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i + 1 < len; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  return sum;
}

uint16_t Fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// Appends an Ethernet header (with an optional 802.1Q tag) for an IPv4 payload.
void AppendEthernet(std::vector<uint8_t>& out, const Mac& dst, const Mac& src,
                    const std::optional<uint16_t>& vlan) {
  out.insert(out.end(), dst.begin(), dst.end());
  out.insert(out.end(), src.begin(), src.end());
  uint8_t buf[6];
  if (vlan) {
    Put16(buf, kEtherTypeVlan);
    Put16(buf + 2, *vlan);
    out.insert(out.end(), buf, buf + 4);
  }
  Put16(buf, kEtherTypeIpv4);
  out.insert(out.end(), buf, buf + 2);
}

// Appends a 20-byte IPv4 header with a correct checksum; returns its offset.
uint32_t AppendIpv4(std::vector<uint8_t>& out, uint32_t src, uint32_t dst, uint32_t payload_len) {
  const uint32_t offset = static_cast<uint32_t>(out.size());
  uint8_t h[kIpv4HdrLen] = {};
  h[0] = 0x45;
  Put16(h + 2, static_cast<uint16_t>(kIpv4HdrLen + payload_len));
  h[8] = kTtl;
  h[9] = kIpProtoUdp;
  Put32(h + 12, src);
  Put32(h + 16, dst);
  Put16(h + 10, Ipv4HeaderChecksum(h, kIpv4HdrLen));
  out.insert(out.end(), h, h + kIpv4HdrLen);
  return offset;
}

// Appends a UDP header with checksum 0 ("none", legal over IPv4); returns its offset.
uint32_t AppendUdp(std::vector<uint8_t>& out, uint16_t sport, uint16_t dport, uint32_t payload_len) {
  const uint32_t offset = static_cast<uint32_t>(out.size());
  uint8_t h[kUdpHdrLen] = {};
  Put16(h, sport);
  Put16(h + 2, dport);
  Put16(h + 4, static_cast<uint16_t>(kUdpHdrLen + payload_len));
  out.insert(out.end(), h, h + kUdpHdrLen);
  return offset;
}

}  // namespace

uint16_t Ipv4HeaderChecksum(const uint8_t* header, uint32_t len) { return Fold(SumWords(header, len)); }

FrameBuilder::FrameBuilder(const FrameSpec& spec) : spec_(spec) {
  const uint32_t inner_len = spec.frame_size - kFcsLen;
  const uint32_t l2_len = kEthHdrLen + (spec.vlan ? kVlanTagLen : 0);
  const uint32_t udp_payload_len = inner_len - l2_len - kIpv4HdrLen - kUdpHdrLen;

  if (spec.vxlan_vni) {
    AppendEthernet(template_, spec.outer_dst_mac, spec.outer_src_mac, std::nullopt);
    const uint32_t outer_udp_len = kUdpHdrLen + kVxlanHdrLen + inner_len;
    AppendIpv4(template_, spec.outer_src_ip, spec.outer_dst_ip, outer_udp_len);
    outer_udp_offset_ = AppendUdp(template_, 49152, kVxlanUdpPort, kVxlanHdrLen + inner_len);
    uint8_t vxlan[kVxlanHdrLen] = {0x08, 0, 0, 0};  // I flag: the VNI is valid
    Put32(vxlan + 4, *spec.vxlan_vni << 8);
    template_.insert(template_.end(), vxlan, vxlan + kVxlanHdrLen);
  }
  AppendEthernet(template_, spec.dst_mac, spec.src_mac, spec.vlan);
  inner_ip_offset_ = AppendIpv4(template_, 0, spec.dst_ip, kUdpHdrLen + udp_payload_len);
  inner_udp_offset_ = AppendUdp(template_, spec.src_port, spec.dst_port, udp_payload_len);
  probe_offset_ = static_cast<uint32_t>(template_.size());
  // Payload after the probe: a recognisable counting pattern, the same in every frame.
  for (uint32_t i = 0; i < udp_payload_len; ++i) template_.push_back(static_cast<uint8_t>(i));
  // The template's inner source address is 0 and its checksum field still holds the
  // checksum of that header; the partial sum excludes both.
  uint8_t* ip = template_.data() + inner_ip_offset_;
  Put16(ip + 10, 0);
  inner_ip_partial_sum_ = SumWords(ip, kIpv4HdrLen);
}

void FrameBuilder::Build(uint8_t* dst, uint32_t flow, uint32_t sequence, uint64_t tsc) const {
  std::memcpy(dst, template_.data(), template_.size());
  const uint32_t src_ip = spec_.src_ip + flow;
  const uint16_t src_port = static_cast<uint16_t>(spec_.src_port + flow % spec_.src_port_span);
  uint8_t* ip = dst + inner_ip_offset_;
  Put32(ip + 12, src_ip);
  Put16(ip + 10, Fold(inner_ip_partial_sum_ + (src_ip >> 16) + (src_ip & 0xffff)));
  Put16(dst + inner_udp_offset_, src_port);
  if (spec_.vxlan_vni) {
    // RFC 7348: the outer source port carries the inner flow's entropy, so a receiver can
    // spread VXLAN flows over queues.
    const uint32_t mix = (src_ip * 2654435761u) ^ (uint32_t{src_port} << 7);
    Put16(dst + outer_udp_offset_, static_cast<uint16_t>(49152 + ((mix >> 16) & 0x3fff)));
  }
  WriteProbe(dst + probe_offset_, sequence, tsc);
}

}  // namespace vswitch::vsbench
