#include "service/tunnel_service.h"

#include <cstdio>
#include <string>
#include <vector>

#include "convert/tunnel_convert.h"
#include "service/grpc_status.h"

namespace vswitch::controlplane {

grpc::Status TunnelService::Persisted(const Status& status) {
  if (status.ok() && state_ != nullptr) {
    Status saved = state_->Save(*switch_);
    if (!saved.ok()) std::fprintf(stderr, "vswitchd: warning: state not saved: %s\n", saved.message().c_str());
  }
  return ToGrpcStatus(status);
}

grpc::Status TunnelService::SetVni(grpc::ServerContext*, const v1::SetVniRequest* request,
                                   v1::SetVniResponse* response) {
  Status status = CheckVniNumber(request->vni());
  if (status.ok()) status = CheckVniRemotes(request->remotes());
  if (!status.ok()) return ToGrpcStatus(status);
  std::vector<std::string> remotes(request->remotes().begin(), request->remotes().end());
  status = switch_->SetVni(request->vni(), remotes);
  if (status.ok()) {
    for (const VniInfo& info : switch_->ListVnis()) {
      if (info.vni == request->vni()) *response->mutable_vni() = VniToProto(info);
    }
  }
  return Persisted(status);
}

grpc::Status TunnelService::DeleteVni(grpc::ServerContext*, const v1::DeleteVniRequest* request,
                                      v1::DeleteVniResponse*) {
  if (Status status = CheckVniNumber(request->vni()); !status.ok()) return ToGrpcStatus(status);
  return Persisted(switch_->DeleteVni(request->vni()));
}

grpc::Status TunnelService::ListVnis(grpc::ServerContext*, const v1::ListVnisRequest* request,
                                     v1::ListVnisResponse* response) {
  for (const VniInfo& info : switch_->ListVnis()) {
    if (request->vni() == 0 || info.vni == request->vni()) *response->add_vnis() = VniToProto(info);
  }
  if (request->vni() != 0 && response->vnis_size() == 0) {
    return ToGrpcStatus(Status::NotFound("vni " + std::to_string(request->vni()) + " does not exist"));
  }
  return grpc::Status::OK;
}

grpc::Status TunnelService::AddNeighbor(grpc::ServerContext*, const v1::AddNeighborRequest* request,
                                        v1::AddNeighborResponse*) {
  if (Status status = CheckNeighborFields(request->ip(), request->mac()); !status.ok()) return ToGrpcStatus(status);
  return Persisted(switch_->AddNeighbor(request->ip(), request->mac()));
}

grpc::Status TunnelService::DeleteNeighbor(grpc::ServerContext*, const v1::DeleteNeighborRequest* request,
                                           v1::DeleteNeighborResponse*) {
  if (Status status = CheckIpv4Field("ip", request->ip()); !status.ok()) return ToGrpcStatus(status);
  return Persisted(switch_->DeleteNeighbor(request->ip()));
}

grpc::Status TunnelService::ListNeighbors(grpc::ServerContext*, const v1::ListNeighborsRequest*,
                                          v1::ListNeighborsResponse* response) {
  for (const NeighborInfo& info : switch_->ListNeighbors()) *response->add_neighbors() = NeighborToProto(info);
  return grpc::Status::OK;
}

grpc::Status TunnelService::AddRoute(grpc::ServerContext*, const v1::AddRouteRequest* request,
                                     v1::AddRouteResponse*) {
  if (!request->has_route()) return ToGrpcStatus(Status::InvalidArgument("route: is required"));
  const v1::Route& route = request->route();
  if (Status status = CheckRouteFields(route.prefix(), route.gateway()); !status.ok()) {
    return ToGrpcStatus(status.WithContext("route"));
  }
  return Persisted(switch_->AddRoute(route.prefix(), route.gateway()));
}

grpc::Status TunnelService::DeleteRoute(grpc::ServerContext*, const v1::DeleteRouteRequest* request,
                                        v1::DeleteRouteResponse*) {
  if (Status status = CheckRoutePrefix(request->prefix()); !status.ok()) return ToGrpcStatus(status);
  return Persisted(switch_->DeleteRoute(request->prefix()));
}

grpc::Status TunnelService::ListRoutes(grpc::ServerContext*, const v1::ListRoutesRequest*,
                                       v1::ListRoutesResponse* response) {
  for (const RouteInfo& info : switch_->ListRoutes()) *response->add_routes() = RouteToProto(info);
  return grpc::Status::OK;
}

}  // namespace vswitch::controlplane
