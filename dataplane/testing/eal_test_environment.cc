// A GoogleTest environment that starts DPDK's EAL once for every dataplane unit test that
// needs DPDK memory (rte_hash, mempools). It runs without hugepages and without shared
// runtime files, so unit tests need neither root nor a hugepage reservation.
#include <gtest/gtest.h>

#include "eal/eal.h"

namespace {

class EalEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    vswitch::eal::EalOptions o;
    o.workers = 1;
    o.lcores = "0";
    o.no_huge = true;
    o.in_memory = true;
    o.memory_mb = 256;
    o.log_level = "error";
    o.extra_args = {"--no-pci"};
    vswitch::Status s = vswitch::eal::Init(o);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  void TearDown() override { vswitch::eal::Cleanup(); }
};

const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new EalEnvironment);

}  // namespace
