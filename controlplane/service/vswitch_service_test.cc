// The gRPC service end to end in one process: a real Switch, the real server on a unix
// socket, a real client stub, and the state file it persists.
#include "service/vswitch_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "config/config_file.h"
#include "service/unix_socket_server.h"

namespace vswitch::controlplane {
namespace {

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "vs-svc-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    SwitchOptions options;
    options.mbufs_per_socket = 4096;
    options.mac_table_size = 1024;
    Status status;
    switch_ = Switch::Create(options, &status);
    ASSERT_NE(switch_, nullptr) << status.message();
    state_ = std::make_unique<StateStore>(dir_ + "/state");
    ASSERT_TRUE(state_->Prepare().ok());
    service_ = std::make_unique<VswitchService>(switch_.get(), state_.get());
    std::string socket = dir_ + "/api.sock";
    status = StartUnixSocketServer(socket, {service_.get()}, &server_);
    ASSERT_TRUE(status.ok()) << status.message();
    stub_ = v1::Vswitch::NewStub(grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    switch_.reset();
    std::filesystem::remove_all(dir_);
  }

  grpc::Status AddPort(const std::string& name, const std::string& type,
                       std::map<std::string, std::string> options = {}, v1::AddPortResponse* out = nullptr) {
    v1::AddPortRequest request;
    request.mutable_port()->set_name(name);
    request.mutable_port()->set_type(type);
    request.mutable_port()->mutable_options()->insert(options.begin(), options.end());
    v1::AddPortResponse response;
    grpc::ClientContext context;
    return stub_->AddPort(&context, request, out ? out : &response);
  }

  v1::Config SavedState() {
    v1::Config config;
    bool found = false;
    EXPECT_TRUE(state_->Load(&config, &found).ok());
    EXPECT_TRUE(found);
    return config;
  }

  std::string dir_;
  std::unique_ptr<Switch> switch_;
  std::unique_ptr<StateStore> state_;
  std::unique_ptr<VswitchService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Vswitch::Stub> stub_;
};

TEST_F(ServiceTest, AddListDeleteWithPersistence) {
  v1::AddPortResponse added;
  grpc::Status status = AddPort("n1", "null", {{"no-rx", "1"}}, &added);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(added.port().name(), "n1");
  EXPECT_GT(added.port().port_no(), 0u);
  EXPECT_TRUE(added.port().config().admin_up());
  ASSERT_TRUE(AddPort("r1", "ring").ok());

  v1::Config saved = SavedState();
  ASSERT_EQ(saved.ports_size(), 2);
  EXPECT_EQ(saved.ports(0).name(), "n1");
  EXPECT_EQ(saved.ports(0).options().at("no-rx"), "1");

  v1::ListPortsResponse list;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListPorts(&context, v1::ListPortsRequest(), &list).ok());
  }
  ASSERT_EQ(list.ports_size(), 2);
  EXPECT_GT(list.ports(0).counters().drops_size(), 0) << "every drop reason is listed, zeros included";

  v1::ListPortsRequest one;
  one.set_name("r1");
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListPorts(&context, one, &list).ok());
  }
  ASSERT_EQ(list.ports_size(), 1);
  EXPECT_EQ(list.ports(0).config().type(), "ring");

  v1::DeletePortRequest del;
  del.set_name("n1");
  v1::DeletePortResponse deleted;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->DeletePort(&context, del, &deleted).ok());
  }
  saved = SavedState();
  ASSERT_EQ(saved.ports_size(), 1);
  EXPECT_EQ(saved.ports(0).name(), "r1");
}

TEST_F(ServiceTest, ErrorsCarryCodeAndMessage) {
  ASSERT_TRUE(AddPort("n1", "null").ok());
  grpc::Status duplicate = AddPort("n1", "ring");
  EXPECT_EQ(duplicate.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(duplicate.error_message(), "port 'n1' already exists");

  grpc::Status bad_option = AddPort("x", "null", {{"bogus", "1"}});
  EXPECT_EQ(bad_option.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad_option.error_message().find("option 'bogus'"), std::string::npos) << bad_option.error_message();

  v1::AddPortRequest empty;
  v1::AddPortResponse response;
  grpc::ClientContext context;
  grpc::Status missing = stub_->AddPort(&context, empty, &response);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(missing.error_message(), "port: is required");

  v1::DeletePortRequest del;
  del.set_name("nope");
  v1::DeletePortResponse deleted;
  grpc::ClientContext del_context;
  grpc::Status unknown = stub_->DeletePort(&del_context, del, &deleted);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(unknown.error_message(), "port 'nope' does not exist");

  v1::Config saved = SavedState();
  EXPECT_EQ(saved.ports_size(), 1) << "failed calls change nothing";
}

TEST_F(ServiceTest, StaticMacsAndAdminStatePersist) {
  ASSERT_TRUE(AddPort("r1", "ring").ok());
  v1::AddStaticMacRequest mac;
  mac.set_vlan(5);
  mac.set_mac("02:00:00:00:00:05");
  mac.set_port("r1");
  v1::AddStaticMacResponse mac_response;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->AddStaticMac(&context, mac, &mac_response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  v1::SetPortAdminRequest admin;
  admin.set_name("r1");
  admin.set_up(false);
  v1::SetPortAdminResponse admin_response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->SetPortAdmin(&context, admin, &admin_response).ok());
  }
  v1::Config saved = SavedState();
  ASSERT_EQ(saved.ports_size(), 1);
  EXPECT_FALSE(saved.ports(0).admin_up());
  ASSERT_EQ(saved.static_macs_size(), 1);
  EXPECT_EQ(saved.static_macs(0).vlan(), 5u);

  v1::ListMacsResponse macs;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListMacs(&context, v1::ListMacsRequest(), &macs).ok());
  }
  ASSERT_EQ(macs.entries_size(), 1);
  EXPECT_TRUE(macs.entries(0).is_static());

  mac.set_vlan(7000);
  grpc::ClientContext bad_context;
  grpc::Status bad_vlan = stub_->AddStaticMac(&bad_context, mac, &mac_response);
  EXPECT_EQ(bad_vlan.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad_vlan.error_message(), "vlan: 7000 is out of range 0..4095");

  v1::DeleteMacRequest del;
  del.set_vlan(5);
  del.set_mac("02:00:00:00:00:05");
  v1::DeleteMacResponse del_response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->DeleteMac(&context, del, &del_response).ok());
  }
  EXPECT_EQ(SavedState().static_macs_size(), 0);
}

TEST_F(ServiceTest, VersionAndWorkerStats) {
  v1::GetVersionResponse version;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->GetVersion(&context, v1::GetVersionRequest(), &version).ok());
  }
  EXPECT_EQ(version.version(), VersionString());
  EXPECT_EQ(version.workers(), 1u);
  v1::GetWorkerStatsResponse stats;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->GetWorkerStats(&context, v1::GetWorkerStatsRequest(), &stats).ok());
  }
  ASSERT_EQ(stats.workers_size(), 1);
  EXPECT_EQ(stats.workers(0).lcore(), 1u);
}

}  // namespace
}  // namespace vswitch::controlplane
