// The Tunnels service end to end in one process: a real Switch, the real server on a unix
// socket (with the Vswitch service beside it, as vswitchd runs them), real client stubs, and
// the state file both persist.
#include "service/tunnel_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "service/unix_socket_server.h"
#include "service/vswitch_service.h"

namespace vswitch::controlplane {
namespace {

// One unary call: `Call(stub, &Stub::Method, request, &response)`.
template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  return (stub->*method)(&context, request, response);
}

class TunnelServiceTest : public ::testing::Test {
 protected:
  using Tunnels = v1::Tunnels::Stub;
  using Vswitch = v1::Vswitch::Stub;

  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "vs-tun-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    SwitchOptions options;
    options.mbufs_per_socket = 4096;
    options.mac_table_size = 1024;
    Status status;
    switch_ = Switch::Create(options, &status);
    ASSERT_NE(switch_, nullptr) << status.message();
    state_ = std::make_unique<StateStore>(dir_ + "/state");
    ASSERT_TRUE(state_->Prepare().ok());
    vswitch_service_ = std::make_unique<VswitchService>(switch_.get(), state_.get());
    tunnel_service_ = std::make_unique<TunnelService>(switch_.get(), state_.get());
    std::string socket = dir_ + "/api.sock";
    status = StartUnixSocketServer(socket, {vswitch_service_.get(), tunnel_service_.get()}, &server_);
    ASSERT_TRUE(status.ok()) << status.message();
    auto channel = grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials());
    tunnels_ = v1::Tunnels::NewStub(channel);
    vswitch_ = v1::Vswitch::NewStub(channel);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    switch_.reset();
    std::filesystem::remove_all(dir_);
  }

  grpc::Status AddPort(const std::string& name, const std::string& type, std::map<std::string, std::string> options,
                       uint32_t vni = 0) {
    v1::AddPortRequest request;
    request.mutable_port()->set_name(name);
    request.mutable_port()->set_type(type);
    request.mutable_port()->mutable_options()->insert(options.begin(), options.end());
    request.mutable_port()->set_vni(vni);
    v1::AddPortResponse response;
    return Call(vswitch_.get(), &Vswitch::AddPort, request, &response);
  }

  // An uplink (a null device) and the VTEP over it.
  void AddVtep() {
    ASSERT_TRUE(AddPort("up0", "null", {}).ok());
    grpc::Status status = AddPort("vx0", "vxlan", {{"uplink", "up0"}, {"local-ip", "192.168.50.1"}});
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status SetVni(uint32_t vni, std::vector<std::string> remotes, v1::SetVniResponse* out = nullptr) {
    v1::SetVniRequest request;
    request.set_vni(vni);
    for (const std::string& remote : remotes) request.add_remotes(remote);
    v1::SetVniResponse response;
    return Call(tunnels_.get(), &Tunnels::SetVni, request, out ? out : &response);
  }

  v1::ListVnisResponse ListVnis() {
    v1::ListVnisResponse response;
    EXPECT_TRUE(Call(tunnels_.get(), &Tunnels::ListVnis, v1::ListVnisRequest(), &response).ok());
    return response;
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
  std::unique_ptr<VswitchService> vswitch_service_;
  std::unique_ptr<TunnelService> tunnel_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Tunnels> tunnels_;
  std::unique_ptr<Vswitch> vswitch_;
};

TEST_F(TunnelServiceTest, VniLifecycleIsPersisted) {
  ASSERT_TRUE(AddPort("c1", "null", {}, 100).ok());
  v1::SetVniResponse created;
  grpc::Status status = SetVni(100, {"192.168.50.2", "192.168.50.3"}, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.vni().vni(), 100u);
  EXPECT_EQ(created.vni().remotes_size(), 2);
  ASSERT_EQ(created.vni().ports_size(), 1);
  EXPECT_EQ(created.vni().ports(0), "c1") << "a port joins with Port.vni";
  ASSERT_TRUE(SetVni(200, {}).ok());

  v1::Config saved = SavedState();
  ASSERT_EQ(saved.vnis_size(), 2);
  EXPECT_EQ(saved.vnis(0).vni(), 100u);
  EXPECT_EQ(saved.vnis(0).remotes(1), "192.168.50.3");
  EXPECT_EQ(saved.vnis(0).ports_size(), 0) << "ports are reported, not state (Port.vni is)";
  EXPECT_EQ(saved.ports(0).vni(), 100u);

  // Setting an existing VNI replaces its flood list.
  ASSERT_TRUE(SetVni(100, {"192.168.50.4"}).ok());
  v1::ListVnisRequest one;
  one.set_vni(100);
  v1::ListVnisResponse listed;
  ASSERT_TRUE(Call(tunnels_.get(), &Tunnels::ListVnis, one, &listed).ok());
  ASSERT_EQ(listed.vnis_size(), 1);
  ASSERT_EQ(listed.vnis(0).remotes_size(), 1);
  EXPECT_EQ(listed.vnis(0).remotes(0), "192.168.50.4");
  EXPECT_EQ(SavedState().vnis(0).remotes_size(), 1);

  v1::DeleteVniRequest del;
  del.set_vni(200);
  v1::DeleteVniResponse deleted;
  ASSERT_TRUE(Call(tunnels_.get(), &Tunnels::DeleteVni, del, &deleted).ok());
  EXPECT_EQ(ListVnis().vnis_size(), 1);
  EXPECT_EQ(SavedState().vnis_size(), 1);

  status = Call(tunnels_.get(), &Tunnels::DeleteVni, del, &deleted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "vni 200 does not exist");
  one.set_vni(200);
  status = Call(tunnels_.get(), &Tunnels::ListVnis, one, &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "vni 200 does not exist");
}

TEST_F(TunnelServiceTest, BadRequestsNameTheFieldAndChangeNothing) {
  ASSERT_TRUE(SetVni(100, {"192.168.50.2"}).ok());
  const std::string before = SavedState().DebugString();

  grpc::Status status = SetVni(0, {});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "vni: 0 is out of range 1..16777215");
  status = SetVni(16777216, {});
  EXPECT_EQ(status.error_message(), "vni: 16777216 is out of range 1..16777215");
  // A bad second remote: the flood list keeps its old contents, nothing half-replaced.
  status = SetVni(100, {"192.168.50.9", "192.168.50"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "remotes[1]: '192.168.50' is not an IPv4 address");
  status = SetVni(300, {"192.168.50.9", "192.168.50.9"});
  EXPECT_EQ(status.error_message(), "remotes[1]: 192.168.50.9 is listed twice");
  v1::ListVnisResponse vnis = ListVnis();
  ASSERT_EQ(vnis.vnis_size(), 1) << "VNI 300 must not exist after a refused call";
  ASSERT_EQ(vnis.vnis(0).remotes_size(), 1);
  EXPECT_EQ(vnis.vnis(0).remotes(0), "192.168.50.2");

  v1::AddNeighborRequest neighbor;
  neighbor.set_ip("192.168.50.2");
  neighbor.set_mac("ff:ff:ff:ff:ff:ff");
  v1::AddNeighborResponse added;
  status = Call(tunnels_.get(), &Tunnels::AddNeighbor, neighbor, &added);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "mac: 'ff:ff:ff:ff:ff:ff' is not a unicast address");
  neighbor.set_ip("");
  neighbor.set_mac("02:00:00:00:00:01");
  status = Call(tunnels_.get(), &Tunnels::AddNeighbor, neighbor, &added);
  EXPECT_EQ(status.error_message(), "ip: is required (an IPv4 address)");

  v1::AddRouteRequest route;
  v1::AddRouteResponse route_added;
  status = Call(tunnels_.get(), &Tunnels::AddRoute, route, &route_added);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "route: is required");
  route.mutable_route()->set_prefix("10.20.0.1/16");
  route.mutable_route()->set_gateway("192.168.50.254");
  status = Call(tunnels_.get(), &Tunnels::AddRoute, route, &route_added);
  EXPECT_EQ(status.error_message(), "route: prefix: '10.20.0.1/16' has host bits set (did you mean 10.20.0.0/16?)");

  v1::DeleteRouteRequest del_route;
  del_route.set_prefix("10.20.0.0/16");
  v1::DeleteRouteResponse route_deleted;
  status = Call(tunnels_.get(), &Tunnels::DeleteRoute, del_route, &route_deleted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "no route 10.20.0.0/16");
  v1::DeleteNeighborRequest del_neighbor;
  del_neighbor.set_ip("192.168.50.77");
  v1::DeleteNeighborResponse neighbor_deleted;
  status = Call(tunnels_.get(), &Tunnels::DeleteNeighbor, del_neighbor, &neighbor_deleted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  EXPECT_EQ(SavedState().DebugString(), before) << "refused calls change nothing";
}

