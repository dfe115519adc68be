#include "config/state_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_file.h"

namespace vswitch::controlplane {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "vswitch-cp-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(StateStore, SnapshotKeepsPortConfigsAndOnlyStaticMacs) {
  PortInfo port;
  port.config.name = "vm1";
  port.config.type = "vhost-user";
  port.config.options = {{"path", "/run/vm1.sock"}};
  port.config.admin_up = false;
  port.counters.rx_packets = 99;  // counters are not state
  std::vector<MacEntry> macs = {
      {.vlan = 1, .mac = "02:00:00:00:00:01", .port = "vm1", .is_static = true, .age_seconds = 0},
      {.vlan = 1, .mac = "02:00:00:00:00:02", .port = "vm1", .is_static = false, .age_seconds = 3},
  };
  v1::Config config = SnapshotConfig({port}, macs);
  ASSERT_EQ(config.ports_size(), 1);
  EXPECT_EQ(config.ports(0).name(), "vm1");
  EXPECT_EQ(config.ports(0).options().at("path"), "/run/vm1.sock");
  EXPECT_FALSE(config.ports(0).admin_up());
  ASSERT_EQ(config.static_macs_size(), 1);
  EXPECT_EQ(config.static_macs(0).mac(), "02:00:00:00:00:01");
  EXPECT_EQ(config.static_macs(0).port(), "vm1");
  EXPECT_EQ(config.static_macs(0).vlan(), 1u);
}

TEST(StateStore, AtomicWriteReplacesAndLeavesNoTemporaryFile) {
  TempDir dir;
  std::string path = dir.path() + "/state.textproto";
  ASSERT_TRUE(WriteFileAtomically(path, "first\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second\n").ok());
  EXPECT_EQ(ReadFile(path), "second\n");
  unsigned files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "state.textproto");
  }
  EXPECT_EQ(files, 1u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077 & ~0040, 0u) << "state must not be world-readable or group-writable";
}

TEST(StateStore, AtomicWriteIntoMissingDirectoryFailsNamingThePath) {
  Status status = WriteFileAtomically("/nonexistent-dir/state.textproto", "x");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("/nonexistent-dir/state.textproto"), std::string::npos) << status.message();
}

TEST(StateStore, DisabledStoreDoesNothing) {
  StateStore store("");
  EXPECT_FALSE(store.enabled());
  EXPECT_TRUE(store.Prepare().ok());
  v1::Config config;
  bool found = true;
  EXPECT_TRUE(store.Load(&config, &found).ok());
  EXPECT_FALSE(found);
}

TEST(StateStore, PrepareCreatesTheDirectoryAndMissingFileIsNotAnError) {
  TempDir dir;
  StateStore store(dir.path() + "/a/b");
  ASSERT_TRUE(store.Prepare().ok());
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/a/b"));
  v1::Config config;
  bool found = true;
  EXPECT_TRUE(store.Load(&config, &found).ok());
  EXPECT_FALSE(found);
}

TEST(StateStore, PrepareRejectsAFile) {
  TempDir dir;
  std::ofstream(dir.path() + "/file") << "x";
  StateStore store(dir.path() + "/file");
  Status status = store.Prepare();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find(dir.path() + "/file"), std::string::npos) << status.message();
}

TEST(StateStore, WrittenStateLoadsBack) {
  TempDir dir;
  StateStore store(dir.path());
  PortInfo port;
  port.config.name = "r1";
  port.config.type = "ring";
  v1::Config snapshot = SnapshotConfig({port}, {});
  ASSERT_TRUE(WriteFileAtomically(store.path(), ConfigToText(snapshot)).ok());
  v1::Config loaded;
  bool found = false;
  Status status = store.Load(&loaded, &found);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_TRUE(found);
  ASSERT_EQ(loaded.ports_size(), 1);
  EXPECT_EQ(loaded.ports(0).name(), "r1");
  EXPECT_TRUE(loaded.ports(0).admin_up());
}

TEST(StateStore, CorruptStateIsAnErrorNamingTheFile) {
  TempDir dir;
  StateStore store(dir.path());
  std::ofstream(store.path()) << "ports { nme: \"x\" }\n";
  v1::Config loaded;
  bool found = false;
  Status status = store.Load(&loaded, &found);
  EXPECT_TRUE(found);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find(store.path() + ": line 1"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace vswitch::controlplane
