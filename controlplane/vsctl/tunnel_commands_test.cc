#include "vsctl/tunnel_commands.h"

#include <gtest/gtest.h>

#include "vsctl/command_line.h"
#include "vsctl/output_format.h"
#include "vsctl/port_spec.h"

namespace vswitch::controlplane {
namespace {

std::string ParseLine(std::vector<std::string> args, CommandLine* out) {
  args.insert(args.begin(), "vsctl");
  return ParseCommandLine(args, "", out);
}

TEST(VsctlTunnelCommands, AreListedWithHelpAndArgumentCounts) {
  for (const char* name : {"add-vni", "del-vni", "vni-show", "neigh-add", "neigh-del", "neigh-show", "route-add",
                           "route-del", "route-show"}) {
    EXPECT_TRUE(IsTunnelCommand(name)) << name;
    EXPECT_NE(FindCommand(name), nullptr) << name;
    CommandLine line;
    ASSERT_EQ(ParseLine({name, "--help"}, &line), "") << name;
    EXPECT_EQ(line.action, CommandLine::Action::kCommandHelp);
    EXPECT_NE(line.help_text.find(std::string("Usage: vsctl [OPTIONS] ") + name), std::string::npos);
  }
  EXPECT_FALSE(IsTunnelCommand("fdb-add"));
  CommandLine line;
  ASSERT_EQ(ParseLine({"--help"}, &line), "");
  EXPECT_NE(line.help_text.find("add-vni VNI [REMOTE-IP ...]"), std::string::npos) << line.help_text;
  EXPECT_EQ(ParseLine({"add-vni"}, &line), "add-vni: missing arguments (usage: vsctl add-vni VNI [REMOTE-IP ...])");
  EXPECT_EQ(ParseLine({"neigh-add", "192.168.1.2"}, &line),
            "neigh-add: missing arguments (usage: vsctl neigh-add IP MAC)");
  EXPECT_EQ(ParseLine({"route-del", "10.0.0.0/8", "x"}, &line),
            "route-del: too many arguments (usage: vsctl route-del PREFIX)");
  ASSERT_EQ(ParseLine({"--json", "add-vni", "100", "192.168.1.2", "192.168.1.3"}, &line), "");
  EXPECT_TRUE(line.json);
  EXPECT_EQ(line.args.size(), 3u);
}

TEST(VsctlTunnelCommands, ParsesIntoRequests) {
  TunnelRequest request;
  ASSERT_EQ(ParseTunnelCommand("add-vni", {"100", "192.168.1.2", "192.168.1.3"}, &request), "");
  EXPECT_EQ(request.set_vni.vni(), 100u);
  ASSERT_EQ(request.set_vni.remotes_size(), 2);
  EXPECT_EQ(request.set_vni.remotes(1), "192.168.1.3");
  ASSERT_EQ(ParseTunnelCommand("add-vni", {"16777215"}, &request), "");
  EXPECT_EQ(request.set_vni.remotes_size(), 0);
  ASSERT_EQ(ParseTunnelCommand("del-vni", {"7"}, &request), "");
  EXPECT_EQ(request.delete_vni.vni(), 7u);
  ASSERT_EQ(ParseTunnelCommand("vni-show", {}, &request), "");
  EXPECT_EQ(request.list_vnis.vni(), 0u);
  ASSERT_EQ(ParseTunnelCommand("vni-show", {"9"}, &request), "");
  EXPECT_EQ(request.list_vnis.vni(), 9u);
  ASSERT_EQ(ParseTunnelCommand("neigh-add", {"192.168.1.2", "02:00:00:00:00:02"}, &request), "");
  EXPECT_EQ(request.add_neighbor.ip(), "192.168.1.2");
  EXPECT_EQ(request.add_neighbor.mac(), "02:00:00:00:00:02");
  ASSERT_EQ(ParseTunnelCommand("neigh-del", {"192.168.1.2"}, &request), "");
  EXPECT_EQ(request.delete_neighbor.ip(), "192.168.1.2");
  ASSERT_EQ(ParseTunnelCommand("route-add", {"10.2.0.0/16", "192.168.1.1"}, &request), "");
  EXPECT_EQ(request.add_route.route().prefix(), "10.2.0.0/16");
  EXPECT_EQ(request.add_route.route().gateway(), "192.168.1.1");
  ASSERT_EQ(ParseTunnelCommand("route-del", {"10.2.0.0/16"}, &request), "");
  EXPECT_EQ(request.delete_route.prefix(), "10.2.0.0/16");
  EXPECT_EQ(ParseTunnelCommand("neigh-show", {}, &request), "");
  EXPECT_EQ(ParseTunnelCommand("route-show", {}, &request), "");
}

TEST(VsctlTunnelCommands, VniTyposAreUsageErrors) {
  TunnelRequest request;
  EXPECT_EQ(ParseTunnelCommand("add-vni", {"0"}, &request), "add-vni: VNI: expected a number 1..16777215, got '0'");
  EXPECT_EQ(ParseTunnelCommand("add-vni", {"16777216"}, &request),
            "add-vni: VNI: expected a number 1..16777215, got '16777216'");
  EXPECT_EQ(ParseTunnelCommand("del-vni", {"x"}, &request), "del-vni: VNI: expected a number 1..16777215, got 'x'");
  EXPECT_EQ(ParseTunnelCommand("vni-show", {"-1"}, &request), "vni-show: VNI: expected a number 1..16777215, got '-1'");
  EXPECT_EQ(ParseTunnelCommand("show", {}, &request), "'show' is not a tunnel command");
}

TEST(VsctlTunnelCommands, FdbTunnelArguments) {
  uint32_t vni = 1;
  std::string remote = "x";
  ASSERT_EQ(ParseFdbTunnelArguments({}, true, &vni, &remote), "");
  EXPECT_EQ(vni, 0u);
  EXPECT_EQ(remote, "");
  ASSERT_EQ(ParseFdbTunnelArguments({"remote=192.168.1.2", "vni=100"}, true, &vni, &remote), "");
  EXPECT_EQ(vni, 100u);
  EXPECT_EQ(remote, "192.168.1.2");
  ASSERT_EQ(ParseFdbTunnelArguments({"vni=5"}, false, &vni, &remote), "");
  EXPECT_EQ(vni, 5u);
  EXPECT_EQ(ParseFdbTunnelArguments({"remote=192.168.1.2"}, false, &vni, &remote),
            "'remote=192.168.1.2': expected vni=N");
  EXPECT_EQ(ParseFdbTunnelArguments({"vni=100", "vni=200"}, true, &vni, &remote), "'vni' is given more than once");
  EXPECT_EQ(ParseFdbTunnelArguments({"vni=abc"}, true, &vni, &remote), "vni: expected a number 0..16777215, got 'abc'");
  EXPECT_EQ(ParseFdbTunnelArguments({"100"}, true, &vni, &remote), "'100': expected vni=N or remote=IP");
  EXPECT_EQ(ParseFdbTunnelArguments({"remote="}, true, &vni, &remote),
            "remote: expected the remote VTEP's IPv4 address");

  CommandLine line;
  EXPECT_EQ(ParseLine({"fdb-add", "0", "02:00:00:00:00:02", "vx0", "vni=100", "remote=192.168.1.2"}, &line), "");
  EXPECT_EQ(ParseLine({"fdb-del", "0", "02:00:00:00:00:02", "vni=100"}, &line), "");
  EXPECT_EQ(ParseLine({"fdb-del", "0", "02:00:00:00:00:02", "vni=100", "x"}, &line),
            "fdb-del: too many arguments (usage: vsctl fdb-del VLAN MAC [vni=N])");
}

TEST(VsctlTunnelCommands, PortVniSetting) {
  v1::Port port;
  ASSERT_EQ(ParsePortSpec("c1", "af-xdp", {"iface=veth1", "vni=100"}, &port), "");
  EXPECT_EQ(port.vni(), 100u);
  EXPECT_EQ(port.options().count("vni"), 0u) << "vni is a port setting, not a device option";
  EXPECT_EQ(ParsePortSpec("c1", "af-xdp", {"vni=16777216"}, &port), "vni: expected a number 0..16777215, got '16777216'");
}

TEST(VsctlTunnelCommands, Tables) {
  v1::ListVnisResponse vnis;
  v1::Vni* vni = vnis.add_vnis();
  vni->set_vni(100);
  vni->add_remotes("192.168.1.2");
  vni->add_remotes("192.168.1.3");
  vni->add_ports("c1");
  vnis.add_vnis()->set_vni(16777215);
  EXPECT_EQ(FormatVnis(vnis),
            "     VNI  REMOTES                  PORTS\n"
            "     100  192.168.1.2,192.168.1.3  c1\n"
            "16777215  -                        -\n");

  v1::ListNeighborsResponse neighbors;
  v1::Neighbor* learned = neighbors.add_neighbors();
  learned->set_ip("192.168.1.2");
  learned->set_mac("02:00:00:00:00:02");
  learned->set_port("up0");
  learned->set_age_seconds(12);
  v1::Neighbor* fixed = neighbors.add_neighbors();
  fixed->set_ip("192.168.1.3");
  fixed->set_mac("02:00:00:00:00:03");
  fixed->set_is_static(true);
  EXPECT_EQ(FormatNeighbors(neighbors),
            "IP           MAC                TYPE     PORT  AGE\n"
            "192.168.1.2  02:00:00:00:00:02  learned  up0    12\n"
            "192.168.1.3  02:00:00:00:00:03  static   -       -\n");

  v1::ListRoutesResponse routes;
  v1::Route* route = routes.add_routes();
  route->set_prefix("10.2.0.0/16");
  route->set_gateway("192.168.1.1");
  EXPECT_EQ(FormatRoutes(routes),
            "PREFIX       GATEWAY\n"
            "10.2.0.0/16  192.168.1.1\n");
}

TEST(VsctlTunnelCommands, FdbShowsVniColumnsOnlyWhenSomeEntryHasOne) {
  v1::ListMacsResponse macs;
  v1::MacEntry* local = macs.add_entries();
  local->set_port("c1");
  local->set_mac("02:00:00:00:00:01");
  local->set_age_seconds(3);
  EXPECT_EQ(FormatFdb(macs), "port  VLAN  MAC                Age\n  c1     0  02:00:00:00:00:01    3\n");
  v1::MacEntry* remote = macs.add_entries();
  remote->set_port("vx0");
  remote->set_mac("02:00:00:00:00:02");
  remote->set_is_static(true);
  remote->set_vni(100);
  remote->set_remote_ip("192.168.1.2");
  EXPECT_EQ(FormatFdb(macs),
            "port  VLAN  MAC                   Age  VNI  Remote\n"
            "  c1     0  02:00:00:00:00:01       3    0  -\n"
            " vx0     0  02:00:00:00:00:02  static  100  192.168.1.2\n");
}

}  // namespace
}  // namespace vswitch::controlplane
