// Rule and FlowMod: the control-path description of one flow and of one change to the tables.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "flow/action.h"
#include "flow/flow_match.h"

namespace vswitch::flow {

inline constexpr uint16_t kDefaultPriority = 32768;  // OpenFlow's OFP_DEFAULT_PRIORITY
inline constexpr int kMaxTables = 255;                // table ids 0..254 (255 means "all" in OpenFlow)
// The longest chain of tables one packet may visit (table 0 + goto_table hops). Checked when
// rules are committed, so a walk never needs a runtime limit and a cached result fits in a
// fixed-size record.
inline constexpr int kMaxPipelineDepth = 8;

struct StoredRule;

struct Rule {
  uint8_t table = 0;
  uint16_t priority = kDefaultPriority;
  uint64_t cookie = 0;
  uint16_t idle_timeout = 0;  // seconds, 0 = none
  uint16_t hard_timeout = 0;  // seconds, 0 = none
  FlowMatch match;
  ActionList actions;  // empty = drop

  bool operator==(const Rule& o) const = default;
};

// Rule id 0 is the implicit "table=0,priority=0,actions=NORMAL" rule of an empty pipeline.
inline constexpr uint32_t kDefaultRuleId = 0;

enum class FlowModCommand : uint8_t {
  kAdd,           // insert; replaces a rule with the same table, priority and match
  kModify,        // replace the actions of every rule the match covers (non-strict)
  kModifyStrict,  // replace the actions of the rule with exactly this table, priority, match
  kDelete,        // delete every rule the match covers (non-strict); empty match = all
  kDeleteStrict,  // delete the rule with exactly this table, priority and match
};

const char* FlowModCommandName(FlowModCommand c);

struct FlowMod {
  FlowModCommand command = FlowModCommand::kAdd;
  Rule rule;
  // Modify/delete only: select rules in every table instead of rule.table.
  bool all_tables = false;
  // Modify/delete only: select rules whose (cookie & cookie_mask) == (rule.cookie & cookie_mask).
  // 0 selects regardless of cookie.
  uint64_t cookie_mask = 0;
};

// Selects installed rules for dump-flows, del-flows and non-strict modify: the table (or all),
// a match that covers the rule's match (OpenFlow non-strict semantics: the rule is at least
// as specific), and the cookie under a mask.
struct FlowFilter {
  bool all_tables = true;
  uint8_t table = 0;
  FlowMatch match;
  uint64_t cookie = 0;
  uint64_t cookie_mask = 0;

  bool Selects(const Rule& r) const {
    return (all_tables || r.table == table) && ((r.cookie ^ cookie) & cookie_mask) == 0 && match.Covers(r.match);
  }
  bool Selects(const StoredRule& r) const;  // stored_rule.cc
};

// Checks what a rule means, independent of the other rules: goto_table goes forward and is
// last, VLAN/DSCP/register values are in range, set-field actions have their match
// prerequisites (set_field:ip_dst needs `ip`, mod_tp_dst needs tcp/udp/sctp...), drop is
// alone. The message names the field, e.g. "actions: goto_table:0 must go to a table after 0".
// On an action error, *bad_action (if given) receives the index of the offending action.
Status ValidateRule(const Rule& rule, int* bad_action = nullptr);

// Match prerequisites (OVS style): tp_dst needs tcp/udp/sctp, nw_src needs ip or arp...
// Checked on the mask, so it also covers matches built without the parser.
Status ValidateMatchPrerequisites(const FlowMatch& match);

}  // namespace vswitch::flow
