// The rule syntax ovs-ofctl users type, e.g.
//   table=0,priority=100,cookie=0x1,idle_timeout=10,in_port=vm1,ip,nw_dst=10.0.0.0/24,tcp,tp_dst=80,actions=output:vm2,output:3
//
// Fields are separated by commas and/or whitespace; `actions=` takes the rest of the line.
// Port names are allowed where port numbers go (resolved through a callback). Every token is
// either understood or an error that names it and its position:
//   "token 7 'tp_dst=80x' at column 41: '80x' is not a number"
// Nothing is silently ignored. The statistics a dump prints (duration=, n_packets=, n_bytes=,
// idle_age=, hard_age=) are accepted (syntax-checked, not stored) in the add form only, so a
// dump can be fed back to add-flows.
#pragma once

#include <string_view>

#include "common/status.h"
#include "flow/match_fields.h"
#include "flow/rule.h"

namespace vswitch::flow {

// add-flow text: actions required; table defaults to 0, priority to 32768.
Status ParseRule(std::string_view text, const PortResolver& resolver, Rule* out);

// Text for any flow-mod command:
//  add            as ParseRule
//  modify         match (non-strict), optional table= (absent = all tables), cookie=V/M, actions
//  modify-strict  match + priority (default 32768), optional table=, cookie=V/M, actions
//  delete         match (non-strict), optional table=, cookie=V/M; no actions
//  delete-strict  match + priority, optional table=, cookie=V/M; no actions
Status ParseFlowMod(std::string_view text, FlowModCommand command, const PortResolver& resolver, FlowMod* out);

// The selection used by dump-flows / del-flows: optional table=, cookie=V/M, match fields.
Status ParseFlowFilter(std::string_view text, const PortResolver& resolver, FlowFilter* out);

// The packet description `vsctl trace` takes ("in_port=vm1,tcp,nw_src=10.0.0.1,tp_dst=80"):
// match fields with exact values only; unspecified fields are zero.
Status ParseTraceFlow(std::string_view text, const PortResolver& resolver, FlowKey* out);

}  // namespace vswitch::flow
