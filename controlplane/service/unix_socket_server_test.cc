#include "service/unix_socket_server.h"

#include "service/vswitch_service.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace vswitch::controlplane {
namespace {

class SocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "vs-sock-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A unix socket bound at `path`; listening or not (a crashed daemon's leftover).
  int BindSocket(const std::string& path, bool listen) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0) << std::strerror(errno);
    if (listen) {
      EXPECT_EQ(::listen(fd, 1), 0);
    }
    return fd;
  }

  std::string dir_;
};

TEST_F(SocketTest, MissingSocketIsFineAndParentIsCreated) {
  std::string path = dir_ + "/run/vswitch/api.sock";
  ASSERT_TRUE(PrepareUnixSocket(path).ok());
  EXPECT_TRUE(std::filesystem::is_directory(dir_ + "/run/vswitch"));
}

TEST_F(SocketTest, StaleSocketIsRemoved) {
  std::string path = dir_ + "/api.sock";
  ::close(BindSocket(path, /*listen=*/false));
  ASSERT_TRUE(std::filesystem::exists(path));
  Status status = PrepareUnixSocket(path);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(SocketTest, LiveSocketIsRefused) {
  std::string path = dir_ + "/api.sock";
  int fd = BindSocket(path, /*listen=*/true);
  Status status = PrepareUnixSocket(path);
  EXPECT_EQ(status.message(), "socket " + path + " is in use by another vswitchd");
  EXPECT_TRUE(std::filesystem::exists(path)) << "a live daemon's socket must be left alone";
  ::close(fd);
}

TEST_F(SocketTest, RegularFileIsRefused) {
  std::string path = dir_ + "/api.sock";
  std::ofstream(path) << "not a socket";
  Status status = PrepareUnixSocket(path);
  EXPECT_EQ(status.message(), "socket path " + path + " exists and is not a socket");
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(SocketTest, OverlongPathIsRefused) {
  Status status = PrepareUnixSocket("/" + std::string(200, 'x'));
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("too long"), std::string::npos);
}

TEST_F(SocketTest, ServerListensWithMode0660AndASecondOneIsRefused) {
  std::string path = dir_ + "/sub/api.sock";
  // gRPC refuses to start a server without services; this one is never called here.
  VswitchService service(nullptr, nullptr);
  std::unique_ptr<grpc::Server> server;
  Status status = StartUnixSocketServer(path, {&service}, &server);
  ASSERT_TRUE(status.ok()) << status.message();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0660u);

  std::unique_ptr<grpc::Server> second;
  Status again = StartUnixSocketServer(path, {&service}, &second);
  EXPECT_EQ(again.message(), "socket " + path + " is in use by another vswitchd");
  EXPECT_EQ(second, nullptr);
  server->Shutdown();
}

}  // namespace
}  // namespace vswitch::controlplane
