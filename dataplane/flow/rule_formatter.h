// Rule -> text in the syntax the parser reads, so a dump can be fed back to add-flows and
// parse(format(rule)) == rule for every rule the parser can produce.
#pragma once

#include <cstdint>
#include <string>

#include "flow/match_fields.h"
#include "flow/rule.h"

namespace vswitch::flow {

// Statistics printed by dump-flows, in front of the rule like ovs-ofctl does.
struct RuleDumpStats {
  uint64_t duration_ms = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

// "table=0, priority=100, cookie=0x1, in_port=1,tcp,tp_dst=80 actions=output:2"
// With stats: "cookie=0x1, duration=1.234s, table=0, n_packets=3, n_bytes=180, priority=100,... actions=..."
std::string FormatRule(const Rule& rule, const PortNamer& namer = nullptr, const RuleDumpStats* stats = nullptr);

}  // namespace vswitch::flow
