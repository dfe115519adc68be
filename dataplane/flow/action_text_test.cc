// Every action: parsed into the right record, formatted back, and bad arguments named.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "flow/action_text.h"
#include "flow/rule_parser.h"

namespace vswitch::flow {
namespace {

std::optional<uint32_t> Ports(std::string_view name) {
  if (name == "vm1") return 1;
  if (name == "vm2") return 2;
  return std::nullopt;
}

Action One(const std::string& token) {
  ActionList l;
  std::string err = ParseAction(token, Ports, &l);
  EXPECT_EQ(err, "") << token;
  EXPECT_EQ(l.size(), 1u) << token;
  return l.empty() ? Action::Normal() : l[0];
}

std::string Err(const std::string& token) {
  ActionList l;
  std::string err = ParseAction(token, Ports, &l);
  EXPECT_NE(err, "") << token;
  return err;
}

TEST(ActionText, Outputs) {
  EXPECT_EQ(One("output:3"), Action::Output(3));
  EXPECT_EQ(One("output:vm2"), Action::Output(2));
  EXPECT_EQ(One("5"), Action::Output(5));
  EXPECT_EQ(One("FLOOD"), Action::Flood());
  EXPECT_EQ(One("flood"), Action::Flood());
  EXPECT_EQ(One("normal"), Action::Normal());
  EXPECT_EQ(One("NORMAL"), Action::Normal());
  EXPECT_EQ(One("in_port"), Action::InPort());
  EXPECT_NE(Err("output:vm7").find("unknown port 'vm7'"), std::string::npos);
  EXPECT_NE(Err("output").find("needs an argument"), std::string::npos);
  EXPECT_NE(Err("flood:1").find("takes no argument"), std::string::npos);
}

TEST(ActionText, SetFields) {
  const uint8_t mac[6] = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01};
  EXPECT_EQ(One("mod_dl_src:aa:bb:cc:dd:ee:01"), Action::SetEthSrc(mac));
  EXPECT_EQ(One("mod_dl_dst:aa:bb:cc:dd:ee:01"), Action::SetEthDst(mac));
  EXPECT_EQ(One("set_field:aa:bb:cc:dd:ee:01->eth_src"), Action::SetEthSrc(mac));
  EXPECT_EQ(One("set_field:aa:bb:cc:dd:ee:01->eth_dst"), Action::SetEthDst(mac));
  EXPECT_EQ(One("mod_nw_src:10.0.0.1"), Action::SetIpv4Src(inet_addr("10.0.0.1")));
  EXPECT_EQ(One("mod_nw_dst:10.0.0.2"), Action::SetIpv4Dst(inet_addr("10.0.0.2")));
  EXPECT_EQ(One("set_field:10.0.0.3->ip_src"), Action::SetIpv4Src(inet_addr("10.0.0.3")));
  EXPECT_EQ(One("set_field:10.0.0.4->ip_dst"), Action::SetIpv4Dst(inet_addr("10.0.0.4")));
  EXPECT_EQ(One("mod_tp_src:1000"), Action::SetTpSrc(1000));
  EXPECT_EQ(One("mod_tp_dst:2000"), Action::SetTpDst(2000));
  EXPECT_EQ(One("set_field:80->tp_dst"), Action::SetTpDst(80));
  EXPECT_EQ(One("set_field:81->tcp_src"), Action::SetTpSrc(81));
  EXPECT_EQ(One("set_field:53->udp_dst"), Action::SetTpDst(53));
  EXPECT_EQ(One("mod_vlan_vid:100"), Action::SetVlanVid(100));
  EXPECT_EQ(One("set_field:100->vlan_vid"), Action::SetVlanVid(100));
  EXPECT_EQ(One("set_field:4196->vlan_vid"), Action::SetVlanVid(100));  // with OFPVID_PRESENT
  EXPECT_EQ(One("set_field:46->ip_dscp"), Action::SetDscp(46));
  EXPECT_EQ(One("mod_nw_tos:184"), Action::SetDscp(46));
  EXPECT_NE(Err("mod_nw_tos:185").find("ECN"), std::string::npos);
  EXPECT_NE(Err("set_field:1->bogus_field").find("unsupported set_field destination 'bogus_field'"), std::string::npos);
  EXPECT_NE(Err("set_field:1.2.3.4").find("missing '->'"), std::string::npos);
  EXPECT_NE(Err("mod_vlan_vid:4096").find("out of range"), std::string::npos);
}

TEST(ActionText, VlanPushPop) {
  EXPECT_EQ(One("push_vlan:0x8100"), Action::PushVlan(0x8100));
  EXPECT_EQ(One("push_vlan:0x88a8"), Action::PushVlan(0x88a8));
  EXPECT_EQ(One("pop_vlan"), Action::PopVlan());
  EXPECT_EQ(One("strip_vlan"), Action::PopVlan());
  EXPECT_NE(Err("push_vlan:0x0800").find("0x8100 or 0x88a8"), std::string::npos);
}

TEST(ActionText, GotoRegistersMeterTunnel) {
  EXPECT_EQ(One("goto_table:3"), Action::GotoTable(3));
  EXPECT_NE(Err("goto_table:255").find("out of range"), std::string::npos);
  EXPECT_EQ(One("load:0x5->NXM_NX_REG0[]"), Action::SetRegister(0, 5, 0xffffffffu));
  EXPECT_EQ(One("load:0x5->NXM_NX_REG2[8..15]"), Action::SetRegister(2, 5 << 8, 0xff00));
  EXPECT_EQ(One("load:1->NXM_NX_REG1[3]"), Action::SetRegister(1, 8, 8));
  EXPECT_EQ(One("set_field:7->reg3"), Action::SetRegister(3, 7, 0xffffffffu));
  EXPECT_EQ(One("set_field:0x10/0xf0->reg1"), Action::SetRegister(1, 0x10, 0xf0));
  EXPECT_NE(Err("load:0x100->NXM_NX_REG0[0..7]").find("8-bit field"), std::string::npos);
  EXPECT_NE(Err("load:1->NXM_NX_REG9[]").find("unsupported load destination"), std::string::npos);
  EXPECT_NE(Err("load:1->NXM_NX_REG0[9..2]").find("ends before it starts"), std::string::npos);
  EXPECT_EQ(One("meter:7"), Action::Meter(7));
  EXPECT_EQ(One("set_tunnel:0x1234"), Action::SetTunnel(0x1234));
  EXPECT_EQ(One("set_field:5000->tun_id"), Action::SetTunnel(5000));
}

TEST(ActionText, UnsupportedAndReserved) {
  EXPECT_NE(Err("nf:fw-chain").find("not available yet"), std::string::npos);
  EXPECT_NE(Err("controller").find("unknown action 'controller'"), std::string::npos);
  EXPECT_NE(Err("outptu:2").find("unknown action 'outptu:2'"), std::string::npos);
  EXPECT_NE(Err("resubmit:1").find("unknown action"), std::string::npos);
}

TEST(ActionText, FormatRoundTripsEveryAction) {
  const char* tokens[] = {"output:3",  "FLOOD", "NORMAL", "IN_PORT", "mod_dl_src:aa:bb:cc:dd:ee:01",
                          "mod_dl_dst:aa:bb:cc:dd:ee:02", "mod_nw_src:10.0.0.1", "mod_nw_dst:10.0.0.2",
                          "mod_tp_src:1000", "mod_tp_dst:2000", "mod_vlan_vid:100", "set_field:46->ip_dscp",
                          "push_vlan:0x8100", "pop_vlan", "goto_table:3", "load:0x5->NXM_NX_REG0[]",
                          "load:0x5->NXM_NX_REG2[8..15]", "load:0x1->NXM_NX_REG1[3]", "set_field:0x11/0xf1->reg1",
                          "meter:7", "set_tunnel:0x1234", "set_tunnel64:0x123456789"};
  for (const char* t : tokens) {
    Action a = One(t);
    EXPECT_EQ(FormatAction(a), t);
    EXPECT_EQ(One(FormatAction(a)), a);
  }
  EXPECT_EQ(FormatActions({}), "drop");
  EXPECT_EQ(FormatAction(Action::Output(2), [](uint32_t p) -> std::optional<std::string> {
              return p == 2 ? std::optional<std::string>("vm2") : std::nullopt;
            }),
            "output:vm2");
}

}  // namespace
}  // namespace vswitch::flow
