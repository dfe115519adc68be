// VswitchService: the gRPC API (vswitch.v1.Vswitch) as a thin adapter over vswitch::Switch.
//
// Each RPC converts the request (convert/), calls the Switch, and converts the result back;
// the Switch does all validation and keeps its own locking, so RPCs may run concurrently on
// gRPC's thread pool. After every successful mutating RPC the state is persisted
// (StateStore); a persistence failure does not undo the change, it is logged on stderr.
#pragma once

#include "config/state_store.h"
#include "switch/switch.h"
#include "vswitch/v1/vswitch.grpc.pb.h"

namespace vswitch::controlplane {

class VswitchService final : public v1::Vswitch::Service {
 public:
  // `state` may be null (persistence disabled). Both must outlive the service.
  VswitchService(Switch* sw, StateStore* state) : switch_(sw), state_(state) {}

  grpc::Status AddPort(grpc::ServerContext*, const v1::AddPortRequest*, v1::AddPortResponse*) override;
  grpc::Status DeletePort(grpc::ServerContext*, const v1::DeletePortRequest*, v1::DeletePortResponse*) override;
  grpc::Status SetPortAdmin(grpc::ServerContext*, const v1::SetPortAdminRequest*, v1::SetPortAdminResponse*) override;
  grpc::Status ListPorts(grpc::ServerContext*, const v1::ListPortsRequest*, v1::ListPortsResponse*) override;
  grpc::Status ListMacs(grpc::ServerContext*, const v1::ListMacsRequest*, v1::ListMacsResponse*) override;
  grpc::Status AddStaticMac(grpc::ServerContext*, const v1::AddStaticMacRequest*, v1::AddStaticMacResponse*) override;
  grpc::Status DeleteMac(grpc::ServerContext*, const v1::DeleteMacRequest*, v1::DeleteMacResponse*) override;
  grpc::Status FlushMacs(grpc::ServerContext*, const v1::FlushMacsRequest*, v1::FlushMacsResponse*) override;
  grpc::Status GetWorkerStats(grpc::ServerContext*, const v1::GetWorkerStatsRequest*,
                              v1::GetWorkerStatsResponse*) override;
  grpc::Status GetVersion(grpc::ServerContext*, const v1::GetVersionRequest*, v1::GetVersionResponse*) override;

 private:
  // Persists after a successful mutation and passes the result through.
  grpc::Status Persisted(const Status& status);

  Switch* switch_;
  StateStore* state_;
};

}  // namespace vswitch::controlplane
