#include "packet/parser.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <vector>

namespace vswitch {
namespace {

// Small frame builder: Ethernet [+ VLAN] + payload bytes.
class Frame {
 public:
  explicit Frame(uint16_t eth_type, int vlan = -1) {
    Put({0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01});
    if (vlan >= 0) {
      Put16(0x8100);
      Put16(static_cast<uint16_t>(vlan));
    }
    Put16(eth_type);
  }
  void Put(std::initializer_list<uint8_t> b) { bytes.insert(bytes.end(), b); }
  void Put16(uint16_t v) { Put({static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)}); }
  void Put32(uint32_t v) { Put16(v >> 16), Put16(v & 0xffff); }
  // IPv4 header with the given protocol and L4 payload length.
  void Ipv4(uint8_t proto, uint16_t l4_len, uint16_t frag = 0, uint8_t tos = 0x2e) {
    Put({0x45, tos});
    Put16(20 + l4_len);
    Put16(0x1234);
    Put16(frag);
    Put({64, proto});
    Put16(0);
    Put32(0x0a000001);
    Put32(0x0a000002);
  }
  std::vector<uint8_t> bytes;
};

struct Parsed {
  bool ok;
  FlowKey key;
  PacketLayout layout;
  DropReason reason;
};

Parsed Parse(const std::vector<uint8_t>& b, uint32_t len = 0) {
  Parsed p;
  p.reason = DropReason::kCount;
  p.ok = ParseFrame(b.data(), len ? len : static_cast<uint32_t>(b.size()), 3, &p.key, &p.layout, &p.reason);
  return p;
}

TEST(Parser, UdpOverIpv4) {
  Frame f(0x0800);
  f.Ipv4(17, 8);
  f.Put16(1234), f.Put16(4789), f.Put16(8), f.Put16(0);
  Parsed p = Parse(f.bytes);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.key.in_port, 3u);
  EXPECT_EQ(p.key.eth_type, 0x0800);
  EXPECT_EQ(p.key.eth_dst[5], 0x02);
  EXPECT_EQ(p.key.eth_src[5], 0x01);
  EXPECT_EQ(p.key.nw_src, htonl(0x0a000001));
  EXPECT_EQ(p.key.nw_dst, htonl(0x0a000002));
  EXPECT_EQ(p.key.nw_proto, 17);
  EXPECT_EQ(p.key.nw_ttl, 64);
  EXPECT_EQ(p.key.nw_tos, 0x2e);
  EXPECT_EQ(p.key.tp_src, 1234);
  EXPECT_EQ(p.key.tp_dst, 4789);
  EXPECT_EQ(p.layout.l3_offset, 14);
  EXPECT_EQ(p.layout.l4_offset, 34);
}

TEST(Parser, TcpFlagsAndVlan) {
  Frame f(0x0800, 0x2064);  // PCP 1, VID 100
  f.Ipv4(6, 20);
  f.Put16(40000), f.Put16(80), f.Put32(1), f.Put32(0), f.Put16(0x5012), f.Put16(0xffff), f.Put32(0);
  Parsed p = Parse(f.bytes);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.key.vlan_tci, 0x2064 | kVlanPresent);
  EXPECT_EQ(p.key.tcp_flags, 0x012);  // SYN+ACK
  EXPECT_EQ(p.key.tp_dst, 80);
  EXPECT_EQ(p.layout.l3_offset, 18);
}

TEST(Parser, IcmpTypeAndCodeInPorts) {
  Frame f(0x0800);
  f.Ipv4(1, 8);
  f.Put({8, 0}), f.Put16(0), f.Put32(0);
  Parsed p = Parse(f.bytes);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.key.tp_src, 8);
  EXPECT_EQ(p.key.tp_dst, 0);
}

TEST(Parser, ArpFields) {
  Frame f(0x0806);
  f.Put16(1), f.Put16(0x0800), f.Put({6, 4}), f.Put16(1);
  f.Put({2, 0, 0, 0, 0, 1}), f.Put32(0x0a000001), f.Put({0, 0, 0, 0, 0, 0}), f.Put32(0x0a000002);
  Parsed p = Parse(f.bytes);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.key.nw_proto, 1);
  EXPECT_EQ(p.key.nw_src, htonl(0x0a000001));
  EXPECT_EQ(p.key.nw_dst, htonl(0x0a000002));
}

