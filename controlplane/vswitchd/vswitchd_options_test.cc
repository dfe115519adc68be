#include "vswitchd/vswitchd_options.h"

#include <gtest/gtest.h>

namespace vswitch::controlplane {
namespace {

Status Parse(std::vector<std::string> args, VswitchdOptions* out) {
  args.insert(args.begin(), "vswitchd");
  return ParseVswitchdOptions(args, out);
}

TEST(VswitchdOptions, Defaults) {
  VswitchdOptions o;
  ASSERT_TRUE(Parse({}, &o).ok());
  EXPECT_FALSE(o.help);
  EXPECT_EQ(o.socket_path, "/run/vswitch/vswitchd.sock");
  EXPECT_EQ(o.state_dir, "/var/lib/vswitch");
  EXPECT_EQ(o.eal.workers, 1u);
  EXPECT_EQ(o.eal.memory_mb, 1024u);
  EXPECT_FALSE(o.eal.no_huge);
  EXPECT_EQ(o.eal.log_level, "notice");
  EXPECT_EQ(o.config_file, "");
  EXPECT_EQ(o.mbufs, 0u);
}

TEST(VswitchdOptions, EveryAgreedOption) {
  VswitchdOptions o;
  Status status = Parse({"--config", "/etc/vs.conf", "--workers", "2", "--lcores", "0-2", "--memory", "256",
                         "--no-huge", "--in-memory", "--socket", "/tmp/vs.sock", "--state-dir", "/tmp/state",
                         "--log-level", "debug", "--mbufs", "8192", "--idle-sleep-us", "10"},
                        &o);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(o.config_file, "/etc/vs.conf");
  EXPECT_EQ(o.eal.workers, 2u);
  EXPECT_EQ(o.eal.lcores, "0-2");
  EXPECT_EQ(o.eal.memory_mb, 256u);
  EXPECT_TRUE(o.eal.no_huge);
  EXPECT_TRUE(o.eal.in_memory);
  EXPECT_EQ(o.socket_path, "/tmp/vs.sock");
  EXPECT_EQ(o.state_dir, "/tmp/state");
  EXPECT_EQ(o.eal.log_level, "debug");
  EXPECT_EQ(o.mbufs, 8192u);
  EXPECT_EQ(o.idle_sleep_us, 10u);
}

TEST(VswitchdOptions, StateDirNoneDisablesPersistence) {
  VswitchdOptions o;
  ASSERT_TRUE(Parse({"--state-dir", "none"}, &o).ok());
  EXPECT_EQ(o.state_dir, "");
}

TEST(VswitchdOptions, HelpAndVersionNeedNothingElse) {
  VswitchdOptions o;
  ASSERT_TRUE(Parse({"--help"}, &o).ok());
  EXPECT_TRUE(o.help);
  EXPECT_NE(o.help_text.find("--state-dir"), std::string::npos);
  EXPECT_NE(o.help_text.find("--no-huge"), std::string::npos);
  VswitchdOptions v;
  ASSERT_TRUE(Parse({"--version"}, &v).ok());
  EXPECT_TRUE(v.version);
}

TEST(VswitchdOptions, BadValuesNameTheOption) {
  VswitchdOptions o;
  EXPECT_NE(Parse({"--workers", "abc"}, &o).message().find("workers"), std::string::npos);
  EXPECT_EQ(Parse({"--workers", "0"}, &o).message(), "--workers: expected 1-64, got 0");
  EXPECT_EQ(Parse({"--memory", "16"}, &o).message(), "--memory: expected 64-1048576 MB, got 16");
  EXPECT_NE(Parse({"--memory", "-1"}, &o).message().find("--memory"), std::string::npos);
  EXPECT_EQ(Parse({"--mbufs", "10"}, &o).message(), "--mbufs: expected 1024-16777216, got 10");
  EXPECT_NE(Parse({"--bogus"}, &o).message().find("bogus"), std::string::npos);
  EXPECT_FALSE(Parse({"stray"}, &o).ok());
  EXPECT_FALSE(Parse({"--socket"}, &o).ok());
  EXPECT_EQ(Parse({"--in-memory", "--file-prefix", "x"}, &o).message(),
            "--in-memory and --file-prefix cannot be combined (in-memory keeps no files)");
  EXPECT_FALSE(Parse({"--state-dir", ""}, &o).ok());
}

}  // namespace
}  // namespace vswitch::controlplane
