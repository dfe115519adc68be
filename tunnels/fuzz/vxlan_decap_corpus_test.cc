// Runs the decap fuzz entry point over the checked-in seed corpus, so ctest exercises the
// fuzz invariants without clang/libFuzzer. A violated invariant aborts the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

TEST(VxlanDecapFuzzCorpus, EverySeedKeepsTheInvariants) {
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(VSWITCH_FUZZ_CORPUS_DIR)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string bytes = ss.str();
    SCOPED_TRACE(entry.path().string());
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0);
    ++files;
  }
  EXPECT_GE(files, 5u);
}
