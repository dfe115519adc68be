// Packet fixtures for VXLAN: exact bytes out of encapsulation, and every way a frame to our
// VTEP can be wrong on the way in.
#include "vxlan/vxlan_wire.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace vswitch::tunnels
