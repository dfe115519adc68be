#include "flow/rule_formatter.h"

#include <cstdio>

#include "flow/action_text.h"
#include "flow/text_values.h"

namespace vswitch::flow {

std::string FormatRule(const Rule& rule, const PortNamer& namer, const RuleDumpStats* stats) {
  std::string s;
  if (rule.cookie) s += "cookie=" + Hex(rule.cookie) + ", ";
  if (stats) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "duration=%llu.%03llus, ", static_cast<unsigned long long>(stats->duration_ms / 1000),
                  static_cast<unsigned long long>(stats->duration_ms % 1000));
    s += buf;
  }
  s += "table=" + std::to_string(rule.table) + ", ";
  if (stats) s += "n_packets=" + std::to_string(stats->packets) + ", n_bytes=" + std::to_string(stats->bytes) + ", ";
  if (rule.idle_timeout) s += "idle_timeout=" + std::to_string(rule.idle_timeout) + ", ";
  if (rule.hard_timeout) s += "hard_timeout=" + std::to_string(rule.hard_timeout) + ", ";
  s += "priority=" + std::to_string(rule.priority);
  std::string match = FormatMatch(rule.match, namer);
  if (!match.empty()) s += "," + match;
  s += " actions=" + FormatActions(rule.actions, namer);
  return s;
}

}  // namespace vswitch::flow
