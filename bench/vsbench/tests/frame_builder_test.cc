// FrameBuilder and ParseProbe: every header field of the built frames read back byte by byte,
// checksums verified, and the probe found again through VLAN and VXLAN changes.
#include "frame_builder.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "probe.h"

namespace vswitch::vsbench {
namespace {

uint16_t Be16(const std::vector<uint8_t>& f, size_t off) { return static_cast<uint16_t>(f[off] << 8 | f[off + 1]); }
uint32_t Be32(const std::vector<uint8_t>& f, size_t off) { return uint32_t{Be16(f, off)} << 16 | Be16(f, off + 2); }

std::vector<uint8_t> Build(const FrameBuilder& b, uint32_t flow, uint32_t seq = 7, uint64_t tsc = 0x1122334455667788ull) {
  std::vector<uint8_t> f(b.frame_len());
  b.Build(f.data(), flow, seq, tsc);
  return f;
}

TEST(FrameBuilderTest, PlainFrameHasEveryHeaderFieldRight) {
  FrameSpec spec;
  spec.frame_size = 64;
  spec.flows = 100;
  ASSERT_EQ(ValidateFrameSpec(spec), "");
  FrameBuilder b(spec);
  EXPECT_EQ(b.frame_len(), 60u);  // 64 on the wire minus the FCS
  auto f = Build(b, 5);
  EXPECT_EQ(std::vector<uint8_t>(f.begin(), f.begin() + 6), std::vector<uint8_t>(spec.dst_mac.begin(), spec.dst_mac.end()));
  EXPECT_EQ(std::vector<uint8_t>(f.begin() + 6, f.begin() + 12), std::vector<uint8_t>(spec.src_mac.begin(), spec.src_mac.end()));
  EXPECT_EQ(Be16(f, 12), 0x0800);
  EXPECT_EQ(f[14], 0x45);
  EXPECT_EQ(Be16(f, 16), 60 - 14);        // IPv4 total length
  EXPECT_EQ(f[22], 64);                   // TTL
  EXPECT_EQ(f[23], 17);                   // UDP
  EXPECT_EQ(Be32(f, 26), spec.src_ip + 5);
  EXPECT_EQ(Be32(f, 30), spec.dst_ip);
  EXPECT_EQ(Ipv4HeaderChecksum(f.data() + 14, 20), 0) << "header checksum must verify";
  EXPECT_EQ(Be16(f, 34), spec.src_port + 5);
  EXPECT_EQ(Be16(f, 36), spec.dst_port);
  EXPECT_EQ(Be16(f, 38), 60 - 14 - 20);   // UDP length
  EXPECT_EQ(b.probe_offset(), 42u);
}

TEST(FrameBuilderTest, ChecksumIsRightForEveryFlowNotJustTheTemplate) {
  FrameSpec spec;
  spec.flows = 70000;
  spec.src_ip = 0x0a00ff00;  // 10.0.255.0: the low 16 bits wrap inside the flow range
  FrameBuilder b(spec);
  for (uint32_t flow : {0u, 1u, 255u, 256u, 65535u, 65536u, 69999u}) {
    auto f = Build(b, flow);
    EXPECT_EQ(Ipv4HeaderChecksum(f.data() + 14, 20), 0) << "flow " << flow;
  }
}

TEST(FrameBuilderTest, FlowsAreDistinctAndRepeatAfterSpan) {
  FrameSpec spec;
  spec.flows = 4096;
  spec.src_port_span = 100;
  FrameBuilder b(spec);
  std::set<std::pair<uint32_t, uint16_t>> seen;
  for (uint32_t i = 0; i < spec.flows; ++i) {
    auto f = Build(b, i);
    seen.insert({Be32(f, 26), Be16(f, 34)});
    EXPECT_EQ(Be16(f, 34), spec.src_port + i % 100);
  }
  EXPECT_EQ(seen.size(), spec.flows);
}

TEST(FrameBuilderTest, EverySizeIsExactAndCarriesTheProbe) {
  for (uint32_t size : {64u, 65u, 128u, 512u, 1000u, 1518u}) {
    FrameSpec spec;
    spec.frame_size = size;
    ASSERT_EQ(ValidateFrameSpec(spec), "") << size;
    FrameBuilder b(spec);
    EXPECT_EQ(b.frame_len(), size - 4);
    auto f = Build(b, 3, 42, 99);
    EXPECT_EQ(Be16(f, 16), size - 4 - 14);
    auto probe = ParseProbe(f.data(), f.size());
    ASSERT_TRUE(probe) << size;
    EXPECT_EQ(probe->sequence, 42u);
    EXPECT_EQ(probe->tsc, 99u);
  }
}

TEST(FrameBuilderTest, VlanTagInsideTheSizeAndProbeStillFits) {
  FrameSpec spec;
  spec.vlan = 123;
  ASSERT_EQ(ValidateFrameSpec(spec), "");
  FrameBuilder b(spec);
  EXPECT_EQ(b.frame_len(), 60u);
  auto f = Build(b, 0, 5, 6);
  EXPECT_EQ(Be16(f, 12), 0x8100);
  EXPECT_EQ(Be16(f, 14), 123);
  EXPECT_EQ(Be16(f, 16), 0x0800);
  EXPECT_EQ(Ipv4HeaderChecksum(f.data() + 18, 20), 0);
  EXPECT_EQ(b.probe_offset() + kProbeLen, b.frame_len()) << "64-byte tagged frame: the probe fills the payload";
  auto probe = ParseProbe(f.data(), f.size());
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->sequence, 5u);

