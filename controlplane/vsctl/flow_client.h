// Runs vsctl's flow-table and meter commands (flow_commands.h) against vswitchd's FlowTables
// service. Same conventions as main.cc: what vsctl itself checks (arguments, the add-flows
// file) is a usage error before the daemon is contacted; exit codes 0 ok, 1 refused by the
// daemon, 2 usage, 3 unreachable.
#pragma once

#include "vsctl/command_line.h"

namespace vswitch::controlplane {

// `line.command` must be one of FlowCommandSpecs(). Returns the exit code.
int RunFlowCommand(const CommandLine& line);

}  // namespace vswitch::controlplane
