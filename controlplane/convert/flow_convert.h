// Conversion of the flow-table and meter types (FlowTables service, flows.proto) between
// vswitch.v1 and the dataplane's C++ API. Rules and meters stay text on both sides (the
// dataplane owns their grammar); only the records around them are translated here.
#pragma once

#include <vector>

#include "common/status.h"
#include "switch/switch.h"
#include "vswitch/v1/flows.pb.h"

namespace vswitch::controlplane {

// The batch of a ModifyFlowsRequest: its mods, then one ADD per line of add_lines. Fails
// (naming mods[i].command, i in *error_index) only for a command number this build does not
// know. The views borrow the request's texts, so it must outlive them.
Status FlowModsFromProto(const v1::ModifyFlowsRequest& request, std::vector<FlowModView>* out,
                         size_t* error_index);

// Every rule text as an add, in order: how the config file and the state file install flows.
std::vector<FlowModRequest> AddFlowMods(const google::protobuf::RepeatedPtrField<std::string>& rules);

v1::FlowEntry FlowEntryToProto(const FlowEntry& entry);
v1::TableStats TableStatsToProto(const TableStats& stats);
v1::ModifyFlowsResponse FlowModResultToProto(const FlowModResult& result);
v1::Meter MeterToProto(const MeterInfo& meter);

}  // namespace vswitch::controlplane
