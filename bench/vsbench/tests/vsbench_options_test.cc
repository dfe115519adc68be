#include "vsbench_options.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace vswitch::vsbench {
namespace {

ParsedOptions Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "vsbench");
  return ParseVsbenchOptions(static_cast<int>(args.size()), args.data());
}

constexpr const char* kTx = "--tx-dev=net_memif0,role=client,socket=/tmp/a.sock,id=0";
constexpr const char* kRx = "--rx-dev=net_memif1,role=client,socket=/tmp/a.sock,id=1";

TEST(VsbenchOptionsTest, FullCommandLine) {
  auto p = Parse({kTx, kRx, "--in-memory", "--size", "128", "--flows", "65536", "--vlan", "10",
                  "--rate-mpps", "2.5", "--rfc2544", "--trial", "1", "--loss-tolerance", "0.001",
                  "--src-ip", "10.1.0.0", "--dst-mac", "02:00:00:00:00:99", "--json"});
  ASSERT_EQ(p.outcome, ParseOutcome::kRun) << p.message;
  const auto& o = p.options;
  EXPECT_EQ(o.frame.frame_size, 128u);
  EXPECT_EQ(o.frame.flows, 65536u);
  EXPECT_EQ(o.frame.vlan, 10);
  EXPECT_FALSE(o.frame.vxlan_vni);
  EXPECT_EQ(o.frame.src_ip, 0x0a010000u);
  EXPECT_EQ(o.frame.dst_mac[5], 0x99);
  EXPECT_TRUE(o.rfc2544);
  EXPECT_DOUBLE_EQ(o.rate_mpps, 2.5);
  EXPECT_DOUBLE_EQ(o.loss_tolerance, 0.001);
  EXPECT_TRUE(o.json);
}

TEST(VsbenchOptionsTest, EalArgumentsUsePrivateMemoryAndBothDevices) {
  auto p = Parse({kTx, kRx, "--file-prefix", "vsb1", "--single-file-segments", "--lcore", "0"});
  ASSERT_EQ(p.outcome, ParseOutcome::kRun) << p.message;
  auto eal = EalArguments(p.options);
  auto has = [&](const std::string& a) { return std::find(eal.begin(), eal.end(), a) != eal.end(); };
  EXPECT_TRUE(has("--file-prefix"));
  EXPECT_TRUE(has("vsb1"));
  EXPECT_TRUE(has("--single-file-segments"));
  EXPECT_TRUE(has("--no-pci"));
  EXPECT_TRUE(has("net_memif0,role=client,socket=/tmp/a.sock,id=0"));
  EXPECT_TRUE(has("net_memif1,role=client,socket=/tmp/a.sock,id=1"));
  EXPECT_FALSE(has("--in-memory"));
  EXPECT_EQ(VdevName("net_memif1,role=client"), "net_memif1");
}

TEST(VsbenchOptionsTest, ErrorsNameTheOption) {
  struct Case {
    std::vector<const char*> args;
    const char* expected;
  };
  std::vector<Case> cases = {
      {{"--in-memory"}, "--tx-dev"},
      {{kTx}, "--in-memory or --file-prefix"},
      {{kTx, "--in-memory", "--file-prefix", "x"}, "exclude"},
      {{kTx, "--in-memory", "--size", "40"}, "--size"},
      {{kTx, "--in-memory", "--flows", "0"}, "--flows"},
      {{kTx, "--in-memory", "--vlan", "5000"}, "--vlan"},
      {{kTx, "--in-memory", "--src-mac", "zz:00:00:00:00:00"}, "--src-mac"},
      {{kTx, "--in-memory", "--dst-ip", "1.2.3"}, "--dst-ip"},
      {{kTx, "--in-memory", "--rfc2544", "--rate-mpps", "0"}, "--rfc2544"},
      {{kTx, "--in-memory", "--rate-mpps", "-1"}, "--rate-mpps"},
      {{kTx, "--in-memory", "--loss-tolerance", "2"}, "--loss-tolerance"},
      {{kTx, "--in-memory", "--dst-port", "70000"}, "--dst-port"},
      {{kTx, "--in-memory", "--dst-port", "4789"}, "dst-port"},
      {{kTx, "--in-memory", "--rx-dev", "net_memif0,role=client,id=1"}, "--rx-dev"},
      {{kTx, "--in-memory", "--no-such-option"}, "no-such-option"},
      {{kTx, "--in-memory", "--size", "abc"}, "size"},
  };
  for (const auto& c : cases) {
    auto p = Parse(c.args);
    EXPECT_EQ(p.outcome, ParseOutcome::kError) << c.expected;
    EXPECT_NE(p.message.find(c.expected), std::string::npos) << "message: " << p.message;
  }
}

TEST(VsbenchOptionsTest, HelpListsModes) {
  auto p = Parse({"--help"});
  EXPECT_EQ(p.outcome, ParseOutcome::kHelp);
  EXPECT_NE(p.message.find("--rfc2544"), std::string::npos);
  EXPECT_NE(p.message.find("memif"), std::string::npos);
}

}  // namespace
}  // namespace vswitch::vsbench
