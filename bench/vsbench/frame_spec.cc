#include "frame_spec.h"

#include <cstdio>

#include "probe.h"

namespace vswitch::vsbench {
namespace {

std::optional<uint32_t> ParseDecimal(const std::string& text, size_t begin, size_t end, uint32_t max) {
  if (begin >= end || end - begin > 3) return std::nullopt;
  uint32_t v = 0;
  for (size_t i = begin; i < end; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(text[i] - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Mac> ParseMac(const std::string& text) {
  // Exactly six two-digit hex bytes: "2:0:0:0:0:1" is refused so a typo never becomes a
  // different address.
  if (text.size() != 17) return std::nullopt;
  Mac mac{};
  for (size_t i = 0; i < 6; ++i) {
    if (i > 0 && text[i * 3 - 1] != ':') return std::nullopt;
    int hi = HexDigit(text[i * 3]);
    int lo = HexDigit(text[i * 3 + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    mac[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return mac;
}

std::optional<uint32_t> ParseIpv4(const std::string& text) {
  uint32_t addr = 0;
  size_t begin = 0;
  for (int part = 0; part < 4; ++part) {
    size_t end = part < 3 ? text.find('.', begin) : text.size();
    if (end == std::string::npos) return std::nullopt;
    auto octet = ParseDecimal(text, begin, end, 255);
    if (!octet) return std::nullopt;
    addr = addr << 8 | *octet;
    begin = end + 1;
  }
  return addr;
}

std::string FormatIpv4(uint32_t a) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
  return buf;
}

std::string ValidateFrameSpec(const FrameSpec& spec) {
  const uint32_t max_size = kMaxFrameSize + (spec.vlan ? kVlanTagLen : 0);
  if (spec.frame_size < kMinFrameSize || spec.frame_size > max_size) {
    return "size: must be in " + std::to_string(kMinFrameSize) + ".." + std::to_string(max_size) +
           " (bytes on the wire incl. FCS), got " + std::to_string(spec.frame_size);
  }
  if (spec.flows < 1 || spec.flows > kMaxFlows) {
    return "flows: must be in 1.." + std::to_string(kMaxFlows) + ", got " + std::to_string(spec.flows);
  }
  if (spec.vlan && *spec.vlan > 4095) return "vlan: must be in 0..4095, got " + std::to_string(*spec.vlan);
  if (spec.vxlan_vni && *spec.vxlan_vni >= (1u << 24)) {
    return "vxlan: VNI must be in 0..16777215, got " + std::to_string(*spec.vxlan_vni);
  }
  if (!spec.vxlan_vni && spec.dst_port == kVxlanUdpPort) {
    // The receiver would take such a frame for a VXLAN outer frame and miss its probe.
    return "dst-port: 4789 is VXLAN's port; use --vxlan to send VXLAN traffic";
  }
  if (spec.src_port_span == 0) return "src-port-span: must be at least 1";
  if (uint32_t{spec.src_port} + spec.src_port_span - 1 > 0xffff) {
    return "src-port-span: src-port + span - 1 must stay below 65536";
  }
  if ((spec.src_ip & 0xff000000u) != ((spec.src_ip + (spec.flows - 1)) & 0xff000000u)) {
    return "flows: src-ip " + FormatIpv4(spec.src_ip) + " + " + std::to_string(spec.flows - 1) +
           " leaves its /8; choose a lower src-ip or fewer flows";
  }
  // The smallest frame (64 bytes, tagged) leaves exactly kProbeLen bytes of UDP payload.
  const uint32_t l2 = kEthHdrLen + (spec.vlan ? kVlanTagLen : 0);
  if (spec.frame_size - kFcsLen < l2 + kIpv4HdrLen + kUdpHdrLen + kProbeLen) {
    return "size: " + std::to_string(spec.frame_size) + " leaves no room for the " +
           std::to_string(kProbeLen) + "-byte timestamp probe";
  }
  return "";
}

}  // namespace vswitch::vsbench
