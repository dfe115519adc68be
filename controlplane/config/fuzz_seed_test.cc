// Runs the fuzz entry points over their seed corpora, so ctest exercises them (and their
// internal invariants) without clang/libFuzzer.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config_fuzz.h"
#include "vsctl/command_line_fuzz.h"

namespace vswitch::controlplane {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int RunOverDirectory(const std::string& dir, int (*entry)(const uint8_t*, size_t)) {
  int inputs = 0;
  for (const auto& file : std::filesystem::recursive_directory_iterator(dir)) {
    if (!file.is_regular_file()) continue;
    std::string data = ReadFile(file.path());
    entry(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    ++inputs;
  }
  return inputs;
}

TEST(FuzzSeeds, ConfigParserSurvivesCorpus) {
  EXPECT_GE(RunOverDirectory(VSWITCH_CP_TESTDATA, FuzzConfigParser), 6);
  // Truncations of a good file: every prefix is a plausible broken config.
  std::string good = ReadFile(std::string(VSWITCH_CP_TESTDATA) + "/good.textproto");
  for (size_t n = 0; n <= good.size(); n += 7) FuzzConfigParser(reinterpret_cast<const uint8_t*>(good.data()), n);
}

TEST(FuzzSeeds, VsctlCommandLineSurvivesCorpus) {
  EXPECT_GE(RunOverDirectory(VSWITCH_VSCTL_TESTDATA, FuzzVsctlCommandLine), 5);
}

}  // namespace
}  // namespace vswitch::controlplane
