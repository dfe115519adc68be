// TunnelService: the gRPC API for VXLAN networks, underlay neighbours and routes
// (vswitch.v1.Tunnels, tunnels.proto) as a thin adapter over vswitch::Switch, served by
// vswitchd on the same unix socket as the Vswitch service.
//
// Like VswitchService: each RPC checks the request's fields first (convert/tunnel_convert.h,
// so the words match the config file's), then makes one Switch call, which validates again
// and applies completely or not at all; after a successful change the state is persisted.
#pragma once

#include "config/state_store.h"
#include "switch/switch.h"
#include "vswitch/v1/tunnels.grpc.pb.h"

namespace vswitch::controlplane {

class TunnelService final : public v1::Tunnels::Service {
 public:
  // `state` may be null (persistence disabled). Both must outlive the service.
  TunnelService(Switch* sw, StateStore* state) : switch_(sw), state_(state) {}

  grpc::Status SetVni(grpc::ServerContext*, const v1::SetVniRequest*, v1::SetVniResponse*) override;
  grpc::Status DeleteVni(grpc::ServerContext*, const v1::DeleteVniRequest*, v1::DeleteVniResponse*) override;
  grpc::Status ListVnis(grpc::ServerContext*, const v1::ListVnisRequest*, v1::ListVnisResponse*) override;
  grpc::Status AddNeighbor(grpc::ServerContext*, const v1::AddNeighborRequest*, v1::AddNeighborResponse*) override;
  grpc::Status DeleteNeighbor(grpc::ServerContext*, const v1::DeleteNeighborRequest*,
                              v1::DeleteNeighborResponse*) override;
  grpc::Status ListNeighbors(grpc::ServerContext*, const v1::ListNeighborsRequest*,
                             v1::ListNeighborsResponse*) override;
  grpc::Status AddRoute(grpc::ServerContext*, const v1::AddRouteRequest*, v1::AddRouteResponse*) override;
  grpc::Status DeleteRoute(grpc::ServerContext*, const v1::DeleteRouteRequest*, v1::DeleteRouteResponse*) override;
  grpc::Status ListRoutes(grpc::ServerContext*, const v1::ListRoutesRequest*, v1::ListRoutesResponse*) override;

 private:
  // Persists after a successful mutation and passes the result through.
  grpc::Status Persisted(const Status& status);

  Switch* switch_;
  StateStore* state_;
};

}  // namespace vswitch::controlplane