TEST_F(TunnelServiceTest, NeighborsAndRoutesArePersisted) {
  v1::AddNeighborRequest neighbor;
  neighbor.set_ip("192.168.50.2");
  neighbor.set_mac("02:00:00:00:50:02");
  v1::AddNeighborResponse added;
  ASSERT_TRUE(Call(tunnels_.get(), &Tunnels::AddNeighbor, neighbor, &added).ok());
  v1::ListNeighborsResponse neighbors;
  ASSERT_TRUE(Call(tunnels_.get(), &Tunnels::ListNeighbors, v1::ListNeighborsRequest(), &neighbors).ok());
  ASSERT_EQ(neighbors.neighbors_size(), 1);
  EXPECT_EQ(neighbors.neighbors(0).ip(), "192.168.50.2");
  EXPECT_EQ(neighbors.neighbors(0).mac(), "02:00:00:00:50:02");
  EXPECT_TRUE(neighbors.neighbors(0).is_static());

  v1::AddRouteRequest route;
  route.mutable_route()->set_prefix("10.20.0.0/16");
  route.mutable_route()->set_gateway("192.168.50.254");
  v1::AddRouteResponse route_added;
  ASSERT_TRUE(Call(tunnels_.get(), &Tunnels::AddRoute, route, &route_added).ok());
  route.mutable_route()->set_gateway("192.168.50.253");  // same prefix: replaced, not added
  ASSERT_TRUE(Call(tunnels_.get(), &Tunnels::AddRoute, route, &route_added).ok());
  v1::ListRoutesResponse routes;
  ASSERT_TRUE(Call(tunnels_.get(), &Tunnels::ListRoutes, v1::ListRoutesRequest(), &routes).ok());
  ASSERT_EQ(routes.routes_size(), 1);
  EXPECT_EQ(routes.routes(0).gateway(), "192.168.50.253");

  v1::Config saved = SavedState();
  ASSERT_EQ(saved.neighbors_size(), 1);
  EXPECT_EQ(saved.neighbors(0).mac(), "02:00:00:00:50:02");
  EXPECT_FALSE(saved.neighbors(0).is_static()) << "only ip and mac are state";
  ASSERT_EQ(saved.routes_size(), 1);
  EXPECT_EQ(saved.routes(0).prefix(), "10.20.0.0/16");
  EXPECT_EQ(saved.routes(0).gateway(), "192.168.50.253");

  v1::DeleteNeighborRequest del_neighbor;
  del_neighbor.set_ip("192.168.50.2");
  v1::DeleteNeighborResponse neighbor_deleted;
  ASSERT_TRUE(Call(tunnels_.get(), &Tunnels::DeleteNeighbor, del_neighbor, &neighbor_deleted).ok());
  v1::DeleteRouteRequest del_route;
  del_route.set_prefix("10.20.0.0/16");
  v1::DeleteRouteResponse route_deleted;
  ASSERT_TRUE(Call(tunnels_.get(), &Tunnels::DeleteRoute, del_route, &route_deleted).ok());
  saved = SavedState();
  EXPECT_EQ(saved.neighbors_size(), 0);
  EXPECT_EQ(saved.routes_size(), 0);
}

