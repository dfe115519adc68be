// vsctl's command line: global options (Boost.Program_options), then COMMAND and its
// arguments, each command with its own --help. Pure parsing, no I/O, so it is unit-tested.
//
//   vsctl [--server PATH] [--json] [--timeout SECONDS] COMMAND ARGS
#pragma once

#include <string>
#include <vector>

namespace vswitch::controlplane {

inline constexpr const char* kDefaultServer = "/run/vswitch/vswitchd.sock";

struct CommandSpec {
  const char* name;
  const char* arguments;    // synopsis, e.g. "NAME TYPE [key=value ...]"
  const char* summary;      // one line for the command list
  const char* details;      // the rest of `vsctl COMMAND --help`
  unsigned min_args;
  unsigned max_args;        // kUnlimited for key=value lists
  const char* flags = "";   // switches the command takes, e.g. "strict" for --strict
};
inline constexpr unsigned kUnlimited = ~0u;

const std::vector<CommandSpec>& Commands();
const CommandSpec* FindCommand(const std::string& name);

struct CommandLine {
  enum class Action { kRun, kGlobalHelp, kCommandHelp };
  Action action = Action::kRun;
  std::string server;        // socket path (a leading "unix:" is removed)
  bool json = false;
  double timeout_seconds = 10;
  const CommandSpec* command = nullptr;
  std::vector<std::string> args;
  std::vector<std::string> flags;  // the command's switches that were given, without "--"
  std::string help_text;     // for kGlobalHelp / kCommandHelp
};

// args[0] is the program name; `env_server` is $VSCTL_SERVER (or ""). Returns "" on success,
// otherwise a usage error (exit code 2).
std::string ParseCommandLine(const std::vector<std::string>& args, const std::string& env_server, CommandLine* out);

}  // namespace vswitch::controlplane
