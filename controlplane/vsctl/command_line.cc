#include "vsctl/command_line.h"

#include <boost/program_options.hpp>

#include <sstream>

#include "vsctl/flow_commands.h"
#include "vsctl/tunnel_commands.h"

namespace po = boost::program_options;

namespace vswitch::controlplane {

const std::vector<CommandSpec>& Commands() {
  static const std::vector<CommandSpec> kCommands = WithTunnelCommands(WithFlowCommands({
      {"show", "", "ports with type, number, link, admin state, options and counters", "", 0, 0},
      {"version", "", "versions of vsctl and of the running vswitchd", "", 0, 0},
      {"add-port", "NAME TYPE [key=value ...]", "add a port",
       "Port settings: mac=ADDR mtu=N rxq=N admin=up|down learn-limit=N vni=N (the port's VXLAN network).\n"
       "Every other key=value is an option of TYPE:\n"
       "  vhost-user   path=SOCKET mode=client|server queues=N\n"
       "  virtio-user  path=SOCKET server=0|1 queues=N iface=TAPNAME\n"
       "  af-xdp       iface=IF start-queue=N queues=N\n"
       "  af-packet    iface=IF queues=N\n"
       "  tap          iface=NAME\n"
       "  pcap         rx-pcap=FILE tx-pcap=FILE infinite-rx=0|1 | iface=IF\n"
       "  null         no-rx=0|1 size=BYTES\n"
       "  ring         (no options)\n"
       "  memif        socket=PATH role=server|client id=N\n"
       "  pci          addr=DOMAIN:BUS:DEV.FN\n"
       "  vxlan        uplink=PORT local-ip=A.B.C.D dst-port=N remote-ip=A.B.C.D key=VNI ttl=N\n"
       "Example: vsctl add-port vm1 vhost-user path=/run/vm1.sock\n",
       2, kUnlimited},
      {"del-port", "NAME", "delete a port", "", 1, 1},
      {"set-port", "NAME admin=up|down", "change a port's admin state", "", 2, 2},
      {"list-ports", "", "port names, one per line", "", 0, 0},
      {"port-stats", "[NAME]", "rx/tx packets and bytes and every drop reason, per port", "", 0, 1},
      {"fdb-show", "", "the MAC table: port, VLAN, MAC, age", "", 0, 0},
      {"fdb-add", "VLAN MAC PORT [vni=N] [remote=IP]", "add a static MAC entry (never ages, not moved by learning)",
       "vni=N: the entry's VXLAN network (a local port's own vni, or any VNI on a vxlan port).\n"
       "remote=IP: for a MAC behind a vxlan port, the remote VTEP that has it (needs vni=).\n"
       "Example: vsctl fdb-add 0 02:00:00:00:00:02 vx0 vni=100 remote=192.168.50.2\n",
       3, 5},
      {"fdb-del", "VLAN MAC [vni=N]", "delete a MAC entry (static or learned)", "", 2, 3},
      {"fdb-flush", "[PORT]", "remove learned MAC entries (on PORT, or on every port)", "", 0, 1},
      {"worker-stats", "", "per worker: busy/idle %, packets, cycles per packet, rx queues", "", 0, 0},
  }));
  return kCommands;
}

const CommandSpec* FindCommand(const std::string& name) {
  for (const CommandSpec& command : Commands()) {
    if (name == command.name) return &command;
  }
  return nullptr;
}

namespace {

po::options_description GlobalOptions(CommandLine* out) {
  po::options_description desc("Global options");
  // clang-format off
  desc.add_options()
    ("help,h", "print this help (vsctl COMMAND --help for one command)")
    ("server", po::value(&out->server)->value_name("PATH"),
        "vswitchd API socket [$VSCTL_SERVER, else /run/vswitch/vswitchd.sock]")
    ("json", po::bool_switch(&out->json), "print the daemon's reply as protobuf JSON")
    ("timeout", po::value(&out->timeout_seconds)->value_name("SECONDS")->default_value(10),
        "give up on the daemon after this long");
  // clang-format on
  return desc;
}

std::string GlobalHelp(const po::options_description& desc) {
  std::ostringstream text;
  text << "Usage: vsctl [OPTIONS] COMMAND [ARGS]\nControls a running vswitchd.\n\nCommands:\n";
  for (const CommandSpec& command : Commands()) {
    std::string synopsis = std::string(command.name) + (*command.arguments ? " " : "") + command.arguments;
    text << "  " << synopsis << std::string(synopsis.size() < 37 ? 37 - synopsis.size() : 1, ' ')
         << command.summary << "\n";
  }
  text << "\n" << desc
       << "\nExit codes: 0 ok, 1 error reported by vswitchd, 2 usage error, 3 cannot reach vswitchd.\n";
  return text.str();
}

std::string CommandHelp(const CommandSpec& command) {
  std::ostringstream text;
  text << "Usage: vsctl [OPTIONS] " << command.name << (*command.arguments ? " " : "") << command.arguments << "\n"
       << command.summary << "\n";
  if (*command.details) text << "\n" << command.details;
  return text.str();
}

// Index of the first argument that is neither a global option nor an option's value.
size_t FindCommandIndex(const std::vector<std::string>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") return i + 1;
    if (arg.empty() || arg[0] != '-') return i;
    if (arg == "--server" || arg == "--timeout") ++i;  // skips the separate value
  }
  return args.size();
}

}  // namespace