  // A switch that pops the tag: the probe is found in the untagged frame too.
  std::vector<uint8_t> popped(f.begin(), f.begin() + 12);
  popped.insert(popped.end(), f.begin() + 16, f.end());
  probe = ParseProbe(popped.data(), popped.size());
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->tsc, 6u);
}

TEST(FrameBuilderTest, VxlanOuterHeadersAndDecapsulatedInnerFrame) {
  FrameSpec spec;
  spec.vxlan_vni = 0x123456;
  spec.flows = 64;
  FrameBuilder b(spec);
  EXPECT_EQ(b.frame_len(), 60u + kVxlanOverhead);
  auto f = Build(b, 9, 77, 88);
  EXPECT_EQ(Be16(f, 12), 0x0800);
  EXPECT_EQ(Be32(f, 26), spec.outer_src_ip);
  EXPECT_EQ(Be32(f, 30), spec.outer_dst_ip);
  EXPECT_EQ(Ipv4HeaderChecksum(f.data() + 14, 20), 0);
  EXPECT_EQ(Be16(f, 16), 20 + 8 + 8 + 60);
  EXPECT_GE(Be16(f, 34), 49152);          // entropy source port
  EXPECT_EQ(Be16(f, 36), kVxlanUdpPort);
  EXPECT_EQ(f[42], 0x08);                 // I flag
  EXPECT_EQ(Be32(f, 46) >> 8, 0x123456u);
  const size_t inner = 50;
  EXPECT_EQ(Be32(f, inner + 26), spec.src_ip + 9);
  EXPECT_EQ(Ipv4HeaderChecksum(f.data() + inner + 14, 20), 0);
  auto probe = ParseProbe(f.data(), f.size());
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->sequence, 77u);
  // Decapsulated by the switch: the inner frame alone still carries the probe.
  probe = ParseProbe(f.data() + inner, f.size() - inner);
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->tsc, 88u);
}

