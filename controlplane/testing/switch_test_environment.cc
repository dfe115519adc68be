// GoogleTest environment for control-plane tests that drive a real vswitch::Switch: DPDK's
// EAL without hugepages, shared runtime files or PCI scanning (so no root is needed for
// null/ring ports), and one worker lcore because Switch::Create requires one.
#include <gtest/gtest.h>

#include "eal/eal.h"

namespace {

class SwitchTestEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    vswitch::eal::EalOptions options;
    options.lcores = "0,1";
    options.no_huge = true;
    options.in_memory = true;
    options.memory_mb = 256;
    options.log_level = "error";
    options.extra_args = {"--no-pci"};
    vswitch::Status status = vswitch::eal::Init(options);
    ASSERT_TRUE(status.ok()) << status.message();
  }
  void TearDown() override { vswitch::eal::Cleanup(); }
};

const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new SwitchTestEnvironment);

}  // namespace
