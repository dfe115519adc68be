#include "run_report.h"

#include <cstdio>
#include <sstream>

namespace vswitch::vsbench {
namespace {

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Num(double v, int digits = 6) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*g", digits, v);
  return buf;
}

std::string LatencyJson(const LatencySummary& l, uint64_t hz) {
  std::ostringstream s;
  if (l.count == 0) return "{\"count\": 0}";
  s << "{\"count\": " << l.count << ", \"min_ns\": " << Num(CyclesToNs(l.min, hz))
    << ", \"median_ns\": " << Num(CyclesToNs(l.p50, hz)) << ", \"p99_ns\": " << Num(CyclesToNs(l.p99, hz))
    << ", \"max_ns\": " << Num(CyclesToNs(l.max, hz)) << ", \"mean_ns\": " << Num(CyclesToNs(l.mean, hz))
    << ", \"percentiles_exact\": " << (l.exact ? "true" : "false") << "}";
  return s.str();
}

std::string TrialJson(const TrialReport& t, uint64_t hz) {
  std::ostringstream s;
  s << "{\"target_mpps\": " << Num(t.target_mpps) << ", \"seconds\": " << Num(t.seconds)
    << ", \"offered_mpps\": " << Num(t.offered_mpps()) << ", \"rx_mpps\": " << Num(t.rx_mpps())
    << ", \"tx_attempted\": " << t.tx_attempted << ", \"tx_sent\": " << t.tx_sent
    << ", \"tx_ring_full\": " << t.tx_ring_full << ", \"tx_alloc_failed\": " << t.tx_alloc_failed
    << ", \"pacing_slipped\": " << t.pacing_slipped << ", \"rx_packets\": " << t.rx_packets
    << ", \"rx_probes\": " << t.rx_probes << ", \"rx_stale\": " << t.rx_stale
    << ", \"rx_foreign\": " << t.rx_foreign << ", \"rx_reordered\": " << t.rx_reordered
    << ", \"lost\": " << t.lost() << ", \"loss_ratio\": " << Num(LossRatio({t.tx_attempted, t.rx_probes}))
    << ", \"interrupted\": " << (t.interrupted ? "true" : "false")
    << ", \"latency\": " << LatencyJson(t.latency, hz) << "}";
  return s.str();
}

std::string LatencyText(const LatencySummary& l, uint64_t hz) {
  if (l.count == 0) return "no latency samples (nothing came back)";
  char buf[200];
  std::snprintf(buf, sizeof(buf), "latency us: min %.2f  median %.2f  p99 %.2f  max %.2f  (%llu samples%s)",
                CyclesToNs(l.min, hz) / 1e3, CyclesToNs(l.p50, hz) / 1e3, CyclesToNs(l.p99, hz) / 1e3,
                CyclesToNs(l.max, hz) / 1e3, static_cast<unsigned long long>(l.count),
                l.exact ? "" : ", percentiles from a reservoir sample");
  return buf;
}

std::string TrialText(const TrialReport& t, uint64_t hz) {
  char buf[300];
  std::snprintf(buf, sizeof(buf),
                "target %s Mpps: offered %.4f Mpps, received %.4f Mpps, lost %llu of %llu (%.4f%%), "
                "ring full %llu, slipped %llu, stale %llu, foreign %llu, reordered %llu%s",
                t.target_mpps > 0 ? Num(t.target_mpps, 4).c_str() : "unlimited", t.offered_mpps(),
                t.rx_mpps(), static_cast<unsigned long long>(t.lost()),
                static_cast<unsigned long long>(t.tx_attempted),
                100.0 * LossRatio({t.tx_attempted, t.rx_probes}), static_cast<unsigned long long>(t.tx_ring_full),
                static_cast<unsigned long long>(t.pacing_slipped), static_cast<unsigned long long>(t.rx_stale),
                static_cast<unsigned long long>(t.rx_foreign), static_cast<unsigned long long>(t.rx_reordered),
                t.interrupted ? " (interrupted)" : "");
  return std::string(buf) + "\n    " + LatencyText(t.latency, hz);
}

}  // namespace

double CyclesToNs(double cycles, uint64_t tsc_hz) { return tsc_hz ? cycles * 1e9 / static_cast<double>(tsc_hz) : 0; }

std::string FormatJson(const RunReport& run) {
  const VsbenchOptions& o = *run.options;
  const FrameSpec& f = o.frame;
  std::ostringstream s;
  s << "{\n  \"tool\": \"vsbench\",\n  \"mode\": " << (run.search ? "\"rfc2544\"" : "\"fixed-rate\"")
    << ",\n  \"tsc_hz\": " << run.tsc_hz << ",\n  \"traffic\": {\"frame_size\": " << f.frame_size
    << ", \"frame_len_in_buffer\": " << run.frame_len << ", \"flows\": " << f.flows
    << ", \"vlan\": " << (f.vlan ? std::to_string(*f.vlan) : "null")
    << ", \"vxlan_vni\": " << (f.vxlan_vni ? std::to_string(*f.vxlan_vni) : "null")
    << ", \"tx_dev\": " << JsonString(o.tx_dev) << ", \"rx_dev\": " << JsonString(o.rx_dev.empty() ? o.tx_dev : o.rx_dev)
    << "},\n  \"trials\": [";
  for (size_t i = 0; i < run.trials.size(); ++i) {
    s << (i ? ",\n    " : "\n    ") << TrialJson(run.trials[i], run.tsc_hz);
  }
  s << "\n  ]";
  if (run.search) {
    const SearchResult& r = *run.search;
    s << ",\n  \"rfc2544\": {\"max_mpps\": " << Num(o.rate_mpps) << ", \"loss_tolerance\": " << Num(o.loss_tolerance)
      << ", \"trial_s\": " << Num(o.trial_s) << ", \"resolution_mpps\": " << Num(o.resolution_mpps)
      << ", \"throughput_mpps\": " << Num(r.throughput_mpps) << ", \"best_trial\": " << r.best_step;
    if (r.best_step >= 0) s << ", \"latency_at_throughput\": " << LatencyJson(run.trials[r.best_step].latency, run.tsc_hz);
    s << "}";
  }
  s << "\n}\n";
  return s.str();
}

std::string FormatText(const RunReport& run) {
  const VsbenchOptions& o = *run.options;
  std::ostringstream s;
  s << "vsbench: " << o.frame.frame_size << "-byte frames over " << o.frame.flows << " flows"
    << (o.frame.vlan ? ", VLAN " + std::to_string(*o.frame.vlan) : "")
    << (o.frame.vxlan_vni ? ", VXLAN VNI " + std::to_string(*o.frame.vxlan_vni) : "") << "; tx " << o.tx_dev
    << ", rx " << (o.rx_dev.empty() ? o.tx_dev : o.rx_dev) << "; TSC " << run.tsc_hz / 1000000 << " MHz\n";
  for (size_t i = 0; i < run.trials.size(); ++i) {
    s << (run.search ? "  trial " + std::to_string(i + 1) + ": " : "  ") << TrialText(run.trials[i], run.tsc_hz)
      << "\n";
  }
  if (run.search) {
    const SearchResult& r = *run.search;
    if (r.best_step < 0) {
      s << "rfc2544: no rate down to the resolution passed (loss tolerance " << o.loss_tolerance << ")\n";
    } else {
      s << "rfc2544: throughput " << Num(r.throughput_mpps, 4) << " Mpps at loss <= " << o.loss_tolerance
        << "; " << LatencyText(run.trials[r.best_step].latency, run.tsc_hz) << "\n";
    }
  }
  return s.str();
}

}  // namespace vswitch::vsbench
