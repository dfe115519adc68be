// Packet fixtures for VXLAN: exact bytes out of encapsulation, and every way a frame to our
// VTEP can be wrong on the way in.
#include "vxlan/vxlan_wire.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace vswitch::tunnels {
namespace {

std::vector<uint8_t> Hex(const char* s) {
  std::vector<uint8_t> out;
  for (; *s; ++s) {
    if (*s == ' ' || *s == '\n') continue;
    unsigned v;
    std::sscanf(s, "%2x", &v);
    out.push_back(static_cast<uint8_t>(v));
    ++s;
  }
  return out;
}

const std::vector<uint8_t> kInner = Hex(
    "020000000002 020000000001 0800"                  // inner Ethernet
    "4500001c0001000040010000 0a000001 0a000002"     // inner IPv4 (checksum not checked)
    "0800f7fc00000000");                              // ICMP echo

VxlanEncap Params() {
  VxlanEncap e;
  const uint8_t src[6] = {0xaa, 0, 0, 0, 0, 0x01}, dst[6] = {0xbb, 0, 0, 0, 0, 0x02};
  std::memcpy(e.src_mac, src, 6);
  std::memcpy(e.dst_mac, dst, 6);
  e.src_ip = inet_addr("192.168.100.1");
  e.dst_ip = inet_addr("192.168.100.2");
  e.udp_src = 50000;
  e.udp_dst = 4789;
  e.vni = 0x123456;
  e.ttl = 64;
  e.ip_id = 7;
  return e;
}

std::vector<uint8_t> Encapsulated() {
  std::vector<uint8_t> f(kVxlanHeaderBytes + kInner.size());
  WriteVxlanHeaders(f.data(), Params(), static_cast<uint32_t>(kInner.size()));
  std::memcpy(f.data() + kVxlanHeaderBytes, kInner.data(), kInner.size());
  return f;
}

TEST(VxlanWire, EncapsulationBytesAreExact) {
  std::vector<uint8_t> f = Encapsulated();
  std::vector<uint8_t> expected_header = Hex(
      "bb0000000002 aa0000000001 0800"
      // IPv4: len 36+42=78 (0x4e), id 7, DF, ttl 64, UDP, checksum (computed independently with Python), 192.168.100.1 -> .2
      "4500004e 0007 4000 4011 f143 c0a86401 c0a86402"
      // UDP 50000 -> 4789, length 8+8+42=58 (0x3a), checksum 0
      "c350 12b5 003a 0000"
      // VXLAN: I flag, VNI 0x123456
      "08000000 12345600");
  ASSERT_EQ(expected_header.size(), kVxlanHeaderBytes);
  EXPECT_EQ(std::vector<uint8_t>(f.begin(), f.begin() + kVxlanHeaderBytes), expected_header);
  EXPECT_EQ(Ipv4HeaderChecksum(f.data() + 14, 20), 0);  // a valid header sums to zero
}

TEST(VxlanWire, DecapsulationRoundTrip) {
  std::vector<uint8_t> f = Encapsulated();
  VxlanInfo info;
  ASSERT_EQ(CheckVxlan(f.data(), f.size(), inet_addr("192.168.100.2"), 4789, &info), VxlanCheck::kOk);
  EXPECT_EQ(info.vni, 0x123456u);
  EXPECT_EQ(info.outer_src_ip, inet_addr("192.168.100.1"));
  EXPECT_EQ(info.inner_offset, kVxlanHeaderBytes);
  EXPECT_EQ(info.inner_len, kInner.size());
  EXPECT_EQ(std::vector<uint8_t>(f.begin() + info.inner_offset, f.end()), kInner);
}

TEST(VxlanWire, OtherTrafficIsNotOurs) {
  std::vector<uint8_t> f = Encapsulated();
  VxlanInfo info;
  EXPECT_EQ(CheckVxlan(f.data(), f.size(), inet_addr("192.168.100.9"), 4789, &info), VxlanCheck::kNotVxlan);
  EXPECT_EQ(CheckVxlan(f.data(), f.size(), inet_addr("192.168.100.2"), 8472, &info), VxlanCheck::kNotVxlan);
  EXPECT_EQ(CheckVxlan(kInner.data(), kInner.size(), inet_addr("10.0.0.2"), 4789, &info), VxlanCheck::kNotVxlan);
}

TEST(VxlanWire, MalformedOuterHeadersAreNamed) {
  const uint32_t local = inet_addr("192.168.100.2");
  VxlanInfo info;
  {
    auto f = Encapsulated();
    f[14 + 11] ^= 0x01;  // checksum
    EXPECT_EQ(CheckVxlan(f.data(), f.size(), local, 4789, &info), VxlanCheck::kBadChecksum);
  }
  {
    auto f = Encapsulated();
    f[kVxlanHeaderBytes - 8] = 0x00;  // I flag cleared
    EXPECT_EQ(CheckVxlan(f.data(), f.size(), local, 4789, &info), VxlanCheck::kBadFlags);
  }
  {
    auto f = Encapsulated();
    f.resize(f.size() - 10);  // IP total length beyond the frame
    EXPECT_EQ(CheckVxlan(f.data(), f.size(), local, 4789, &info), VxlanCheck::kMalformed);
  }
  {
    auto f = Encapsulated();
    f[14 + 6] = 0x20;  // MF: a fragment
    f[14 + 10] = f[14 + 11] = 0;
    uint16_t c = Ipv4HeaderChecksum(f.data() + 14, 20);
    f[14 + 10] = c >> 8, f[14 + 11] = c & 0xff;
    EXPECT_EQ(CheckVxlan(f.data(), f.size(), local, 4789, &info), VxlanCheck::kMalformed);
  }
  {
    auto f = Encapsulated();
    f[14 + 20 + 4] = 0, f[14 + 20 + 5] = 10;  // UDP length shorter than UDP+VXLAN
    EXPECT_EQ(CheckVxlan(f.data(), f.size(), local, 4789, &info), VxlanCheck::kMalformed);
  }
  {
    auto f = Encapsulated();
    f.resize(14 + 20 + 8 + 4);  // VXLAN header cut
    EXPECT_NE(CheckVxlan(f.data(), f.size(), local, 4789, &info), VxlanCheck::kOk);
  }
}

TEST(VxlanWire, EntropyPortStaysInTheDynamicRange) {
  for (uint32_t h : {0u, 1u, 0xffffffffu, 0x12345678u}) {
    uint16_t p = FlowEntropyPort(h);
    EXPECT_GE(p, 49152);
  }
  EXPECT_NE(FlowEntropyPort(1), FlowEntropyPort(2));
}

// The per-packet stamp finishes the checksum arithmetically: it must verify for any length
// and id, and the template must equal what a full write produces.
TEST(VxlanWire, StampedHeadersVerifyForEveryLengthAndId) {
  VxlanEncap e{};
  const uint8_t a[6] = {2, 0, 0, 0, 0, 1}, b[6] = {2, 0, 0, 0, 0, 2};
  std::memcpy(e.src_mac, a, 6);
  std::memcpy(e.dst_mac, b, 6);
  e.src_ip = htonl(0xc0a80001);
  e.dst_ip = htonl(0xc0a800fe);
  e.udp_dst = 4789;
  e.vni = 0xabcdef;
  e.ttl = 64;
  VxlanTemplate t;
  BuildVxlanTemplate(e, &t);
  for (uint32_t len : {14u, 60u, 64u, 1000u, 1464u, 9000u}) {
    for (uint16_t id : {uint16_t{0}, uint16_t{1}, uint16_t{0x8000}, uint16_t{0xffff}}) {
      uint8_t out[kVxlanHeaderBytes];
      StampVxlanHeaders(out, t, len, id, 50000);
      EXPECT_EQ(Ipv4HeaderChecksum(out + 14, 20), 0) << len << " " << id;
      EXPECT_EQ(out[16] << 8 | out[17], 36 + len);
      EXPECT_EQ(out[18] << 8 | out[19], id);
      EXPECT_EQ(out[34] << 8 | out[35], 50000);
      EXPECT_EQ(out[38] << 8 | out[39], 16 + len);
      EXPECT_EQ(out[46] << 16 | out[47] << 8 | out[48], 0xabcdef);
    }
  }
}

std::vector<uint8_t> UdpFrame(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint8_t payload, bool vlan) {
  std::vector<uint8_t> f = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
  if (vlan) f.insert(f.end(), {0x81, 0x00, 0x00, 0x05});
  f.insert(f.end(), {0x08, 0x00, 0x45, 0, 0, 32, 0, 0, 0, 0, 64, 17, 0, 0});
  for (uint32_t v : {src, dst})
    for (int s = 24; s >= 0; s -= 8) f.push_back(static_cast<uint8_t>(v >> s));
  f.insert(f.end(), {static_cast<uint8_t>(sport >> 8), static_cast<uint8_t>(sport), static_cast<uint8_t>(dport >> 8),
                     static_cast<uint8_t>(dport), 0, 12, 0, 0, payload, payload, payload, payload});
  return f;
}

TEST(VxlanWire, InnerFlowHashFollowsTheFlowNotThePayload) {
  auto h = [](const std::vector<uint8_t>& f) { return InnerFlowHash(f.data(), static_cast<uint32_t>(f.size())); };
  const auto base = UdpFrame(0x0a000001, 0x0a000002, 1000, 53, 1, false);
  EXPECT_EQ(h(base), h(UdpFrame(0x0a000001, 0x0a000002, 1000, 53, 2, false)));  // other payload
  EXPECT_NE(h(base), h(UdpFrame(0x0a000001, 0x0a000002, 1001, 53, 1, false)));  // other source port
  EXPECT_NE(h(base), h(UdpFrame(0x0a000003, 0x0a000002, 1000, 53, 1, false)));  // other address
  EXPECT_EQ(h(UdpFrame(0x0a000001, 0x0a000002, 1000, 53, 1, true)), h(UdpFrame(0x0a000001, 0x0a000002, 1000, 53, 9, true)));
  // 4096 flows spread over the entropy ports (no port takes more than a few of them).
  std::vector<int> use(16384);
  int worst = 0;
  for (uint32_t i = 0; i < 4096; ++i) {
    auto f = UdpFrame(0x0a000000 + i, 0x0a000002, static_cast<uint16_t>(1000 + i), 53, 0, false);
    worst = std::max(worst, ++use[FlowEntropyPort(h(f)) - 49152]);
  }
  EXPECT_LE(worst, 6);
  // Truncated frames are hashed without reading past the end.
  for (size_t cut = 0; cut < base.size(); ++cut) (void)InnerFlowHash(base.data(), static_cast<uint32_t>(cut));
}

}  // namespace
}  // namespace vswitch::tunnels
