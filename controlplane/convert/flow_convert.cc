#include "convert/flow_convert.h"

#include <algorithm>
#include <string_view>

namespace vswitch::controlplane {

namespace {

bool CommandFromProto(v1::FlowMod::Command command, FlowModRequest::Command* out) {
  switch (command) {
    case v1::FlowMod::ADD: *out = FlowModRequest::Command::kAdd; return true;
    case v1::FlowMod::MODIFY: *out = FlowModRequest::Command::kModify; return true;
    case v1::FlowMod::MODIFY_STRICT: *out = FlowModRequest::Command::kModifyStrict; return true;
    case v1::FlowMod::DELETE: *out = FlowModRequest::Command::kDelete; return true;
    case v1::FlowMod::DELETE_STRICT: *out = FlowModRequest::Command::kDeleteStrict; return true;
    default: return false;  // an unknown number from a newer client
  }
}

}  // namespace

Status FlowModsFromProto(const v1::ModifyFlowsRequest& request, std::vector<FlowModView>* out,
                         size_t* error_index) {
  const auto& mods = request.mods();
  const std::string_view lines = request.add_lines();
  out->clear();
  out->reserve(static_cast<size_t>(mods.size()) + static_cast<size_t>(std::count(lines.begin(), lines.end(), '\n')) + 1);
  for (int i = 0; i < mods.size(); ++i) {
    FlowModView view;
    if (!CommandFromProto(mods[i].command(), &view.command)) {
      *error_index = static_cast<size_t>(i);
      return Status::InvalidArgument("mods[" + std::to_string(i) + "].command: unknown command " +
                                     std::to_string(static_cast<int>(mods[i].command())));
    }
    view.text = mods[i].text();
    out->push_back(view);
  }
  for (size_t start = 0; start < lines.size();) {
    size_t end = lines.find('\n', start);
    if (end == std::string_view::npos) end = lines.size();
    out->push_back({FlowModRequest::Command::kAdd, lines.substr(start, end - start)});
    start = end + 1;
  }
  return Status::Ok();
}

std::vector<FlowModRequest> AddFlowMods(const google::protobuf::RepeatedPtrField<std::string>& rules) {
  std::vector<FlowModRequest> mods;
  mods.reserve(static_cast<size_t>(rules.size()));
  for (const std::string& rule : rules) mods.push_back({FlowModRequest::Command::kAdd, rule});
  return mods;
}

v1::FlowEntry FlowEntryToProto(const FlowEntry& entry) {
  v1::FlowEntry out;
  out.set_text(entry.text);
  out.set_table(entry.table);
  out.set_priority(entry.priority);
  out.set_cookie(entry.cookie);
  out.set_n_packets(entry.packets);
  out.set_n_bytes(entry.bytes);
  out.set_duration_ms(entry.duration_ms);
  out.set_idle_age_ms(entry.idle_age_ms);
  out.set_idle_timeout(entry.idle_timeout);
  out.set_hard_timeout(entry.hard_timeout);
  return out;
}

v1::TableStats TableStatsToProto(const TableStats& stats) {
  v1::TableStats out;
  out.set_table(stats.table);
  out.set_rules(stats.rules);
  out.set_matched_packets(stats.matched_packets);
  return out;
}

v1::ModifyFlowsResponse FlowModResultToProto(const FlowModResult& result) {
  v1::ModifyFlowsResponse out;
  out.set_mods(result.mods);
  out.set_rules_after(result.rules_after);
  out.set_parse_seconds(result.parse_seconds);
  out.set_commit_seconds(result.commit_seconds);
  return out;
}

v1::Meter MeterToProto(const MeterInfo& meter) {
  v1::Meter out;
  out.set_id(meter.id);
  out.set_text(meter.text);
  out.set_stats_text(meter.stats_text);
  out.set_packets_in(meter.packets_in);
  out.set_bytes_in(meter.bytes_in);
  out.set_packets_dropped(meter.packets_dropped);
  out.set_bytes_dropped(meter.bytes_dropped);
  out.set_flow_count(meter.flow_count);
  out.set_duration_seconds(meter.duration_seconds);
  return out;
}

}  // namespace vswitch::controlplane
