#include "vsctl/command_line.h"

#include <gtest/gtest.h>

namespace vswitch::controlplane {
namespace {

std::string Parse(std::vector<std::string> args, CommandLine* out, const std::string& env = "") {
  args.insert(args.begin(), "vsctl");
  return ParseCommandLine(args, env, out);
}

TEST(VsctlCommandLine, DefaultsAndCommand) {
  CommandLine line;
  ASSERT_EQ(Parse({"show"}, &line), "");
  EXPECT_EQ(line.action, CommandLine::Action::kRun);
  EXPECT_EQ(line.server, "/run/vswitch/vswitchd.sock");
  EXPECT_FALSE(line.json);
  EXPECT_DOUBLE_EQ(line.timeout_seconds, 10);
  EXPECT_STREQ(line.command->name, "show");
  EXPECT_TRUE(line.args.empty());
}

TEST(VsctlCommandLine, GlobalOptionsBeforeTheCommand) {
  CommandLine line;
  ASSERT_EQ(Parse({"--server", "unix:/tmp/a.sock", "--json", "--timeout=2.5", "port-stats", "p1"}, &line), "");
  EXPECT_EQ(line.server, "/tmp/a.sock");
  EXPECT_TRUE(line.json);
  EXPECT_DOUBLE_EQ(line.timeout_seconds, 2.5);
  EXPECT_STREQ(line.command->name, "port-stats");
  EXPECT_EQ(line.args, std::vector<std::string>{"p1"});
}

TEST(VsctlCommandLine, EnvironmentServerUnlessGiven) {
  CommandLine line;
  ASSERT_EQ(Parse({"show"}, &line, "/tmp/env.sock"), "");
  EXPECT_EQ(line.server, "/tmp/env.sock");
  ASSERT_EQ(Parse({"--server=/tmp/flag.sock", "show"}, &line, "/tmp/env.sock"), "");
  EXPECT_EQ(line.server, "/tmp/flag.sock");
}

TEST(VsctlCommandLine, KeyValueArgumentsPassThrough) {
  CommandLine line;
  ASSERT_EQ(Parse({"add-port", "vm1", "vhost-user", "path=/tmp/vm1.sock", "mode=server"}, &line), "");
  EXPECT_EQ(line.args, (std::vector<std::string>{"vm1", "vhost-user", "path=/tmp/vm1.sock", "mode=server"}));
}

TEST(VsctlCommandLine, PerCommandHelp) {
  CommandLine line;
  ASSERT_EQ(Parse({"add-port", "--help"}, &line), "");
  EXPECT_EQ(line.action, CommandLine::Action::kCommandHelp);
  EXPECT_NE(line.help_text.find("vsctl [OPTIONS] add-port NAME TYPE [key=value ...]"), std::string::npos);
  EXPECT_NE(line.help_text.find("learn-limit=N"), std::string::npos);
  ASSERT_EQ(Parse({"fdb-show", "-h"}, &line), "");
  EXPECT_EQ(line.action, CommandLine::Action::kCommandHelp);
}

TEST(VsctlCommandLine, GlobalHelpListsEveryCommand) {
  CommandLine line;
  ASSERT_EQ(Parse({"--help"}, &line), "");
  EXPECT_EQ(line.action, CommandLine::Action::kGlobalHelp);
  for (const CommandSpec& command : Commands()) {
    EXPECT_NE(line.help_text.find(command.name), std::string::npos) << command.name;
  }
  EXPECT_NE(line.help_text.find("Exit codes"), std::string::npos);
}

TEST(VsctlCommandLine, UsageErrors) {
  CommandLine line;
  EXPECT_EQ(Parse({}, &line), "no command given (see vsctl --help)");
  EXPECT_EQ(Parse({"frobnicate"}, &line), "unknown command 'frobnicate' (see vsctl --help)");
  EXPECT_EQ(Parse({"add-port", "vm1"}, &line), "add-port: missing arguments (usage: vsctl add-port NAME TYPE [key=value ...])");
  EXPECT_EQ(Parse({"del-port", "a", "b"}, &line), "del-port: too many arguments (usage: vsctl del-port NAME)");
  EXPECT_EQ(Parse({"show", "extra"}, &line), "show: too many arguments (usage: vsctl show)");
  EXPECT_NE(Parse({"--bogus", "show"}, &line).find("bogus"), std::string::npos);
  EXPECT_NE(Parse({"del-port", "--bogus"}, &line).find("del-port: "), std::string::npos);
  EXPECT_EQ(Parse({"--timeout", "0", "show"}, &line), "--timeout: expected 0 < SECONDS <= 86400");
  EXPECT_NE(Parse({"--timeout", "x", "show"}, &line).find("timeout"), std::string::npos);
  EXPECT_NE(Parse({"--server"}, &line), "");
}

}  // namespace
}  // namespace vswitch::controlplane
