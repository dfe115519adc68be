// What vsbench sends: Ethernet / [802.1Q] / IPv4 / UDP frames over N flows, optionally inside
// an outer Ethernet / IPv4 / UDP 4789 / VXLAN header. Pure data plus validation; no DPDK.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace vswitch::vsbench {

using Mac = std::array<uint8_t, 6>;

// Frame sizes follow the benchmarking convention (RFC 2544, pktgen, testpmd, gen_pcap.py):
// the size on the wire *including* the 4-byte FCS. With VXLAN it is the inner frame's size;
// the outer headers add kVxlanOverhead bytes.
inline constexpr uint32_t kFcsLen = 4;
inline constexpr uint32_t kEthHdrLen = 14;
inline constexpr uint32_t kVlanTagLen = 4;
inline constexpr uint32_t kIpv4HdrLen = 20;
inline constexpr uint32_t kUdpHdrLen = 8;
inline constexpr uint32_t kVxlanHdrLen = 8;
inline constexpr uint32_t kVxlanOverhead = kEthHdrLen + kIpv4HdrLen + kUdpHdrLen + kVxlanHdrLen;
inline constexpr uint16_t kVxlanUdpPort = 4789;
inline constexpr uint32_t kMinFrameSize = 64;
inline constexpr uint32_t kMaxFrameSize = 1518;  // untagged; a tagged frame may be 1522
inline constexpr uint32_t kMaxFlows = 1u << 24;  // source addresses stay inside one /8

struct FrameSpec {
  uint32_t frame_size = 64;
  uint32_t flows = 1024;
  std::optional<uint16_t> vlan;        // 802.1Q VLAN id (PCP 0)
  std::optional<uint32_t> vxlan_vni;   // encapsulate in VXLAN with this VNI
  Mac src_mac{0x02, 0, 0, 0, 0, 0x01};
  Mac dst_mac{0x02, 0, 0, 0, 0, 0x02};
  uint32_t src_ip = 0x0a000001;        // 10.0.0.1: flow i uses src_ip + i
  uint32_t dst_ip = 0xc0a80001;        // 192.168.0.1
  uint16_t src_port = 1024;            // flow i uses src_port + i % src_port_span
  uint16_t src_port_span = 1024;
  uint16_t dst_port = 5001;
  Mac outer_src_mac{0x02, 0, 0, 0, 1, 0x01};
  Mac outer_dst_mac{0x02, 0, 0, 0, 1, 0x02};
  uint32_t outer_src_ip = 0xac100001;  // 172.16.0.1
  uint32_t outer_dst_ip = 0xac100002;  // 172.16.0.2
};

// "" when the spec can be built, else a message naming the field and the reason.
std::string ValidateFrameSpec(const FrameSpec& spec);

// "aa:bb:cc:dd:ee:ff" -> Mac; nullopt on anything else.
std::optional<Mac> ParseMac(const std::string& text);
// Dotted quad -> host-order address; nullopt on anything else (no leading '+', no spaces).
std::optional<uint32_t> ParseIpv4(const std::string& text);
std::string FormatIpv4(uint32_t host_order);

}  // namespace vswitch::vsbench
