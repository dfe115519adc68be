// Every rewrite against a from-scratch checksum recomputation, over random packets.
#include "flow/packet_rewrite.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace vswitch::flow {
namespace {

constexpr uint32_t kHeadroom = 64;

uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// A frame in a buffer with headroom, plus what the parser would have recorded.
struct TestFrame {
  std::vector<uint8_t> buf;
  uint8_t* data;
  uint32_t len;
  PacketLayout layout;
};

// From-scratch checksums, the reference the incremental updates must equal.
uint16_t Ipv4HeaderChecksum(const uint8_t* ip) {
  size_t ihl = (ip[0] & 0x0f) * 4u;
  std::vector<uint8_t> h(ip, ip + ihl);
  h[10] = h[11] = 0;
  return ChecksumFinish(ChecksumPartial(h.data(), h.size()));
}

uint16_t L4Checksum(const TestFrame& f, bool v6, uint8_t proto, size_t csum_offset) {
  const uint8_t* ip = f.data + f.layout.l3_offset;
  const uint8_t* l4 = f.data + f.layout.l4_offset;
  size_t l4_len = v6 ? Get16(ip + 4) : Get16(ip + 2) - (ip[0] & 0x0f) * 4u;
  std::vector<uint8_t> seg(l4, l4 + l4_len);
  seg[csum_offset] = seg[csum_offset + 1] = 0;
  uint32_t sum = 0;
  if (v6) {
    sum = ChecksumPartial(ip + 8, 32);
    uint8_t tail[8] = {0, 0, static_cast<uint8_t>(l4_len >> 8), static_cast<uint8_t>(l4_len), 0, 0, 0, proto};
    sum = ChecksumPartial(tail, 8, sum);
  } else {
    sum = ChecksumPartial(ip + 12, 8);
    uint8_t tail[4] = {0, proto, static_cast<uint8_t>(l4_len >> 8), static_cast<uint8_t>(l4_len)};
    sum = ChecksumPartial(tail, 4, sum);
  }
  uint16_t c = ChecksumFinish(ChecksumPartial(seg.data(), seg.size(), sum));
  if (proto == 17 && c == 0) c = 0xffff;
  return c;
}

uint32_t SctpCrc(const TestFrame& f, bool v6) {
  const uint8_t* ip = f.data + f.layout.l3_offset;
  size_t l4_len = v6 ? Get16(ip + 4) : Get16(ip + 2) - (ip[0] & 0x0f) * 4u;
  std::vector<uint8_t> seg(f.data + f.layout.l4_offset, f.data + f.layout.l4_offset + l4_len);
  std::memset(&seg[8], 0, 4);
  return ~Crc32c(seg.data(), seg.size());
}

// Builds eth [+ vlan] + IPv4/IPv6 + TCP/UDP/SCTP with random addresses, ports and payload,
// all checksums correct.
TestFrame Build(std::mt19937& rng, bool v6, uint8_t proto, bool vlan = false, size_t payload = 0) {
  TestFrame f;
  size_t l4_hdr = proto == 6 ? 20 : proto == 17 ? 8 : 12;
  if (payload == 0) payload = rng() % 40;
  size_t l2 = vlan ? 18 : 14;
  size_t l3_len = v6 ? 40 : 20;
  f.len = static_cast<uint32_t>(l2 + l3_len + l4_hdr + payload);
  f.buf.assign(kHeadroom + f.len, 0);
  f.data = f.buf.data() + kHeadroom;
  uint8_t* p = f.data;
  for (int i = 0; i < 12; ++i) p[i] = static_cast<uint8_t>(rng());
  p[0] &= 0xfe;
  if (vlan) {
    Put16(p + 12, 0x8100);
    Put16(p + 14, static_cast<uint16_t>(rng() & 0xefff));
  }
  Put16(p + l2 - 2, v6 ? 0x86dd : 0x0800);
  uint8_t* ip = p + l2;
  if (v6) {
    ip[0] = 0x60 | (rng() & 0x0f);
    ip[1] = static_cast<uint8_t>(rng());
    Put16(ip + 4, static_cast<uint16_t>(l4_hdr + payload));
    ip[6] = proto;
    ip[7] = 64;
    for (int i = 8; i < 40; ++i) ip[i] = static_cast<uint8_t>(rng());
  } else {
    ip[0] = 0x45;
    ip[1] = static_cast<uint8_t>(rng());
    Put16(ip + 2, static_cast<uint16_t>(20 + l4_hdr + payload));
    Put16(ip + 4, static_cast<uint16_t>(rng()));
    ip[8] = 64;
    ip[9] = proto;
    for (int i = 12; i < 20; ++i) ip[i] = static_cast<uint8_t>(rng());
  }
  uint8_t* l4 = ip + l3_len;
  for (size_t i = 0; i < l4_hdr + payload; ++i) l4[i] = static_cast<uint8_t>(rng());
  if (proto == 6) l4[12] = 0x50;
  if (proto == 17) Put16(l4 + 4, static_cast<uint16_t>(l4_hdr + payload));
  f.layout.l3_offset = static_cast<uint16_t>(l2);
  f.layout.l4_offset = static_cast<uint16_t>(l2 + l3_len);
  if (!v6) Put16(ip + 10, Ipv4HeaderChecksum(ip));
  if (proto == 6) Put16(l4 + 16, L4Checksum(f, v6, 6, 16));
  if (proto == 17) Put16(l4 + 6, L4Checksum(f, v6, 17, 6));
  if (proto == 132) {
    uint32_t crc = SctpCrc(f, v6);
    std::memcpy(l4 + 8, &crc, 4);
  }
  return f;
}

void ExpectChecksumsValid(const TestFrame& f, bool v6, uint8_t proto) {
  const uint8_t* ip = f.data + f.layout.l3_offset;
  const uint8_t* l4 = f.data + f.layout.l4_offset;
  if (!v6) {
    EXPECT_EQ(Get16(ip + 10), Ipv4HeaderChecksum(ip));
  }
  if (proto == 6) {
    EXPECT_EQ(Get16(l4 + 16), L4Checksum(f, v6, 6, 16));
  }
  if (proto == 17) {
    EXPECT_EQ(Get16(l4 + 6), L4Checksum(f, v6, 17, 6));
  }
  if (proto == 132) {
    uint32_t stored;
    std::memcpy(&stored, l4 + 8, 4);
    EXPECT_EQ(stored, SctpCrc(f, v6));
  }
}

TEST(PacketRewrite, Crc32cKnownVector) {
  const char* s = "123456789";
  EXPECT_EQ(~Crc32c(reinterpret_cast<const uint8_t*>(s), 9), 0xe3069283u);
}

TEST(PacketRewrite, Ipv4AddressesFixIpAndL4Checksums) {
  std::mt19937 rng(1);
  for (uint8_t proto : {uint8_t{6}, uint8_t{17}, uint8_t{132}}) {
    for (int i = 0; i < 2000; ++i) {
      TestFrame f = Build(rng, false, proto, i % 2);
      uint32_t a = rng(), b = rng();
      ASSERT_TRUE(SetIpv4Src(f.data, f.len, f.layout, a));
      ASSERT_TRUE(SetIpv4Dst(f.data, f.len, f.layout, b));
      EXPECT_EQ(0, memcmp(f.data + f.layout.l3_offset + 12, &a, 4));
      EXPECT_EQ(0, memcmp(f.data + f.layout.l3_offset + 16, &b, 4));
      ExpectChecksumsValid(f, false, proto);
      if (HasFailure()) return;
    }
  }
}

TEST(PacketRewrite, UdpWithoutChecksumStaysWithout) {
  std::mt19937 rng(2);
  TestFrame f = Build(rng, false, 17);
  Put16(f.data + f.layout.l4_offset + 6, 0);
  ASSERT_TRUE(SetIpv4Dst(f.data, f.len, f.layout, inet_addr("1.2.3.4")));
  ASSERT_TRUE(SetL4Dst(f.data, f.len, f.layout, 99));
  EXPECT_EQ(Get16(f.data + f.layout.l4_offset + 6), 0);
  EXPECT_EQ(Get16(f.data + f.layout.l3_offset + 10), Ipv4HeaderChecksum(f.data + f.layout.l3_offset));
}

TEST(PacketRewrite, L4PortsOverIpv4AndIpv6) {
  std::mt19937 rng(3);
  for (bool v6 : {false, true}) {
    for (uint8_t proto : {uint8_t{6}, uint8_t{17}, uint8_t{132}}) {
      for (int i = 0; i < 2000; ++i) {
        TestFrame f = Build(rng, v6, proto, i % 3 == 0);
        uint16_t s = static_cast<uint16_t>(rng()), d = static_cast<uint16_t>(rng());
        ASSERT_TRUE(SetL4Src(f.data, f.len, f.layout, s));
        ASSERT_TRUE(SetL4Dst(f.data, f.len, f.layout, d));
        EXPECT_EQ(Get16(f.data + f.layout.l4_offset), s);
        EXPECT_EQ(Get16(f.data + f.layout.l4_offset + 2), d);
        ExpectChecksumsValid(f, v6, proto);
        if (HasFailure()) return;
      }
    }
  }
}

TEST(PacketRewrite, DscpKeepsEcnAndFixesChecksum) {
  std::mt19937 rng(4);
  for (int i = 0; i < 2000; ++i) {
    TestFrame f = Build(rng, false, 17);
    uint8_t ecn = f.data[f.layout.l3_offset + 1] & 3;
    uint8_t dscp = rng() % 64;
    ASSERT_TRUE(SetDscp(f.data, f.len, f.layout, dscp));
    EXPECT_EQ(f.data[f.layout.l3_offset + 1], (dscp << 2) | ecn);
    ExpectChecksumsValid(f, false, 17);
    if (HasFailure()) return;
  }
  TestFrame f6 = Build(rng, true, 6);
  const uint8_t* ip = f6.data + f6.layout.l3_offset;
  uint8_t tc_before = static_cast<uint8_t>((ip[0] & 0x0f) << 4 | ip[1] >> 4);
  uint32_t flow_before = (ip[1] & 0x0f) << 16 | Get16(ip + 2);
  ASSERT_TRUE(SetDscp(f6.data, f6.len, f6.layout, 46));
  uint8_t tc = static_cast<uint8_t>((ip[0] & 0x0f) << 4 | ip[1] >> 4);
  EXPECT_EQ(tc >> 2, 46);
  EXPECT_EQ(tc & 3, tc_before & 3);
  EXPECT_EQ(ip[0] >> 4, 6);
  EXPECT_EQ(static_cast<uint32_t>((ip[1] & 0x0f) << 16 | Get16(ip + 2)), flow_before);
  ExpectChecksumsValid(f6, true, 6);
}

TEST(PacketRewrite, MacAddresses) {
  std::mt19937 rng(5);
  TestFrame f = Build(rng, false, 6);
  const uint8_t mac[6] = {1, 2, 3, 4, 5, 6};
  SetEthSrc(f.data, mac);
  EXPECT_EQ(0, memcmp(f.data + 6, mac, 6));
  SetEthDst(f.data, mac);
  EXPECT_EQ(0, memcmp(f.data, mac, 6));
  ExpectChecksumsValid(f, false, 6);
}

TEST(PacketRewrite, NotApplicableLeavesFrameAlone) {
  std::mt19937 rng(6);
  TestFrame f = Build(rng, true, 6);
  std::vector<uint8_t> before(f.data, f.data + f.len);
  EXPECT_FALSE(SetIpv4Dst(f.data, f.len, f.layout, 1));  // IPv6 frame
  EXPECT_EQ(before, std::vector<uint8_t>(f.data, f.data + f.len));
  // A later IPv4 fragment: the address changes, the "L4" bytes (payload) must not.
  TestFrame g = Build(rng, false, 6);
  Put16(g.data + g.layout.l3_offset + 6, 100);  // fragment offset 100
  Put16(g.data + g.layout.l3_offset + 10, Ipv4HeaderChecksum(g.data + g.layout.l3_offset));
  std::vector<uint8_t> l4_before(g.data + g.layout.l4_offset, g.data + g.len);
  ASSERT_TRUE(SetIpv4Dst(g.data, g.len, g.layout, inet_addr("9.9.9.9")));
  EXPECT_EQ(l4_before, std::vector<uint8_t>(g.data + g.layout.l4_offset, g.data + g.len));
  EXPECT_EQ(Get16(g.data + g.layout.l3_offset + 10), Ipv4HeaderChecksum(g.data + g.layout.l3_offset));
  EXPECT_FALSE(SetL4Dst(g.data, g.len, g.layout, 1));
  // Truncated frames are refused, not overrun.
  PacketLayout lay = f.layout;
  EXPECT_FALSE(SetL4Dst(f.data, lay.l4_offset + 2, lay, 7));
}

TEST(PacketRewrite, VlanPushPopAndVid) {
  std::mt19937 rng(7);
  TestFrame f = Build(rng, false, 17);
  std::vector<uint8_t> original(f.data, f.data + f.len);
  PacketLayout lay = f.layout;
  uint32_t len = f.len;

  uint8_t* p = PushVlan(f.data, &len, kHeadroom, &lay, 0x8100);
  ASSERT_EQ(p, f.data - 4);
  EXPECT_EQ(len, f.len + 4);
  EXPECT_EQ(0, memcmp(p, original.data(), 12));
  EXPECT_EQ(Get16(p + 12), 0x8100);
  EXPECT_EQ(Get16(p + 14), 0);
  EXPECT_EQ(0, memcmp(p + 16, original.data() + 12, f.len - 12));
  EXPECT_EQ(lay.l3_offset, f.layout.l3_offset + 4);
  EXPECT_EQ(lay.l4_offset, f.layout.l4_offset + 4);

  uint8_t* q = SetVlanVid(p, &len, kHeadroom - 4, &lay, 123);
  ASSERT_EQ(q, p);  // already tagged: in place
  EXPECT_EQ(Get16(p + 14) & 0x0fff, 123);

  uint8_t* r = PopVlan(p, &len, &lay);
  ASSERT_EQ(r, f.data);
  EXPECT_EQ(len, f.len);
  EXPECT_EQ(original, std::vector<uint8_t>(r, r + len));
  EXPECT_EQ(lay.l3_offset, f.layout.l3_offset);
  // Pop of an untagged frame is a no-op.
  EXPECT_EQ(PopVlan(r, &len, &lay), r);

  // mod_vlan_vid on an untagged frame pushes a tag; without headroom it reports so.
  uint8_t* s = SetVlanVid(r, &len, kHeadroom, &lay, 77);
  ASSERT_EQ(s, r - 4);
  EXPECT_EQ(Get16(s + 14), 77);
  uint32_t len2 = f.len;
  PacketLayout lay2 = f.layout;
  EXPECT_EQ(PushVlan(f.data, &len2, 3, &lay2, 0x8100), nullptr);
  EXPECT_EQ(len2, f.len);
}

TEST(PacketRewrite, PushOnTaggedFrameCopiesTci) {
  std::mt19937 rng(8);
  TestFrame f = Build(rng, false, 6, /*vlan=*/true);
  uint16_t inner = Get16(f.data + 14);
  uint32_t len = f.len;
  PacketLayout lay = f.layout;
  uint8_t* p = PushVlan(f.data, &len, kHeadroom, &lay, 0x88a8);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(Get16(p + 12), 0x88a8);
  EXPECT_EQ(Get16(p + 14), inner);
  EXPECT_EQ(Get16(p + 16), 0x8100);
  EXPECT_EQ(Get16(p + 18), inner);
}

TEST(PacketRewrite, ApplyRewriteDispatchesEveryRewriteAction) {
  std::mt19937 rng(9);
  TestFrame f = Build(rng, false, 6);
  uint8_t* data = f.data;
  uint32_t len = f.len;
  PacketLayout lay = f.layout;
  const uint8_t mac[6] = {2, 0, 0, 0, 0, 9};
  Action actions[] = {Action::SetEthSrc(mac),    Action::SetEthDst(mac),      Action::SetIpv4Src(inet_addr("10.1.1.1")),
                      Action::SetIpv4Dst(inet_addr("10.2.2.2")), Action::SetTpSrc(1111), Action::SetTpDst(2222),
                      Action::SetDscp(12),       Action::PushVlan(0x8100),     Action::SetVlanVid(42)};
  for (const Action& a : actions) ASSERT_EQ(ApplyRewrite(a, &data, &len, kHeadroom - (f.data - data), &lay), RewriteResult::kApplied);
  EXPECT_EQ(data, f.data - 4);
  EXPECT_EQ(Get16(data + 14) & 0xfff, 42);
  TestFrame view{{}, data, len, lay};
  EXPECT_EQ(Get16(data + lay.l4_offset), 1111);
  EXPECT_EQ(Get16(data + lay.l4_offset + 2), 2222);
  ExpectChecksumsValid(view, false, 6);
  ASSERT_EQ(ApplyRewrite(Action::PopVlan(), &data, &len, 0, &lay), RewriteResult::kApplied);
  EXPECT_EQ(data, f.data);
  EXPECT_EQ(ApplyRewrite(Action::Output(1), &data, &len, 0, &lay), RewriteResult::kNotApplicable);
  EXPECT_EQ(ApplyRewrite(Action::PushVlan(0x8100), &data, &len, 0, &lay), RewriteResult::kNoHeadroom);
}

}  // namespace
}  // namespace vswitch::flow
