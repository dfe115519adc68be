#include "vsbench_options.h"

#include <boost/program_options.hpp>
#include <cmath>
#include <sstream>

namespace po = boost::program_options;

namespace vswitch::vsbench {
namespace {

constexpr const char* kUsage =
    "Usage: vsbench --tx-dev DEVARGS [--rx-dev DEVARGS] [options]\n"
    "Sends Ethernet/IPv4/UDP frames over N flows into a switch port through a DPDK vdev,\n"
    "receives what the switch forwards on a second port, and reports rates, loss and\n"
    "latency (min/median/p99/max from a TSC timestamp in every frame).\n"
    "Modes: fixed rate for --duration seconds (default), or --rfc2544: binary search for the\n"
    "highest rate <= --rate-mpps with loss <= --loss-tolerance, in trials of --trial seconds.\n"
    "Examples:\n"
    "  vsbench --in-memory --tx-dev net_memif0,role=client,socket=/tmp/m0.sock,id=0 \\\n"
    "          --rx-dev net_memif1,role=client,socket=/tmp/m1.sock,id=0 --rate-mpps 0.5\n"
    "  vsbench --in-memory --single-file-segments \\\n"
    "          --tx-dev net_virtio_user0,path=/tmp/v0.sock --rx-dev net_virtio_user1,path=/tmp/v1.sock \\\n"
    "          --rfc2544 --rate-mpps 5 --trial 2 --json\n"
    "Exit codes: 0 ran, 1 runtime error (EAL, port, link), 2 usage error.\n";

template <typename T>
std::string CheckRange(const char* name, T value, T low, T high) {
  if (value < low || value > high) {
    std::ostringstream s;
    s << "--" << name << ": must be in " << low << ".." << high << ", got " << value;
    return s.str();
  }
  return "";
}

std::string Validate(const VsbenchOptions& o) {
  if (o.tx_dev.empty()) return "--tx-dev is required (the vdev vsbench sends into)";
  for (const auto* dev : {&o.tx_dev, &o.rx_dev}) {
    if (!dev->empty() && (VdevName(*dev).empty() || dev->find(' ') != std::string::npos)) {
      return "--tx-dev/--rx-dev: '" + *dev + "' is not a vdev argument string (NAME[,key=value...])";
    }
  }
  if (!o.rx_dev.empty() && o.rx_dev != o.tx_dev && VdevName(o.rx_dev) == VdevName(o.tx_dev)) {
    return "--rx-dev: device name '" + VdevName(o.rx_dev) +
           "' is already the --tx-dev with other arguments; name it differently (e.g. net_memif1)";
  }
  if (!std::isfinite(o.rate_mpps) || o.rate_mpps < 0 || o.rate_mpps > 1000) {
    return "--rate-mpps: must be in 0..1000 (0 = as fast as possible), got " + std::to_string(o.rate_mpps);
  }
  if (o.rfc2544 && o.rate_mpps == 0) return "--rfc2544 needs --rate-mpps > 0: the search's upper bound";
  for (auto [name, value, low, high] : {std::tuple{"duration", o.duration_s, 0.1, 86400.0},
                                        std::tuple{"warmup", o.warmup_s, 0.0, 3600.0},
                                        std::tuple{"trial", o.trial_s, 0.1, 3600.0},
                                        std::tuple{"loss-tolerance", o.loss_tolerance, 0.0, 1.0},
                                        std::tuple{"link-timeout", o.link_timeout_s, 0.1, 600.0}}) {
    if (!std::isfinite(value)) return std::string("--") + name + ": not a number";
    if (auto e = CheckRange(name, value, low, high); !e.empty()) return e;
  }
  if (!(o.resolution_mpps > 0)) return "--resolution-mpps: must be > 0";
  if (auto e = CheckRange("max-trials", o.max_trials, 1, 64); !e.empty()) return e;
  if (auto e = CheckRange<uint32_t>("burst", o.burst, 1, 512); !e.empty()) return e;
  if (auto e = CheckRange<uint16_t>("rx-queues", o.rx_queues, 1, 16); !e.empty()) return e;
  if (o.rx_queues > 1 && (o.rx_dev.empty() || o.rx_dev == o.tx_dev)) {
    return "--rx-queues > 1 needs a separate --rx-dev";
  }
  if (auto e = CheckRange<uint32_t>("drain-ms", o.drain_ms, 0, 10000); !e.empty()) return e;
  if (auto e = CheckRange<size_t>("latency-samples", o.latency_samples, 1, size_t{1} << 26); !e.empty()) return e;
  if (auto e = CheckRange<unsigned>("memory", o.memory_mb, 64, 16384); !e.empty()) return e;
  if (auto e = CheckRange<uint32_t>("mbufs", o.mbufs, 1023, 1u << 22); !e.empty()) return e;
  if (o.mbufs < 4 * o.burst + 2048) return "--mbufs: too few for the rings and bursts (need >= 4*burst+2048)";
  if (o.in_memory && !o.file_prefix.empty()) return "--in-memory and --file-prefix exclude each other";
  if (!o.in_memory && o.file_prefix.empty()) {
    return "give --in-memory or --file-prefix P: vsbench never uses DPDK's default runtime "
           "files, which other DPDK processes on the machine may own";
  }
  if (auto e = ValidateFrameSpec(o.frame); !e.empty()) return "--" + e;
  return "";
}

}  // namespace

std::string VdevName(const std::string& devargs) { return devargs.substr(0, devargs.find(',')); }

ParsedOptions ParseVsbenchOptions(int argc, const char* const argv[]) {
  ParsedOptions parsed;
  VsbenchOptions& o = parsed.options;
  std::string src_mac = "02:00:00:00:00:01", dst_mac = "02:00:00:00:00:02";
  std::string src_ip = "10.0.0.1", dst_ip = "192.168.0.1";
  std::string outer_src_mac = "02:00:00:00:01:01", outer_dst_mac = "02:00:00:00:01:02";
  std::string outer_src_ip = "172.16.0.1", outer_dst_ip = "172.16.0.2";
  unsigned vlan = 0, vni = 0, src_port = 1024, src_port_span = 1024, dst_port = 5001;
  uint64_t latency_samples = o.latency_samples;

  po::options_description desc("Options");
  desc.add_options()
      ("help,h", "print this help")
      ("tx-dev", po::value(&o.tx_dev), "vdev to send into (memif client, virtio-user, ...)")
      ("rx-dev", po::value(&o.rx_dev), "vdev to receive from (default: --tx-dev)")
      ("size", po::value(&o.frame.frame_size)->default_value(64), "frame size incl. FCS, 64..1518 (inner frame with --vxlan)")
      ("flows", po::value(&o.frame.flows)->default_value(1024), "distinct flows: source IP src-ip+i, source port src-port+i%span")
      ("vlan", po::value(&vlan), "add an 802.1Q tag with this VLAN id")
      ("vxlan", po::value(&vni), "encapsulate in outer Eth/IPv4/UDP 4789/VXLAN with this VNI")
      ("src-mac", po::value(&src_mac)->default_value(src_mac), "")
      ("dst-mac", po::value(&dst_mac)->default_value(dst_mac), "")
      ("src-ip", po::value(&src_ip)->default_value(src_ip), "first flow's source address")
      ("dst-ip", po::value(&dst_ip)->default_value(dst_ip), "")
      ("src-port", po::value(&src_port)->default_value(src_port), "first flow's UDP source port")
      ("src-port-span", po::value(&src_port_span)->default_value(src_port_span), "UDP source ports cycled through")
      ("dst-port", po::value(&dst_port)->default_value(dst_port), "UDP destination port")
      ("outer-src-mac", po::value(&outer_src_mac)->default_value(outer_src_mac), "VXLAN outer source MAC")
      ("outer-dst-mac", po::value(&outer_dst_mac)->default_value(outer_dst_mac), "VXLAN outer destination MAC")
      ("outer-src-ip", po::value(&outer_src_ip)->default_value(outer_src_ip), "VXLAN outer source (local VTEP)")
      ("outer-dst-ip", po::value(&outer_dst_ip)->default_value(outer_dst_ip), "VXLAN outer destination (remote VTEP)")
      ("rate-mpps", po::value(&o.rate_mpps)->default_value(o.rate_mpps), "offered rate (0 = unlimited); the search's maximum with --rfc2544")
      ("duration", po::value(&o.duration_s)->default_value(o.duration_s), "fixed-rate mode: measured seconds")
      ("warmup", po::value(&o.warmup_s)->default_value(o.warmup_s), "seconds of traffic before measuring (lets a switch learn MACs)")
      ("rfc2544", po::bool_switch(&o.rfc2544), "search the highest rate with loss <= --loss-tolerance")
      ("trial", po::value(&o.trial_s)->default_value(o.trial_s), "--rfc2544: seconds per trial")
      ("loss-tolerance", po::value(&o.loss_tolerance)->default_value(o.loss_tolerance), "--rfc2544: tolerated lost fraction (0 = zero loss; 0.001 = 0.1%)")
      ("resolution-mpps", po::value(&o.resolution_mpps)->default_value(o.resolution_mpps), "--rfc2544: stop when the bracket is this narrow")
      ("max-trials", po::value(&o.max_trials)->default_value(o.max_trials), "--rfc2544: at most this many trials")
      ("rx-queues", po::value(&o.rx_queues)->default_value(o.rx_queues), "receive queues on the rx port (OVS sends on one per thread: use 2 or more)")
      ("burst", po::value(&o.burst)->default_value(o.burst), "packets per tx/rx burst")
      ("drain-ms", po::value(&o.drain_ms)->default_value(o.drain_ms), "keep receiving this long after each trial")
      ("link-timeout", po::value(&o.link_timeout_s)->default_value(o.link_timeout_s), "seconds to wait for the ports' links")
      ("latency-samples", po::value(&latency_samples)->default_value(latency_samples), "latency reservoir size (exact percentiles up to this many)")
      ("lcore", po::value(&o.lcore)->default_value(o.lcore), "the one lcore vsbench runs on")
      ("file-prefix", po::value(&o.file_prefix), "EAL --file-prefix (or --in-memory)")
      ("in-memory", po::bool_switch(&o.in_memory), "EAL --in-memory: no runtime files")
      ("single-file-segments", po::bool_switch(&o.single_file_segments), "EAL --single-file-segments (needed for virtio-user)")
      ("memory", po::value(&o.memory_mb)->default_value(o.memory_mb), "EAL -m: hugepage MB")
      ("mbufs", po::value(&o.mbufs)->default_value(o.mbufs), "packet buffers in vsbench's pool")
      ("log-level", po::value(&o.log_level)->default_value(o.log_level), "EAL --log-level")
      ("json", po::bool_switch(&o.json), "print the results as one JSON document");

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    parsed.message = e.what();
    return parsed;
  }
  if (vm.count("help")) {
    std::ostringstream s;
    s << kUsage << "\n" << desc;
    parsed.outcome = ParseOutcome::kHelp;
    parsed.message = s.str();
    return parsed;
  }
  auto mac = [&](const char* name, const std::string& text, Mac* out) -> std::string {
    auto m = ParseMac(text);
    if (!m) return std::string("--") + name + ": '" + text + "' is not a MAC address (aa:bb:cc:dd:ee:ff)";
    *out = *m;
    return "";
  };
  auto ip = [&](const char* name, const std::string& text, uint32_t* out) -> std::string {
    auto a = ParseIpv4(text);
    if (!a) return std::string("--") + name + ": '" + text + "' is not an IPv4 address";
    *out = *a;
    return "";
  };
  for (const std::string& e : {mac("src-mac", src_mac, &o.frame.src_mac), mac("dst-mac", dst_mac, &o.frame.dst_mac),
                               mac("outer-src-mac", outer_src_mac, &o.frame.outer_src_mac),
                               mac("outer-dst-mac", outer_dst_mac, &o.frame.outer_dst_mac),
                               ip("src-ip", src_ip, &o.frame.src_ip), ip("dst-ip", dst_ip, &o.frame.dst_ip),
                               ip("outer-src-ip", outer_src_ip, &o.frame.outer_src_ip),
                               ip("outer-dst-ip", outer_dst_ip, &o.frame.outer_dst_ip)}) {
    if (!e.empty()) {
      parsed.message = e;
      return parsed;
    }
  }
  for (auto [name, value] : {std::pair{"src-port", src_port}, std::pair{"dst-port", dst_port},
                             std::pair{"src-port-span", src_port_span}}) {
    if (value > 65535) {
      parsed.message = std::string("--") + name + ": must be below 65536, got " + std::to_string(value);
      return parsed;
    }
  }
  if (vm.count("vlan")) {
    if (vlan > 4095) {
      parsed.message = "--vlan: must be in 0..4095, got " + std::to_string(vlan);
      return parsed;
    }
    o.frame.vlan = static_cast<uint16_t>(vlan);
  }
  if (vm.count("vxlan")) o.frame.vxlan_vni = vni;
  o.frame.src_port = static_cast<uint16_t>(src_port);
  o.frame.src_port_span = static_cast<uint16_t>(src_port_span);
  o.frame.dst_port = static_cast<uint16_t>(dst_port);
  o.latency_samples = static_cast<size_t>(latency_samples);
  if (auto e = Validate(o); !e.empty()) {
    parsed.message = e;
    return parsed;
  }
  parsed.outcome = ParseOutcome::kRun;
  return parsed;
}

std::vector<std::string> EalArguments(const VsbenchOptions& o) {
  std::vector<std::string> args = {"vsbench", "-l", std::to_string(o.lcore), "--no-pci",
                                   "-m", std::to_string(o.memory_mb), "--log-level", o.log_level};
  if (o.in_memory) {
    args.push_back("--in-memory");
  } else {
    args.push_back("--file-prefix");
    args.push_back(o.file_prefix);
  }
  if (o.single_file_segments) args.push_back("--single-file-segments");
  args.push_back("--vdev");
  args.push_back(o.tx_dev);
  if (!o.rx_dev.empty() && o.rx_dev != o.tx_dev) {
    args.push_back("--vdev");
    args.push_back(o.rx_dev);
  }
  return args;
}

}  // namespace vswitch::vsbench