TEST_F(TunnelServiceTest, RemoteStaticMacThroughTheVswitchService) {
  AddVtep();
  ASSERT_TRUE(SetVni(100, {}).ok());
  v1::AddStaticMacRequest mac;
  mac.set_mac("02:00:00:00:00:07");
  mac.set_port("vx0");
  mac.set_vni(100);
  v1::AddStaticMacResponse added;
  // Behind a VTEP the entry needs the remote's address.
  grpc::Status status = Call(vswitch_.get(), &Vswitch::AddStaticMac, mac, &added);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("needs remote_ip"), std::string::npos) << status.error_message();
  mac.set_remote_ip("192.168.50");
  status = Call(vswitch_.get(), &Vswitch::AddStaticMac, mac, &added);
  EXPECT_EQ(status.error_message(), "remote_ip: '192.168.50' is not an IPv4 address");
  mac.set_remote_ip("192.168.50.2");
  status = Call(vswitch_.get(), &Vswitch::AddStaticMac, mac, &added);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // On a local port, remote_ip makes no sense.
  v1::AddStaticMacRequest local = mac;
  local.set_port("up0");
  local.set_vni(0);
  status = Call(vswitch_.get(), &Vswitch::AddStaticMac, local, &added);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListMacsResponse macs;
  ASSERT_TRUE(Call(vswitch_.get(), &Vswitch::ListMacs, v1::ListMacsRequest(), &macs).ok());
  ASSERT_EQ(macs.entries_size(), 1);
  EXPECT_EQ(macs.entries(0).port(), "vx0");
  EXPECT_EQ(macs.entries(0).vni(), 100u);
  EXPECT_EQ(macs.entries(0).remote_ip(), "192.168.50.2");
  v1::Config saved = SavedState();
  ASSERT_EQ(saved.static_macs_size(), 1);
  EXPECT_EQ(saved.static_macs(0).vni(), 100u);
  EXPECT_EQ(saved.static_macs(0).remote_ip(), "192.168.50.2");
  ASSERT_EQ(saved.ports_size(), 2);
  EXPECT_EQ(saved.ports(1).type(), "vxlan");

  // The entry lives in VNI 100's domain: deleting it in the default domain finds nothing.
  v1::DeleteMacRequest del;
  del.set_mac("02:00:00:00:00:07");
  v1::DeleteMacResponse deleted;
  status = Call(vswitch_.get(), &Vswitch::DeleteMac, del, &deleted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  del.set_vni(100);
  status = Call(vswitch_.get(), &Vswitch::DeleteMac, del, &deleted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(SavedState().static_macs_size(), 0);
}

}  // namespace
}  // namespace vswitch::controlplane