TEST(Parser, Ipv6Udp) {
  Frame f(0x86dd);
  f.Put({0x60, 0, 0, 0}), f.Put16(8), f.Put({17, 63});
  for (int i = 0; i < 16; ++i) f.Put({static_cast<uint8_t>(0x20 + i)});
  for (int i = 0; i < 16; ++i) f.Put({static_cast<uint8_t>(0x40 + i)});
  f.Put16(53), f.Put16(5353), f.Put16(8), f.Put16(0);
  Parsed p = Parse(f.bytes);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.key.nw_proto, 17);
  EXPECT_EQ(p.key.nw_ttl, 63);
  EXPECT_EQ(p.key.ipv6_src[0], 0x20);
  EXPECT_EQ(p.key.ipv6_dst[15], 0x4f);
  EXPECT_EQ(p.key.tp_dst, 5353);
}

TEST(Parser, LaterFragmentHasNoPorts) {
  Frame f(0x0800);
  f.Ipv4(17, 8, /*frag=*/0x0010);
  f.Put16(1234), f.Put16(4789), f.Put16(8), f.Put16(0);
  Parsed p = Parse(f.bytes);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.key.nw_frag, 3);
  EXPECT_EQ(p.key.tp_dst, 0);
}

TEST(Parser, MalformedFramesAreDroppedWithAReason) {
  EXPECT_EQ(Parse(std::vector<uint8_t>(10, 0)).reason, DropReason::kRuntFrame);
  Frame vlan(0x8100);
  vlan.Put({0x00});
  EXPECT_EQ(Parse(vlan.bytes).reason, DropReason::kMalformedVlan);

  Frame shortip(0x0800);
  shortip.Put({0x45, 0, 0});
  EXPECT_EQ(Parse(shortip.bytes).reason, DropReason::kMalformedIpv4);

  Frame badihl(0x0800);
  badihl.Ipv4(17, 8);
  badihl.bytes[14] = 0x43;  // IHL 3 words < 20 bytes
  badihl.Put16(1), badihl.Put16(2), badihl.Put16(8), badihl.Put16(0);
  EXPECT_EQ(Parse(badihl.bytes).reason, DropReason::kMalformedIpv4);

  Frame longer(0x0800);
  longer.Ipv4(17, 200);  // total length beyond the frame
  longer.Put16(1), longer.Put16(2), longer.Put16(8), longer.Put16(0);
  EXPECT_EQ(Parse(longer.bytes).reason, DropReason::kMalformedIpv4);

  Frame trunc_tcp(0x0800);
  trunc_tcp.Ipv4(6, 4);
  trunc_tcp.Put32(0);
  EXPECT_EQ(Parse(trunc_tcp.bytes).reason, DropReason::kMalformedL4);

  Frame arp(0x0806);
  arp.Put16(1);
  EXPECT_EQ(Parse(arp.bytes).reason, DropReason::kMalformedArp);
}

TEST(Parser, UnknownEtherTypeIsPlainL2) {
  Frame f(0x88cc);  // LLDP
  f.Put({1, 2, 3});
  Parsed p = Parse(f.bytes);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.key.eth_type, 0x88cc);
  EXPECT_EQ(p.layout.l3_offset, 0);
}

TEST(Parser, EveryTruncationOfAValidFrameIsSafe) {
  // Cutting a valid frame at every length must never read past the end (ASan/valgrind check
  // this) and must either parse or name a reason.
  Frame f(0x0800, 5);
  f.Ipv4(6, 20);
  for (int i = 0; i < 5; ++i) f.Put32(0x01020304);
  for (uint32_t len = 0; len <= f.bytes.size(); ++len) {
    std::vector<uint8_t> cut(f.bytes.begin(), f.bytes.begin() + len);
    Parsed p = Parse(cut, len ? len : 0);
    if (len == 0) continue;
    if (!p.ok) {
      EXPECT_LT(static_cast<int>(p.reason), kNumDropReasons);
    }
  }
}

}  // namespace
}  // namespace vswitch
