#include "config/flow_config.h"

#include <map>
#include <optional>
#include <set>

#include "convert/flow_convert.h"
#include "flow/rule_parser.h"
#include "meter/meter_text.h"

namespace vswitch::controlplane {

namespace {

// Lines are quoted in errors so the operator can find them in the file; very long ones are
// cut, the index says which line it is anyway.
std::string QuotedLine(const std::string& text) {
  constexpr size_t kMax = 120;
  return "\"" + (text.size() > kMax ? text.substr(0, kMax) + "..." : text) + "\"";
}

}  // namespace

std::string FlowLineField(int index, const std::string& text) {
  return "flows[" + std::to_string(index) + "] " + QuotedLine(text);
}

std::string MeterLineField(int index, const std::string& text) {
  return "meters[" + std::to_string(index) + "] " + QuotedLine(text);
}

std::string WithoutFlowModPrefix(const std::string& message) {
  if (message.rfind("flow-mod ", 0) != 0) return message;
  size_t colon = message.find(": ");
  return colon == std::string::npos ? message : message.substr(colon + 2);
}

std::vector<std::pair<std::string, std::string>> ValidateFlowConfig(const v1::Config& config) {
  std::vector<std::pair<std::string, std::string>> problems;

  std::map<uint32_t, int> meter_index;  // id -> first line
  for (int i = 0; i < config.meters_size(); ++i) {
    meter::MeterSpec spec;
    Status parsed = meter::ParseMeter(config.meters(i), &spec);
    if (!parsed.ok()) {
      problems.emplace_back(MeterLineField(i, config.meters(i)), parsed.message());
      continue;
    }
    auto [it, inserted] = meter_index.emplace(spec.id, i);
    if (!inserted) {
      problems.emplace_back(MeterLineField(i, config.meters(i)), "duplicate meter " + std::to_string(spec.id) +
                                                                     " (first at meters[" +
                                                                     std::to_string(it->second) + "])");
    }
  }

  // Port numbers are assigned when the ports are added; for a syntax check any distinct
  // numbers do. Names of ports not in this file are unknown at start-up.
  std::map<std::string, uint32_t, std::less<>> port_numbers;
  for (const v1::Port& port : config.ports()) port_numbers.emplace(port.name(), port_numbers.size() + 1);
  flow::PortResolver resolver = [&](std::string_view name) -> std::optional<uint32_t> {
    auto it = port_numbers.find(name);
    if (it == port_numbers.end()) return std::nullopt;
    return it->second;
  };
  for (int i = 0; i < config.flows_size(); ++i) {
    flow::FlowMod mod;
    Status parsed = flow::ParseFlowMod(config.flows(i), flow::FlowModCommand::kAdd, resolver, &mod);
    if (!parsed.ok()) {
      problems.emplace_back(FlowLineField(i, config.flows(i)), parsed.message());
      continue;
    }
    for (const flow::Action& action : mod.rule.actions) {
      if (action.type == flow::ActionType::kMeter && meter_index.count(action.u32) == 0) {
        problems.emplace_back(FlowLineField(i, config.flows(i)),
                              "actions: meter:" + std::to_string(action.u32) + ": no such meter in `meters`");
      }
    }
  }
  return problems;
}

Status ApplyFlowConfig(Switch* sw, const v1::Config& config) {
  std::vector<std::string> added_meters;  // "meter=N" selectors, for the roll-back
  auto roll_back = [&] {
    for (auto it = added_meters.rbegin(); it != added_meters.rend(); ++it) sw->DeleteMeter(*it);
  };
  for (int i = 0; i < config.meters_size(); ++i) {
    meter::MeterSpec spec;
    Status status = meter::ParseMeter(config.meters(i), &spec);
    if (status.ok()) status = sw->AddMeter(config.meters(i));
    if (!status.ok()) {
      roll_back();
      return status.WithContext(MeterLineField(i, config.meters(i)));
    }
    added_meters.push_back("meter=" + std::to_string(spec.id));
  }
  if (config.flows_size() == 0) return Status::Ok();
  FlowModResult result;
  Status status = sw->ModifyFlows(AddFlowMods(config.flows()), &result);
  if (!status.ok()) {
    roll_back();
    int index = static_cast<int>(result.error_index);
    if (index >= config.flows_size()) index = config.flows_size() - 1;  // a whole-batch limit
    return Status(status.code(), WithoutFlowModPrefix(status.message()))
        .WithContext(FlowLineField(index, config.flows(index)));
  }
  return Status::Ok();
}

void SnapshotFlows(const Switch& sw, v1::Config* config) {
  std::vector<MeterInfo> meters;
  if (sw.ListMeters("", &meters).ok()) {
    for (const MeterInfo& meter : meters) config->add_meters(meter.text);
  }
  std::vector<FlowEntry> flows;
  if (sw.DumpFlows("", &flows).ok()) {
    for (const FlowEntry& flow : flows) {
      if (flow.idle_timeout == 0 && flow.hard_timeout == 0) config->add_flows(flow.text);
    }
  }
}

FlowRestoreResult RestoreFlowState(Switch* sw, const v1::Config& state) {
  FlowRestoreResult result;
  for (int i = 0; i < state.meters_size(); ++i) {
    Status status = sw->AddMeter(state.meters(i));
    if (status.code() == Status::Code::kAlreadyExists) status = sw->ModifyMeter(state.meters(i));
    if (!status.ok()) {
      result.warnings.push_back(status.WithContext(MeterLineField(i, state.meters(i))).message());
      continue;
    }
    ++result.meters_restored;
  }
  // One batch; a line that cannot be installed any more is reported and left out, and the
  // batch is tried again without it (each retry drops at least one line, so this ends).
  std::vector<int> lines;
  for (int i = 0; i < state.flows_size(); ++i) lines.push_back(i);
  while (!lines.empty()) {
    std::vector<FlowModRequest> mods;
    for (int line : lines) mods.push_back({FlowModRequest::Command::kAdd, state.flows(line)});
    FlowModResult outcome;
    Status status = sw->ModifyFlows(mods, &outcome);
    if (status.ok()) {
      result.flows_restored = static_cast<unsigned>(lines.size());
      break;
    }
    size_t bad = outcome.error_index < lines.size() ? outcome.error_index : lines.size() - 1;
    int line = lines[bad];
    result.warnings.push_back(
        Status(status.code(), WithoutFlowModPrefix(status.message())).WithContext(FlowLineField(line, state.flows(line))).message());
    lines.erase(lines.begin() + static_cast<long>(bad));
  }
  return result;
}

}  // namespace vswitch::controlplane
