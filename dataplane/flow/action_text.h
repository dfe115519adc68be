// Text form of actions, in ovs-ofctl syntax: "output:2,mod_dl_dst:aa:bb:cc:dd:ee:ff,goto_table:1".
#pragma once

#include <string>
#include <string_view>

#include "flow/action.h"
#include "flow/match_fields.h"

namespace vswitch::flow {

// Parses one action token (no commas) and appends it. Returns "" or the reason, e.g.
// "unknown action 'outptu:2'" or "goto_table: '300' is out of range (max 254)".
std::string ParseAction(std::string_view token, const PortResolver& resolver, ActionList* out);

// Canonical text: "drop" for an empty list; uppercase NORMAL/FLOOD/IN_PORT like OVS dumps.
std::string FormatActions(const ActionList& actions, const PortNamer& namer = nullptr);
std::string FormatAction(const Action& action, const PortNamer& namer = nullptr);

}  // namespace vswitch::flow
