#include "vswitchd/vswitchd_options.h"

#include <boost/program_options.hpp>

#include <sstream>

namespace po = boost::program_options;

namespace vswitch::controlplane {

namespace {

po::options_description Describe(VswitchdOptions* o) {
  po::options_description desc(
      "Usage: vswitchd [OPTIONS]\n"
      "DPDK poll-mode virtual switch daemon; controlled with vsctl over a unix socket.\n\nOptions");
  // clang-format off
  desc.add_options()
    ("help,h", "print this help and exit")
    ("version", "print the version and exit")
    ("config,c", po::value(&o->config_file)->value_name("FILE"),
        "configuration (vswitch.v1.Config in protobuf text format, or JSON if FILE ends in .json)")
    ("workers,w", po::value(&o->eal.workers)->value_name("N")->default_value(1),
        "worker lcores (poll-mode loops); the main lcore runs control. Lcores 0..N unless --lcores")
    ("lcores,l", po::value(&o->eal.lcores)->value_name("LIST"),
        "explicit DPDK lcore list (e.g. 0-2); overrides the placement from --workers")
    ("memory,m", po::value(&o->eal.memory_mb)->value_name("MB")->default_value(1024),
        "hugepage memory to reserve (plain memory with --no-huge)")
    ("no-huge", po::bool_switch(&o->eal.no_huge), "run without hugepages (tests, small hosts)")
    ("file-prefix", po::value(&o->eal.file_prefix)->value_name("P"),
        "DPDK runtime file prefix [vswitch]; give each DPDK process its own")
    ("in-memory", po::bool_switch(&o->eal.in_memory), "keep no DPDK runtime files at all")
    ("socket,s", po::value(&o->socket_path)->value_name("PATH")->default_value(kDefaultSocketPath),
        "API unix socket (mode 0660)")
    ("state-dir", po::value(&o->state_dir)->value_name("DIR")->default_value(kDefaultStateDir),
        "where ports and static MACs are persisted across restarts; \"none\" disables persistence")
    ("log-level", po::value(&o->eal.log_level)->value_name("L")->default_value("notice"),
        "DPDK log level: emergency, alert, critical, error, warning, notice, info, debug or 1-8")
    ("mbufs", po::value(&o->mbufs)->value_name("N"),
        "packet buffers in the shared pool (overrides the config file's settings.mbufs)")
    ("idle-sleep-us", po::value(&o->idle_sleep_us)->value_name("N")->default_value(0),
        "workers sleep N microseconds after an empty poll (0 = pure polling)");
  // clang-format on
  return desc;
}

}  // namespace

Status ParseVswitchdOptions(const std::vector<std::string>& args, VswitchdOptions* out) {
  VswitchdOptions o;
  po::options_description desc = Describe(&o);
  std::ostringstream help;
  help << desc;
  o.help_text = help.str();
  try {
    std::vector<std::string> rest(args.empty() ? args.begin() : args.begin() + 1, args.end());
    po::variables_map vm;
    // No positional arguments: a stray word is a mistake worth reporting.
    po::store(po::command_line_parser(rest).options(desc).positional({}).run(), vm);
    po::notify(vm);
    o.help = vm.count("help") > 0;
    o.version = vm.count("version") > 0;
  } catch (const po::error& e) {
    return Status::InvalidArgument(e.what());
  }
  if (o.help || o.version) {
    *out = std::move(o);
    return Status::Ok();
  }
  if (o.eal.workers < 1 || o.eal.workers > 64) {
    return Status::InvalidArgument("--workers: expected 1-64, got " + std::to_string(o.eal.workers));
  }
  // Upper bounds also catch "-1", which Boost converts to a huge unsigned value.
  if (o.eal.memory_mb < 64 || o.eal.memory_mb > (1u << 20)) {
    return Status::InvalidArgument("--memory: expected 64-1048576 MB, got " + std::to_string(o.eal.memory_mb));
  }
  if (o.eal.in_memory && !o.eal.file_prefix.empty()) {
    return Status::InvalidArgument("--in-memory and --file-prefix cannot be combined (in-memory keeps no files)");
  }
  if (o.mbufs != 0 && (o.mbufs < 1024 || o.mbufs > (1u << 24))) {
    return Status::InvalidArgument("--mbufs: expected 1024-16777216, got " + std::to_string(o.mbufs));
  }
  if (o.idle_sleep_us > 1000000) {
    return Status::InvalidArgument("--idle-sleep-us: expected 0-1000000, got " + std::to_string(o.idle_sleep_us));
  }
  if (o.socket_path.empty()) return Status::InvalidArgument("--socket: must not be empty");
  if (o.state_dir == "none") o.state_dir.clear();
  else if (o.state_dir.empty()) return Status::InvalidArgument("--state-dir: must not be empty (use \"none\" to disable)");
  *out = std::move(o);
  return Status::Ok();
}

}  // namespace vswitch::controlplane
