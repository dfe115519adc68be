#include "service/flow_service.h"

#include <cstdio>

#include "convert/flow_convert.h"
#include "service/grpc_status.h"

namespace vswitch::controlplane {

grpc::Status FlowService::Persisted(const Status& status) {
  if (status.ok() && state_ != nullptr) {
    Status saved = state_->Save(*switch_);
    if (!saved.ok()) std::fprintf(stderr, "vswitchd: warning: state not saved: %s\n", saved.message().c_str());
  }
  return ToGrpcStatus(status);
}

namespace {

// A refused batch: the message as the Switch words it, and the index as a FlowModError in
// the binary details so clients need not parse the message.
grpc::Status RefusedBatch(const Status& status, size_t index) {
  v1::FlowModError error;
  error.set_index(static_cast<uint32_t>(index));
  error.set_message(status.message());
  return grpc::Status(ToGrpcCode(status.code()), status.message(), error.SerializeAsString());
}

}  // namespace

grpc::Status FlowService::ModifyFlows(grpc::ServerContext*, const v1::ModifyFlowsRequest* request,
                                      v1::ModifyFlowsResponse* response) {
  std::vector<FlowModView> mods;  // borrow the request's texts
  size_t bad_index = 0;
  if (Status converted = FlowModsFromProto(*request, &mods, &bad_index); !converted.ok()) {
    return RefusedBatch(converted, bad_index);
  }
  // The store is held across the commit and its journal record: records in commit order.
  std::unique_lock<std::mutex> persisting;
  if (state_ != nullptr) persisting = state_->Lock();
  FlowModResult result;
  Status status = switch_->ModifyFlows(std::span<const FlowModView>(mods), &result);
  if (!status.ok()) return RefusedBatch(status, result.error_index);
  *response = FlowModResultToProto(result);
  if (state_ != nullptr) {
    Status recorded = state_->RecordFlowBatch(*switch_, mods);
    if (!recorded.ok()) std::fprintf(stderr, "vswitchd: warning: state not saved: %s\n", recorded.message().c_str());
  }
  return grpc::Status::OK;
}

grpc::Status FlowService::DumpFlows(grpc::ServerContext*, const v1::DumpFlowsRequest* request,
                                    v1::DumpFlowsResponse* response) {
  std::vector<FlowEntry> flows;
  Status status = switch_->DumpFlows(request->filter(), &flows);
  if (!status.ok()) return ToGrpcStatus(status.WithContext("filter"));
  for (const FlowEntry& flow : flows) *response->add_flows() = FlowEntryToProto(flow);
  return grpc::Status::OK;
}

grpc::Status FlowService::GetTableStats(grpc::ServerContext*, const v1::GetTableStatsRequest*,
                                        v1::GetTableStatsResponse* response) {
  for (const TableStats& table : switch_->GetTableStats()) *response->add_tables() = TableStatsToProto(table);
  return grpc::Status::OK;
}

grpc::Status FlowService::Trace(grpc::ServerContext*, const v1::TraceRequest* request, v1::TraceResponse* response) {
  if (request->flow().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "flow: is required (e.g. in_port=vm1,tcp,tp_dst=80)");
  }
  std::string report;
  Status status = switch_->Trace(request->flow(), &report);
  if (!status.ok()) return ToGrpcStatus(status.WithContext("flow"));
  response->set_report(report);
  return grpc::Status::OK;
}

grpc::Status FlowService::AddMeter(grpc::ServerContext*, const v1::AddMeterRequest* request, v1::AddMeterResponse*) {
  return Persisted(switch_->AddMeter(request->text()));
}

grpc::Status FlowService::ModifyMeter(grpc::ServerContext*, const v1::ModifyMeterRequest* request,
                                      v1::ModifyMeterResponse*) {
  return Persisted(switch_->ModifyMeter(request->text()));
}

grpc::Status FlowService::DeleteMeters(grpc::ServerContext*, const v1::DeleteMetersRequest* request,
                                       v1::DeleteMetersResponse*) {
  return Persisted(switch_->DeleteMeter(request->selector()));
}

grpc::Status FlowService::DumpMeters(grpc::ServerContext*, const v1::DumpMetersRequest* request,
                                     v1::DumpMetersResponse* response) {
  std::vector<MeterInfo> meters;
  Status status = switch_->ListMeters(request->selector(), &meters);
  if (!status.ok()) return ToGrpcStatus(status);
  for (const MeterInfo& meter : meters) *response->add_meters() = MeterToProto(meter);
  return grpc::Status::OK;
}

}  // namespace vswitch::controlplane
