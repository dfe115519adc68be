// Config validation of the `flows` and `meters` lines (no EAL: the dataplane's own parsers).
#include "config/flow_config.h"

#include <gtest/gtest.h>

#include "config/config_file.h"
#include "config/config_validate.h"

namespace vswitch::controlplane {
namespace {

v1::Config Parse(const std::string& text) {
  v1::Config config;
  Status status = ParseConfig(text, ConfigFormat::kText, "test", &config);
  EXPECT_TRUE(status.ok()) << status.message();
  return config;
}

TEST(FlowConfigValidate, GoodFlowsAndMeters) {
  Status status = ValidateConfig(Parse(R"(
    ports { name: "vm1" type: "null" }
    ports { name: "vm2" type: "null" }
    meters: "meter=1,pktps,bands=type=drop,rate=100"
    flows: "table=0,priority=100,in_port=vm1,actions=meter:1,goto_table:1"
    flows: "table=1,priority=10,ip,nw_dst=10.0.0.2,actions=mod_dl_dst:02:00:00:00:00:02,output:vm2"
    flows: "priority=0,actions=drop")"));
  EXPECT_TRUE(status.ok()) << status.message();
}

TEST(FlowConfigValidate, BadFlowNamesItsLineAndToken) {
  Status status = ValidateConfig(Parse(R"(
    ports { name: "vm1" type: "null" }
    flows: "priority=10,in_port=vm1,actions=drop"
    flows: "priority=20,tp_dst=80x,tcp,actions=drop")"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message().rfind("flows[1] \"priority=20,tp_dst=80x,tcp,actions=drop\": token 2 'tp_dst=80x'", 0), 0u)
      << status.message();
}

TEST(FlowConfigValidate, EveryProblemIsListed) {
  Status status = ValidateConfig(Parse(R"(
    ports { name: "vm1" type: "null" }
    meters: "meter=1,pktps,bands=type=drop,rate=100"
    meters: "meter=1,kbps,bands=type=drop,rate=5"
    meters: "meter=2,pktps"
    flows: "in_port=vm9,actions=drop"
    flows: "in_port=vm1,actions=meter:3,output:1"
    flows: "in_port=vm1,actions=frobnicate")"));
  ASSERT_FALSE(status.ok());
  const std::string& m = status.message();
  EXPECT_NE(m.find("meters[1] \"meter=1,kbps,bands=type=drop,rate=5\": duplicate meter 1 (first at meters[0])"),
            std::string::npos) << m;
  EXPECT_NE(m.find("meters[2] \"meter=2,pktps\": "), std::string::npos) << m;
  EXPECT_NE(m.find("flows[0] \"in_port=vm9,actions=drop\": "), std::string::npos) << m;
  EXPECT_NE(m.find("vm9"), std::string::npos) << m;
  EXPECT_NE(m.find("flows[1] \"in_port=vm1,actions=meter:3,output:1\": actions: meter:3: no such meter"),
            std::string::npos) << m;
  EXPECT_NE(m.find("flows[2] \"in_port=vm1,actions=frobnicate\": "), std::string::npos) << m;
  EXPECT_NE(m.find("frobnicate"), std::string::npos) << m;
}

TEST(FlowConfigValidate, LongLinesAreCutInMessages) {
  std::string rule = "priority=1," + std::string(200, ' ') + "actions=bogus";
  v1::Config config;
  config.add_flows(rule);
  auto problems = ValidateFlowConfig(config);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_LT(problems[0].first.size(), 140u);
  EXPECT_EQ(problems[0].first.rfind("flows[0] \"priority=1,", 0), 0u);
}

TEST(FlowConfigValidate, FlowModPrefixIsRemovedOnlyWhenPresent) {
  EXPECT_EQ(WithoutFlowModPrefix("flow-mod 3 (add): actions: goto_table:0: must go forward"),
            "actions: goto_table:0: must go forward");
  EXPECT_EQ(WithoutFlowModPrefix("flow-mod 0: token 1 'x' at column 1: unknown field"),
            "token 1 'x' at column 1: unknown field");
  EXPECT_EQ(WithoutFlowModPrefix("rules: too many"), "rules: too many");
}

}  // namespace
}  // namespace vswitch::controlplane
