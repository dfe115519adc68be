// Every match field: the parser puts the right value/mask bits in the FlowKey, the formatter
// prints it back, prerequisites are enforced with the field named.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "flow/match_fields.h"
#include "flow/rule_parser.h"

namespace vswitch::flow {
namespace {

std::optional<uint32_t> Ports(std::string_view name) {
  if (name == "vm1") return 1;
  if (name == "vm2") return 2;
  return std::nullopt;
}

FlowMatch MustParse(const std::string& text) {
  FlowFilter f;
  Status s = ParseFlowFilter(text, Ports, &f);
  EXPECT_TRUE(s.ok()) << text << ": " << s.message();
  return f.match;
}

std::string ParseError(const std::string& text) {
  FlowFilter f;
  Status s = ParseFlowFilter(text, Ports, &f);
  EXPECT_FALSE(s.ok()) << text;
  return s.message();
}

uint32_t Ip(const char* a) { return inet_addr(a); }

TEST(MatchFields, InPortByNumberAndName) {
  EXPECT_EQ(MustParse("in_port=7").key.in_port, 7u);
  FlowMatch m = MustParse("in_port=vm2");
  EXPECT_EQ(m.key.in_port, 2u);
  EXPECT_EQ(m.mask.in_port, 0xffffffffu);
  EXPECT_NE(ParseError("in_port=vm9").find("unknown port 'vm9'"), std::string::npos);
}

TEST(MatchFields, EthernetAddressesWithMasks) {
  FlowMatch m = MustParse("dl_src=00:11:22:33:44:55,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00");
  const uint8_t src[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
  EXPECT_EQ(0, memcmp(m.key.eth_src, src, 6));
  EXPECT_EQ(m.mask.eth_src[5], 0xff);
  EXPECT_EQ(m.key.eth_dst[0], 0x01);
  EXPECT_EQ(m.mask.eth_dst[0], 0x01);
  EXPECT_EQ(m.mask.eth_dst[1], 0x00);
  EXPECT_EQ(FormatMatch(m), "dl_src=00:11:22:33:44:55,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00");
  FlowMatch alias = MustParse("eth_src=00:11:22:33:44:55");
  EXPECT_EQ(0, memcmp(alias.key.eth_src, src, 6));
}

TEST(MatchFields, EthTypeAndShorthands) {
  EXPECT_EQ(MustParse("dl_type=0x88cc").key.eth_type, 0x88cc);
  struct {
    const char* text;
    uint16_t eth;
    uint8_t proto;
  } cases[] = {{"ip", 0x0800, 0},  {"ipv6", 0x86dd, 0}, {"arp", 0x0806, 0},   {"tcp", 0x0800, 6},
               {"udp", 0x0800, 17}, {"sctp", 0x0800, 132}, {"icmp", 0x0800, 1}, {"icmp6", 0x86dd, 58},
               {"tcp6", 0x86dd, 6}, {"udp6", 0x86dd, 17}};
  for (const auto& c : cases) {
    FlowMatch m = MustParse(c.text);
    EXPECT_EQ(m.key.eth_type, c.eth) << c.text;
    EXPECT_EQ(m.mask.eth_type, 0xffff) << c.text;
    EXPECT_EQ(m.key.nw_proto, c.proto) << c.text;
    EXPECT_EQ(m.mask.nw_proto, c.proto ? 0xff : 0) << c.text;
    EXPECT_EQ(FormatMatch(m), c.text);
  }
}

TEST(MatchFields, Vlan) {
  FlowMatch m = MustParse("dl_vlan=100");
  EXPECT_EQ(m.key.vlan_tci, kVlanPresent | 100);
  EXPECT_EQ(m.mask.vlan_tci, 0x1fff);
  m = MustParse("dl_vlan_pcp=5");
  EXPECT_EQ(m.key.vlan_tci, kVlanPresent | (5 << 13));
  EXPECT_EQ(m.mask.vlan_tci, 0xf000);
  m = MustParse("dl_vlan=0xffff");  // untagged
  EXPECT_EQ(m.key.vlan_tci, 0);
  EXPECT_EQ(m.mask.vlan_tci, 0xffff);
  m = MustParse("vlan_tci=0x1064/0x1fff");
  EXPECT_EQ(m.key.vlan_tci, 0x1064);
  EXPECT_EQ(FormatMatch(MustParse("dl_vlan=10,dl_vlan_pcp=3")), "dl_vlan=10,dl_vlan_pcp=3");
  EXPECT_NE(ParseError("dl_vlan=5000").find("0..4095"), std::string::npos);
}

TEST(MatchFields, Ipv4PrefixesAndMasks) {
  FlowMatch m = MustParse("ip,nw_src=10.1.2.3,nw_dst=10.0.0.77/24");
  EXPECT_EQ(m.key.nw_src, Ip("10.1.2.3"));
  EXPECT_EQ(m.mask.nw_src, 0xffffffffu);
  EXPECT_EQ(m.key.nw_dst, Ip("10.0.0.0"));  // normalized under the mask
  EXPECT_EQ(m.mask.nw_dst, Ip("255.255.255.0"));
  m = MustParse("ip,ip_dst=10.0.3.4/255.0.255.0");
  EXPECT_EQ(m.key.nw_dst, Ip("10.0.3.0"));
  EXPECT_EQ(m.mask.nw_dst, Ip("255.0.255.0"));
  EXPECT_EQ(FormatMatch(m), "ip,nw_dst=10.0.3.0/255.0.255.0");
  EXPECT_EQ(FormatMatch(MustParse("ip,nw_src=1.2.3.4/16")), "ip,nw_src=1.2.0.0/16");
  EXPECT_NE(ParseError("ip,nw_src=1.2.3").find("not an IPv4 address"), std::string::npos);
  EXPECT_NE(ParseError("ip,nw_src=1.2.3.4/33").find("prefix length"), std::string::npos);
}

TEST(MatchFields, Ipv6Prefixes) {
  FlowMatch m = MustParse("ipv6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8:1::/48");
  uint8_t want[16];
  inet_pton(AF_INET6, "2001:db8::1", want);
  EXPECT_EQ(0, memcmp(m.key.ipv6_src, want, 16));
  EXPECT_EQ(m.mask.ipv6_dst[5], 0xff);
  EXPECT_EQ(m.mask.ipv6_dst[6], 0x00);
  EXPECT_EQ(FormatMatch(m), "ipv6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8:1::/48");
}

TEST(MatchFields, ProtoTosEcnTtlFrag) {
  FlowMatch m = MustParse("ip,nw_proto=47,ip_dscp=46,nw_ecn=1,nw_ttl=64");
  EXPECT_EQ(m.key.nw_proto, 47);
  EXPECT_EQ(m.key.nw_tos, (46 << 2) | 1);
  EXPECT_EQ(m.mask.nw_tos, 0xff);
  EXPECT_EQ(m.key.nw_ttl, 64);
  EXPECT_EQ(FormatMatch(m), "ip,nw_proto=47,ip_dscp=46,nw_ecn=1,nw_ttl=64");
  m = MustParse("ip,nw_tos=184");
  EXPECT_EQ(m.key.nw_tos, 184);
  EXPECT_EQ(m.mask.nw_tos, 0xfc);
  EXPECT_NE(ParseError("ip,nw_tos=185").find("ECN bits"), std::string::npos);
  EXPECT_NE(ParseError("ip,ip_dscp=64").find("out of range"), std::string::npos);
  m = MustParse("ip,nw_frag=later");
  EXPECT_EQ(m.key.nw_frag, 3);
  EXPECT_EQ(m.mask.nw_frag, 3);
  EXPECT_EQ(FormatMatch(m), "ip,nw_frag=later");
}

TEST(MatchFields, TransportPortsAndAliases) {
  FlowMatch m = MustParse("tcp,tp_src=1024/0xfc00,tp_dst=80");
  EXPECT_EQ(m.key.tp_src, 1024);
  EXPECT_EQ(m.mask.tp_src, 0xfc00);
  EXPECT_EQ(m.key.tp_dst, 80);
  EXPECT_EQ(FormatMatch(m), "tcp,tp_src=1024/0xfc00,tp_dst=80");
  EXPECT_EQ(MustParse("tcp,tcp_dst=443").key.tp_dst, 443);
  EXPECT_EQ(MustParse("udp,udp_src=53").key.tp_src, 53);
  EXPECT_EQ(MustParse("sctp,sctp_dst=9").key.tp_dst, 9);
  EXPECT_EQ(MustParse("udp6,tp_dst=4789").key.tp_dst, 4789);
}

TEST(MatchFields, TcpFlags) {
  FlowMatch m = MustParse("tcp,tcp_flags=+syn-ack");
  EXPECT_EQ(m.key.tcp_flags, 0x002);
  EXPECT_EQ(m.mask.tcp_flags, 0x012);
  EXPECT_EQ(FormatMatch(m), "tcp,tcp_flags=+syn-ack");
  m = MustParse("tcp,tcp_flags=0x002/0x012");
  EXPECT_EQ(m.key.tcp_flags, 0x002);
  EXPECT_EQ(m.mask.tcp_flags, 0x012);
  EXPECT_NE(ParseError("tcp,tcp_flags=+syn+bogus").find("unknown TCP flag 'bogus'"), std::string::npos);
}

TEST(MatchFields, IcmpTypeCode) {
  FlowMatch m = MustParse("icmp,icmp_type=8,icmp_code=0");
  EXPECT_EQ(m.key.tp_src, 8);
  EXPECT_EQ(m.mask.tp_src, 0xffff);
  EXPECT_EQ(m.mask.tp_dst, 0xffff);
  EXPECT_EQ(FormatMatch(m), "icmp,icmp_type=8,icmp_code=0");
  m = MustParse("icmp6,icmpv6_type=135,icmpv6_code=0");
  EXPECT_EQ(m.key.tp_src, 135);
  EXPECT_EQ(FormatMatch(m), "icmp6,icmpv6_type=135,icmpv6_code=0");
}

TEST(MatchFields, Arp) {
  FlowMatch m = MustParse("arp,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/8");
  EXPECT_EQ(m.key.nw_proto, 1);
  EXPECT_EQ(m.key.nw_src, Ip("10.0.0.1"));
  EXPECT_EQ(m.mask.nw_dst, Ip("255.0.0.0"));
  EXPECT_EQ(FormatMatch(m), "arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/8,arp_op=1");
  // nw_src on arp is the sender address (OVS convention).
  EXPECT_EQ(MustParse("arp,nw_src=10.0.0.9").key.nw_src, Ip("10.0.0.9"));
}

TEST(MatchFields, TunnelAndRegisters) {
  FlowMatch m = MustParse("tun_id=0x1234/0xffff,tun_src=192.0.2.1,tun_dst=192.0.2.0/24,reg0=5,reg3=0x10/0xf0");
  EXPECT_EQ(m.key.tun_id, 0x1234u);
  EXPECT_EQ(m.mask.tun_id, 0xffffu);
  EXPECT_EQ(m.key.tun_src, Ip("192.0.2.1"));
  EXPECT_EQ(m.mask.tun_dst, Ip("255.255.255.0"));
  EXPECT_EQ(m.key.regs[0], 5u);
  EXPECT_EQ(m.mask.regs[0], 0xffffffffu);
  EXPECT_EQ(m.key.regs[3], 0x10u);
  EXPECT_EQ(m.mask.regs[3], 0xf0u);
  EXPECT_EQ(FormatMatch(m), "tun_id=0x1234/0xffff,tun_src=192.0.2.1,tun_dst=192.0.2.0/24,reg0=0x5,reg3=0x10/0xf0");
}

TEST(MatchFields, PrerequisitesNameTheField) {
  EXPECT_NE(ParseError("tp_dst=80").find("tp_dst requires tcp, udp or sctp"), std::string::npos);
  EXPECT_NE(ParseError("nw_src=1.2.3.4").find("nw_src requires ip or arp"), std::string::npos);
  EXPECT_NE(ParseError("ip,ipv6_src=::1").find("ipv6_src requires ipv6"), std::string::npos);
  EXPECT_NE(ParseError("udp,tcp_dst=80").find("tcp_dst requires tcp"), std::string::npos);
  EXPECT_NE(ParseError("tcp,icmp_type=3").find("icmp_type requires icmp"), std::string::npos);
  EXPECT_NE(ParseError("ip,arp_op=1").find("arp_op requires arp"), std::string::npos);
  EXPECT_NE(ParseError("nw_ttl=3").find("nw_ttl requires ip or ipv6"), std::string::npos);
  EXPECT_NE(ParseError("tcp_flags=+syn").find("tcp_flags requires tcp"), std::string::npos);
  // Order does not matter: the shorthand may come after the field.
  EXPECT_EQ(MustParse("tp_dst=80,tcp").key.tp_dst, 80);
}

TEST(MatchFields, ConflictsAndDuplicatesAreErrors) {
  EXPECT_NE(ParseError("tcp,udp").find("conflicts with an earlier field"), std::string::npos);
  EXPECT_NE(ParseError("tcp,tp_dst=80,tp_dst=81").find("duplicate field tp_dst"), std::string::npos);
  EXPECT_NE(ParseError("ip,nw_src=1.1.1.1,ip_src=2.2.2.2").find("conflicts"), std::string::npos);
}

TEST(MatchFields, MatchSemantics) {
  FlowMatch m = MustParse("tcp,nw_dst=10.0.0.0/24,tp_dst=80");
  FlowKey k;
  k.Clear();
  k.eth_type = 0x0800;
  k.nw_proto = 6;
  k.nw_dst = Ip("10.0.0.99");
  k.tp_dst = 80;
  k.tp_src = 5555;
  EXPECT_TRUE(m.Matches(k));
  k.tp_dst = 81;
  EXPECT_FALSE(m.Matches(k));
  FlowMatch wider = MustParse("ip,nw_dst=10.0.0.0/16");
  EXPECT_TRUE(wider.Covers(m));
  EXPECT_FALSE(m.Covers(wider));
}

}  // namespace
}  // namespace vswitch::flow
