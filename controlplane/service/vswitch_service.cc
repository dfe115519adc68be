#include "service/vswitch_service.h"

#include <cstdio>

#include "convert/port_convert.h"
#include "convert/switch_convert.h"
#include "convert/tunnel_convert.h"
#include "service/grpc_status.h"

namespace vswitch::controlplane {

grpc::Status VswitchService::Persisted(const Status& status) {
  if (status.ok() && state_ != nullptr) {
    Status saved = state_->Save(*switch_);
    if (!saved.ok()) std::fprintf(stderr, "vswitchd: warning: state not saved: %s\n", saved.message().c_str());
  }
  return ToGrpcStatus(status);
}

grpc::Status VswitchService::AddPort(grpc::ServerContext*, const v1::AddPortRequest* request,
                                     v1::AddPortResponse* response) {
  if (!request->has_port()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "port: is required");
  PortConfig config;
  Status status = PortFromProto(request->port(), &config);
  if (!status.ok()) return ToGrpcStatus(status.WithContext("port '" + request->port().name() + "'"));
  PortInfo info;
  status = switch_->AddPort(config, &info);
  if (status.ok()) *response->mutable_port() = PortStatusToProto(info);
  return Persisted(status);
}

grpc::Status VswitchService::DeletePort(grpc::ServerContext*, const v1::DeletePortRequest* request,
                                        v1::DeletePortResponse*) {
  return Persisted(switch_->DeletePort(request->name()));
}

grpc::Status VswitchService::SetPortAdmin(grpc::ServerContext*, const v1::SetPortAdminRequest* request,
                                          v1::SetPortAdminResponse*) {
  return Persisted(switch_->SetPortAdmin(request->name(), request->up()));
}

grpc::Status VswitchService::ListPorts(grpc::ServerContext*, const v1::ListPortsRequest* request,
                                       v1::ListPortsResponse* response) {
  if (!request->name().empty()) {
    PortInfo info;
    Status status = switch_->GetPort(request->name(), &info);
    if (!status.ok()) return ToGrpcStatus(status);
    *response->add_ports() = PortStatusToProto(info);
    return grpc::Status::OK;
  }
  for (const PortInfo& info : switch_->ListPorts()) *response->add_ports() = PortStatusToProto(info);
  return grpc::Status::OK;
}

grpc::Status VswitchService::ListMacs(grpc::ServerContext*, const v1::ListMacsRequest*,
                                      v1::ListMacsResponse* response) {
  for (const MacEntry& entry : switch_->ListMacs()) *response->add_entries() = MacEntryToProto(entry);
  return grpc::Status::OK;
}

grpc::Status VswitchService::AddStaticMac(grpc::ServerContext*, const v1::AddStaticMacRequest* request,
                                          v1::AddStaticMacResponse*) {
  Status status = CheckMacEntryFields(request->vlan(), request->mac());
  if (status.ok()) status = CheckMacTunnelFields(request->vni(), request->remote_ip());
  if (!status.ok()) return ToGrpcStatus(status);
  return Persisted(switch_->AddStaticMac(static_cast<uint16_t>(request->vlan()), request->mac(), request->port(),
                                         request->vni(), request->remote_ip()));
}

grpc::Status VswitchService::DeleteMac(grpc::ServerContext*, const v1::DeleteMacRequest* request,
                                       v1::DeleteMacResponse*) {
  Status status = CheckMacEntryFields(request->vlan(), request->mac());
  if (status.ok()) status = CheckMacTunnelFields(request->vni(), "");
  if (!status.ok()) return ToGrpcStatus(status);
  return Persisted(switch_->DeleteMac(static_cast<uint16_t>(request->vlan()), request->mac(), request->vni()));
}

grpc::Status VswitchService::FlushMacs(grpc::ServerContext*, const v1::FlushMacsRequest* request,
                                       v1::FlushMacsResponse*) {
  // Learned entries are not persisted, so there is nothing to save.
  return ToGrpcStatus(switch_->FlushMacs(request->port()));
}

grpc::Status VswitchService::GetWorkerStats(grpc::ServerContext*, const v1::GetWorkerStatsRequest*,
                                            v1::GetWorkerStatsResponse* response) {
  for (const WorkerStats& stats : switch_->GetWorkerStats()) *response->add_workers() = WorkerStatsToProto(stats);
  *response->mutable_switch_stats() = SwitchStatsToProto(switch_->GetStats());
  return grpc::Status::OK;
}

grpc::Status VswitchService::GetVersion(grpc::ServerContext*, const v1::GetVersionRequest*,
                                        v1::GetVersionResponse* response) {
  response->set_version(VersionString());
  response->set_workers(switch_->worker_count());
  return grpc::Status::OK;
}

}  // namespace vswitch::controlplane
