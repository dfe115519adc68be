// Runs the fuzz entry over the seed corpus and over every prefix of real vsbench frames, so
// ctest exercises the parsers the fuzzer targets even without clang.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "frame_builder.h"
#include "vsbench_fuzz.h"

namespace vswitch::vsbench {
namespace {

TEST(VsbenchFuzzSeedTest, SeedCorpus) {
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(VSBENCH_FUZZ_SEEDS)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(FuzzVsbenchParsers(data.data(), data.size()), 0) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 4u);
}

TEST(VsbenchFuzzSeedTest, EveryPrefixOfBuiltFrames) {
  FrameSpec plain, tagged, vxlan;
  tagged.vlan = 7;
  vxlan.vxlan_vni = 9;
  for (const FrameSpec& spec : {plain, tagged, vxlan}) {
    FrameBuilder b(spec);
    std::vector<uint8_t> f(b.frame_len());
    b.Build(f.data(), 1, 2, 3);
    for (size_t len = 0; len <= f.size(); ++len) {
      // A copy of exactly len bytes, so a read past the end is caught by ASan builds.
      std::vector<uint8_t> prefix(f.begin(), f.begin() + static_cast<long>(len));
      EXPECT_EQ(FuzzVsbenchParsers(prefix.data(), prefix.size()), 0);
    }
  }
}

}  // namespace
}  // namespace vswitch::vsbench
