// vsbench: the project's DPDK traffic generator. See vsbench_options.cc for the command line
// and bench/README.md for how bench/run uses it.
//
// One lcore does everything: build and send a paced burst, poll the receive port, repeat.
// On a 2-core machine where the switch's worker owns the other core, vsbench shares its core
// with the switch's control thread, so its own rate limits what it can offer: read its
// numbers as latency and zero-loss measurements, not as per-core peak rates.
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "frame_builder.h"
#include "rfc2544_search.h"
#include "run_report.h"
#include "traffic_port.h"
#include "traffic_trial.h"
#include "vsbench_options.h"

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true, std::memory_order_relaxed); }

int Fail(const std::string& message) {
  std::fprintf(stderr, "vsbench: error: %s\n", message.c_str());
  return 1;
}

// Everything between EAL start and EAL cleanup; ports close when it returns.
int RunTrials(const vswitch::vsbench::VsbenchOptions& o) {
  using namespace vswitch::vsbench;
  {
    rte_mempool* pool = rte_pktmbuf_pool_create("vsbench_pool", o.mbufs, 256, 0,
                                                RTE_MBUF_DEFAULT_BUF_SIZE, static_cast<int>(rte_socket_id()));
    FrameBuilder builder(o.frame);
    if (!pool) return Fail(std::string("cannot create the mbuf pool: ") + rte_strerror(rte_errno));
    if (builder.frame_len() > RTE_MBUF_DEFAULT_DATAROOM) {
      return Fail("frame of " + std::to_string(builder.frame_len()) + " bytes does not fit one mbuf");
    }
    const std::string rx_name = VdevName(o.rx_dev.empty() ? o.tx_dev : o.rx_dev);
    TrafficPort tx, rx;
    if (auto e = tx.Open(VdevName(o.tx_dev), pool); !e.empty()) return Fail(e);
    TrafficPort* rx_port = &tx;
    if (rx_name != tx.name()) {
      if (auto e = rx.Open(rx_name, pool, o.rx_queues); !e.empty()) return Fail(e);
      rx_port = &rx;
    }
    for (TrafficPort* p : {&tx, rx_port}) {
      if (auto e = p->WaitForLink(o.link_timeout_s); !e.empty()) return Fail(e);
    }

    TrafficTrial trial(builder, pool, tx.id(), rx_port->id(), rx_port->rx_queues(), o.burst, o.drain_ms,
                       o.latency_samples, g_stop);
    RunReport report;
    report.options = &o;
    report.tsc_hz = rte_get_tsc_hz();
    report.frame_len = builder.frame_len();
    // Warm-up at the first trial's rate: a learning switch learns the source MAC, caches fill.
    if (o.warmup_s > 0) trial.Run(o.rate_mpps, o.warmup_s);
    if (o.rfc2544) {
      SearchSettings settings{o.rate_mpps, o.resolution_mpps, o.loss_tolerance, o.max_trials};
      report.search = Rfc2544Search(settings, [&](double rate) -> TrialCounts {
        if (g_stop.load()) return {};
        TrialReport t = trial.Run(rate, o.trial_s);
        report.trials.push_back(t);
        if (!o.json) std::fprintf(stderr, "vsbench: trial at %.4f Mpps: lost %llu of %llu\n", rate,
                                  static_cast<unsigned long long>(t.lost()),
                                  static_cast<unsigned long long>(t.tx_attempted));
        if (t.interrupted) return {};
        return {t.tx_attempted, t.rx_probes};
      });
    } else {
      report.trials.push_back(trial.Run(o.rate_mpps, o.duration_s));
    }
    std::fputs((o.json ? FormatJson(report) : FormatText(report)).c_str(), stdout);
    std::fflush(stdout);
  }
  return g_stop.load() ? 130 : 0;
}

int Run(const vswitch::vsbench::VsbenchOptions& o) {
  std::vector<std::string> eal = vswitch::vsbench::EalArguments(o);
  std::vector<char*> eal_argv;
  for (auto& a : eal) eal_argv.push_back(a.data());
  if (rte_eal_init(static_cast<int>(eal_argv.size()), eal_argv.data()) < 0) {
    return Fail(std::string("EAL initialisation failed: ") + rte_strerror(rte_errno));
  }
  // SIGINT/SIGTERM end the current trial; results so far are still reported.
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const int rc = RunTrials(o);
  rte_eal_cleanup();
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vswitch::vsbench;
  ParsedOptions parsed = ParseVsbenchOptions(argc, argv);
  if (parsed.outcome == ParseOutcome::kHelp) {
    std::fputs(parsed.message.c_str(), stdout);
    return 0;
  }
  if (parsed.outcome == ParseOutcome::kError) {
    std::fprintf(stderr, "vsbench: error: %s (see vsbench --help)\n", parsed.message.c_str());
    return 2;
  }
  return Run(parsed.options);
}