std::string ParseCommandLine(const std::vector<std::string>& args, const std::string& env_server, CommandLine* out) {
  CommandLine line;
  po::options_description global = GlobalOptions(&line);
  size_t command_index = FindCommandIndex(args);
  std::vector<std::string> global_args;
  for (size_t i = 1; i < command_index && i < args.size(); ++i) {
    if (args[i] != "--") global_args.push_back(args[i]);
  }
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(global_args).options(global).positional({}).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      line.action = CommandLine::Action::kGlobalHelp;
      line.help_text = GlobalHelp(global);
      *out = std::move(line);
      return "";
    }
  } catch (const po::error& e) {
    return e.what();
  }
  if (!(line.timeout_seconds > 0) || line.timeout_seconds > 86400) {
    return "--timeout: expected 0 < SECONDS <= 86400";
  }
  if (line.server.empty()) line.server = env_server.empty() ? kDefaultServer : env_server;
  if (line.server.rfind("unix:", 0) == 0) line.server = line.server.substr(5);
  if (line.server.empty()) return "--server: the socket path is empty";

  if (command_index >= args.size()) return "no command given (see vsctl --help)";
  const std::string& name = args[command_index];
  if (name == "help") {
    line.action = CommandLine::Action::kGlobalHelp;
    line.help_text = GlobalHelp(global);
    *out = std::move(line);
    return "";
  }
  line.command = FindCommand(name);
  if (line.command == nullptr) return "unknown command '" + name + "' (see vsctl --help)";

  std::vector<std::string> command_args(args.begin() + static_cast<long>(command_index) + 1, args.end());
  po::options_description command_options(std::string("Options for ") + name);
  command_options.add_options()("help,h", "print help for this command");
  command_options.add_options()("args", po::value<std::vector<std::string>>(), "arguments");
  std::istringstream flag_names(line.command->flags);
  for (std::string flag; flag_names >> flag;) {
    command_options.add_options()(flag.c_str(), po::bool_switch(), "");
  }
  po::positional_options_description positional;
  positional.add("args", -1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(command_args).options(command_options).positional(positional).run(), vm);
    if (vm.count("help")) {
      line.action = CommandLine::Action::kCommandHelp;
      line.help_text = CommandHelp(*line.command);
      *out = std::move(line);
      return "";
    }
    if (vm.count("args")) line.args = vm["args"].as<std::vector<std::string>>();
    std::istringstream given(line.command->flags);
    for (std::string flag; given >> flag;) {
      if (vm[flag].as<bool>()) line.flags.push_back(flag);
    }
  } catch (const po::error& e) {
    return std::string(name) + ": " + e.what();
  }
  std::string synopsis = std::string("usage: vsctl ") + name + (*line.command->arguments ? " " : "") +
                         line.command->arguments;
  if (line.args.size() < line.command->min_args) return name + ": missing arguments (" + synopsis + ")";
  if (line.args.size() > line.command->max_args) return name + ": too many arguments (" + synopsis + ")";
  *out = std::move(line);
  return "";
}

}  // namespace vswitch::controlplane