TEST(ProbeTest, TruncatedOrForeignFramesAreRejected) {
  FrameSpec spec;
  FrameBuilder b(spec);
  auto f = Build(b, 0);
  for (size_t len = 0; len < b.probe_offset() + kProbeLen; ++len) {
    EXPECT_FALSE(ParseProbe(f.data(), len)) << len;
  }
  EXPECT_TRUE(ParseProbe(f.data(), b.probe_offset() + kProbeLen));
  auto foreign = f;
  foreign[b.probe_offset()] = 'X';
  EXPECT_FALSE(ParseProbe(foreign.data(), foreign.size()));
  auto tcp = f;
  tcp[23] = 6;
  EXPECT_FALSE(ParseProbe(tcp.data(), tcp.size()));
  auto fragment = f;
  fragment[21] = 0x10;  // fragment offset != 0
  EXPECT_FALSE(ParseProbe(fragment.data(), fragment.size()));
  auto ipv6 = f;
  ipv6[12] = 0x86;
  ipv6[13] = 0xdd;
  EXPECT_FALSE(ParseProbe(ipv6.data(), ipv6.size()));
}

TEST(ProbeTest, IpOptionsAreSkipped) {
  FrameSpec spec;
  spec.frame_size = 128;
  FrameBuilder b(spec);
  auto f = Build(b, 0, 3, 4);
  // Make the IPv4 header 24 bytes (one NOP option word) by inserting 4 bytes after it.
  std::vector<uint8_t> g(f.begin(), f.begin() + 34);
  g[14] = 0x46;
  g.insert(g.end(), {1, 1, 1, 1});
  g.insert(g.end(), f.begin() + 34, f.end());
  auto probe = ParseProbe(g.data(), g.size());
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->sequence, 3u);
}

TEST(FrameSpecTest, ValidationNamesTheField) {
  FrameSpec spec;
  spec.frame_size = 63;
  EXPECT_NE(ValidateFrameSpec(spec).find("size"), std::string::npos);
  spec.frame_size = 1519;
  EXPECT_NE(ValidateFrameSpec(spec).find("size"), std::string::npos);
  spec.vlan = 1;
  EXPECT_EQ(ValidateFrameSpec(spec), "") << "a tagged frame may be 4 bytes longer";
  spec = FrameSpec{};
  spec.flows = 0;
  EXPECT_NE(ValidateFrameSpec(spec).find("flows"), std::string::npos);
  spec = FrameSpec{};
  spec.src_ip = 0x0affffff;
  spec.flows = 2;
  EXPECT_NE(ValidateFrameSpec(spec).find("/8"), std::string::npos);
  spec = FrameSpec{};
  spec.dst_port = 4789;
  EXPECT_NE(ValidateFrameSpec(spec).find("dst-port"), std::string::npos);
  spec.vxlan_vni = 5;
  EXPECT_EQ(ValidateFrameSpec(spec), "");
  spec = FrameSpec{};
  spec.src_port = 65000;
  spec.src_port_span = 1000;
  EXPECT_NE(ValidateFrameSpec(spec).find("src-port-span"), std::string::npos);
}

TEST(FrameSpecTest, AddressParsers) {
  EXPECT_EQ(ParseIpv4("10.1.2.3"), 0x0a010203u);
  EXPECT_EQ(ParseIpv4("255.255.255.255"), 0xffffffffu);
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "1.2.3.4 ", "+1.2.3.4", "1234.1.1.1"}) {
    EXPECT_FALSE(ParseIpv4(bad)) << bad;
  }
  EXPECT_EQ(FormatIpv4(0xc0a80001), "192.168.0.1");
  auto mac = ParseMac("02:aB:00:ff:10:01");
  ASSERT_TRUE(mac);
  EXPECT_EQ((*mac)[1], 0xab);
  EXPECT_EQ((*mac)[3], 0xff);
  for (const char* bad : {"", "2:0:0:0:0:1", "02:00:00:00:00", "02-00-00-00-00-01", "02:00:00:00:00:0g", "02:00:00:00:00:011"}) {
    EXPECT_FALSE(ParseMac(bad)) << bad;
  }
}

}  // namespace
}  // namespace vswitch::vsbench
