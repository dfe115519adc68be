// FlowService: the gRPC API for flow tables and meters (vswitch.v1.FlowTables, flows.proto)
// as a thin adapter over vswitch::Switch, beside VswitchService on the same server.
//
// Rules and meters are passed through as text; the Switch parses, validates and applies each
// call completely or not at all, and its error message (which names the flow-mod index and
// the token or field) goes to the client word for word. A refused ModifyFlows also carries
// the index as a FlowModError in the status's binary details. After every successful change
// the state is persisted (flows and meters with the ports, see config/flow_config.h).
#pragma once

#include "config/state_store.h"
#include "switch/switch.h"
#include "vswitch/v1/flows.grpc.pb.h"

namespace vswitch::controlplane {

class FlowService final : public v1::FlowTables::Service {
 public:
  // `state` may be null (persistence disabled). Both must outlive the service.
  FlowService(Switch* sw, StateStore* state) : switch_(sw), state_(state) {}

  grpc::Status ModifyFlows(grpc::ServerContext*, const v1::ModifyFlowsRequest*, v1::ModifyFlowsResponse*) override;
  grpc::Status DumpFlows(grpc::ServerContext*, const v1::DumpFlowsRequest*, v1::DumpFlowsResponse*) override;
  grpc::Status GetTableStats(grpc::ServerContext*, const v1::GetTableStatsRequest*,
                             v1::GetTableStatsResponse*) override;
  grpc::Status Trace(grpc::ServerContext*, const v1::TraceRequest*, v1::TraceResponse*) override;
  grpc::Status AddMeter(grpc::ServerContext*, const v1::AddMeterRequest*, v1::AddMeterResponse*) override;
  grpc::Status ModifyMeter(grpc::ServerContext*, const v1::ModifyMeterRequest*, v1::ModifyMeterResponse*) override;
  grpc::Status DeleteMeters(grpc::ServerContext*, const v1::DeleteMetersRequest*, v1::DeleteMetersResponse*) override;
  grpc::Status DumpMeters(grpc::ServerContext*, const v1::DumpMetersRequest*, v1::DumpMetersResponse*) override;

 private:
  // Persists after a successful change and passes the result through.
  grpc::Status Persisted(const Status& status);

  Switch* switch_;
  StateStore* state_;
};

}  // namespace vswitch::controlplane
