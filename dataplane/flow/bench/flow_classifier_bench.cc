// flow_classifier_bench: lookup and install rates of the flow library, single thread, no DPDK.
//
//   flow_classifier_bench [--seconds S] [--quick]
//
// Lookup cases (bursts of 32 keys, keys visited in a shuffled order so caches see the
// working set of the flow count, not a sequential stream):
//   1 rule (in_port=1 -> output:2), 1k / 64k / 1M distinct flows
//   1000 rules over 10 masks (IPv4 prefixes, port masks, 2-field tuples), 1k / 64k / 1M flows
// each measured as "walk" (classifier + pipeline walk only) and "emc+walk" (the worker path:
// full-key hash, 8192-entry exact-match cache, walk on a miss).
// Install: 100k and 1M rules through FlowTable::Commit, parse time reported separately, and
// the latency of a one-rule change on the 1M-rule table.
#include <arpa/inet.h>
#include <x86intrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "flow/flow_lookup.h"
#include "flow/flow_table.h"
#include "flow/rule_parser.h"

using namespace vswitch;
using namespace vswitch::flow;

namespace {

// Times are this thread's CPU time, not wall time: the benchmark machine is shared, and CPU
// time leaves out the periods other processes ran on our core (cache interference remains).
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
  }
};
double Secs(double a, double b) { return b - a; }
double WallNow() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double TscPerNs() {
  double t0 = WallNow();
  uint64_t c0 = __rdtsc();
  while (WallNow() - t0 < 0.2) {
  }
  uint64_t c1 = __rdtsc();
  return (c1 - c0) / ((WallNow() - t0) * 1e9);
}

FlowKey BaseKey() {
  FlowKey k;
  k.Clear();
  k.in_port = 1;
  k.eth_type = 0x0800;
  k.nw_proto = 17;
  k.nw_ttl = 64;
  return k;
}

// Distinct flows: UDP 5-tuples over a /16 of sources and destinations.
std::vector<FlowKey> MakeFlows(size_t n, std::mt19937_64& rng) {
  std::vector<FlowKey> keys(n);
  for (size_t i = 0; i < n; ++i) {
    FlowKey k = BaseKey();
    k.in_port = 1 + (rng() % 4 == 0);
    k.nw_src = htonl(0x0a000000u | static_cast<uint32_t>(i));
    k.nw_dst = htonl(0x0a000000u | static_cast<uint32_t>(rng() & 0xffffff));
    k.nw_proto = rng() % 2 ? 6 : 17;
    k.tp_src = static_cast<uint16_t>(1024 + (i & 0x3fff));
    k.tp_dst = static_cast<uint16_t>(rng() % 3 == 0 ? 80 : rng() & 0xffff);
    keys[i] = k;
  }
  return keys;
}

// `priority_by_mask`: priorities fall in a band per mask (more specific masks higher), as ACL
// and routing rule sets usually are; otherwise priorities are random across masks (the worst
// case for tuple-space search: every subtable must be probed).
std::vector<std::string> TenMaskRules(size_t n, std::mt19937_64& rng, bool priority_by_mask) {
  std::vector<std::string> out;
  auto ip = [&](int prefix) {
    uint32_t a = 0x0a000000u | static_cast<uint32_t>(rng() & 0xffffff);
    in_addr x;
    x.s_addr = htonl(a);
    return std::string(inet_ntoa(x)) + "/" + std::to_string(prefix);
  };
  for (size_t i = 0; i < n; ++i) {
    static const int kBand[10] = {1, 2, 3, 4, 6, 5, 8, 0, 7, 9};  // band per mask, by specificity
    int prio = priority_by_mask ? kBand[i % 10] * 100 + static_cast<int>(rng() % 100) : static_cast<int>(rng() % 1000);
    std::string r = "priority=" + std::to_string(prio) + ",";
    switch (i % 10) {
      case 0: r += "ip,nw_dst=" + ip(8); break;
      case 1: r += "ip,nw_dst=" + ip(16); break;
      case 2: r += "ip,nw_dst=" + ip(24); break;
      case 3: r += "ip,nw_dst=" + ip(32); break;
      case 4: r += "tcp,tp_dst=" + std::to_string(rng() & 0xffff); break;
      case 5: r += "tcp,tp_dst=" + std::to_string(rng() & 0xff00) + "/0xff00"; break;
      case 6: r += "udp,nw_src=" + ip(24) + ",tp_dst=" + std::to_string(rng() & 0xffff); break;
      case 7: r += "in_port=" + std::to_string(1 + rng() % 4) + ",ip"; break;
      case 8: r += "tcp,nw_src=" + ip(16) + ",nw_dst=" + ip(16); break;
      case 9: r += "ip,nw_src=" + ip(32); break;
    }
    r += ",actions=output:" + std::to_string(2 + rng() % 8);
    out.push_back(r);
  }
  return out;
}

struct LookupResult {
  double ns_per_lookup, mlookups, cycles, hit_rate;
};

template <bool kUseEmc>
LookupResult RunLookups(const FlowPipeline& p, const std::vector<FlowKey>& keys, double seconds, double tsc_per_ns) {
  ExactMatchCache emc(8192);
  constexpr uint32_t kBurst = 32;
  // Like a worker: each burst's keys are freshly written (by the parser) into a small local
  // array; the flows come from a large array read sequentially (a pcap replay), so the
  // classifier and cache tables see the flow count's working set.
  FlowKey local[kBurst];
  const FlowKey* burst[kBurst];
  for (uint32_t i = 0; i < kBurst; ++i) burst[i] = &local[i];
  PipelineResult results[kBurst];
  uint64_t lookups = 0, matched = 0, sink = 0;
  size_t pos = 0;
  auto t0 = Clock::now();
  double elapsed = 0;
  while (true) {
    for (int rep = 0; rep < 256; ++rep) {
      for (uint32_t i = 0; i < kBurst; ++i) {
        local[i] = keys[pos];
        if (++pos == keys.size()) pos = 0;
      }
      if constexpr (kUseEmc) {
        ClassifyBurst(p, &emc, burst, kBurst, results);
      } else {
        p.WalkBurst(burst, kBurst, results);
      }
      for (uint32_t i = 0; i < kBurst; ++i) {
        matched += results[i].depth != 0;
        sink += results[i].rules[0];
      }
      lookups += kBurst;
    }
    elapsed = Secs(t0, Clock::now());
    if (elapsed >= seconds) break;
  }
  if (sink == 42) std::puts("");  // keep the results alive
  LookupResult r;
  r.ns_per_lookup = elapsed * 1e9 / lookups;
  r.mlookups = lookups / elapsed / 1e6;
  r.cycles = r.ns_per_lookup * tsc_per_ns;
  r.hit_rate = static_cast<double>(matched) / lookups;
  return r;
}

void LookupCase(const char* name, FlowTable& table, const std::vector<FlowKey>& all_keys, size_t flows, double seconds,
                double tsc_per_ns) {
  std::vector<FlowKey> keys(all_keys.begin(), all_keys.begin() + flows);
  const FlowPipeline& p = *table.pipeline();
  LookupResult w = RunLookups<false>(p, keys, seconds, tsc_per_ns);
  LookupResult e = RunLookups<true>(p, keys, seconds, tsc_per_ns);
  std::printf("%-26s %8zu  walk: %7.1f Mlookups/s %6.1f ns %6.1f cyc | emc+walk: %7.1f Mlookups/s %6.1f ns %6.1f cyc  (rule hit %.0f%%)\n",
              name, flows, w.mlookups, w.ns_per_lookup, w.cycles, e.mlookups, e.ns_per_lookup, e.cycles, w.hit_rate * 100);
}

void InstallCase(size_t n, bool single_change) {
  std::mt19937_64 rng(n);
  // Distinct 5-tuple-ish rules over 4 masks, as a controller would push.
  std::vector<std::string> texts;
  texts.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    uint32_t a = 0x0a000000u | static_cast<uint32_t>(i);
    in_addr x;
    x.s_addr = htonl(a);
    std::string r = "priority=" + std::to_string(100 + i % 4) + ",";
    switch (i % 4) {
      case 0: r += std::string("ip,nw_dst=") + inet_ntoa(x); break;
      case 1: r += std::string("tcp,nw_src=") + inet_ntoa(x) + ",tp_dst=80"; break;
      case 2: r += std::string("udp,nw_dst=") + inet_ntoa(x) + ",tp_dst=53"; break;
      case 3: r += "in_port=" + std::to_string(1 + i % 8) + std::string(",ip,nw_src=") + inet_ntoa(x); break;
    }
    r += ",actions=output:" + std::to_string(1 + i % 16);
    texts.push_back(std::move(r));
  }
  auto t0 = Clock::now();
  std::vector<FlowMod> mods(n);
  for (size_t i = 0; i < n; ++i) {
    Status s = ParseFlowMod(texts[i], FlowModCommand::kAdd, nullptr, &mods[i]);
    if (!s.ok()) {
      std::printf("parse failed: %s\n", s.message().c_str());
      return;
    }
  }
  auto t1 = Clock::now();
  RuleCounters counters(2, 1u << 24);
  FlowTable table(&counters);
  Status s = table.Commit(std::move(mods), 0);
  auto t2 = Clock::now();
  if (!s.ok()) {
    std::printf("commit failed: %s\n", s.message().c_str());
    return;
  }
  const CommitTiming& ct = table.last_commit_timing();
  std::printf("install %8zu rules: parse %.3f s (%.2f M rules/s) | commit %.3f s = %.2f M rules/s "
              "(check+apply %.3f, compile %.3f) | parse+commit %.3f s\n",
              n, Secs(t0, t1), n / Secs(t0, t1) / 1e6, Secs(t1, t2), n / Secs(t1, t2) / 1e6, ct.apply_seconds,
              ct.build_seconds, Secs(t0, t2));
  if (single_change) {
    FlowMod m;
    ParseFlowMod("priority=100,ip,nw_dst=10.0.0.4,actions=output:9", FlowModCommand::kModifyStrict, nullptr, &m);
    auto a = Clock::now();
    s = table.Commit({m}, 0);
    auto b = Clock::now();
    std::printf("single-rule modify on %zu rules: %.1f ms until the new snapshot exists (%s)\n", n, Secs(a, b) * 1e3,
                s.ok() ? "ok" : s.message().c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
    else if (a == "--quick") quick = true;
    else {
      std::fprintf(stderr, "usage: flow_classifier_bench [--seconds S] [--quick]\n");
      return 2;
    }
  }
  double tsc_per_ns = TscPerNs();
  std::printf("TSC %.3f GHz; bursts of 32; times are thread CPU time, cycles = CPU ns x TSC GHz\n", tsc_per_ns);
  std::mt19937_64 rng(1);
  std::vector<FlowKey> keys = MakeFlows(quick ? 65536 : 1 << 20, rng);
  std::vector<size_t> flow_counts = {1000, 65536};
  if (!quick) flow_counts.push_back(1 << 20);

  {
    FlowTable t;
    FlowMod m;
    ParseFlowMod("in_port=1,actions=output:2", FlowModCommand::kAdd, nullptr, &m);
    t.Commit({m}, 0);
    for (size_t f : flow_counts) LookupCase("1 rule", t, keys, f, seconds, tsc_per_ns);
  }
  for (bool by_mask : {false, true}) {
    FlowTable t;
    std::vector<FlowMod> mods;
    for (const std::string& r : TenMaskRules(1000, rng, by_mask)) {
      mods.emplace_back();
      ParseFlowMod(r, FlowModCommand::kAdd, nullptr, &mods.back());
    }
    t.Commit(std::move(mods), 0);
    for (size_t f : flow_counts)
      LookupCase(by_mask ? "1000 rules/10 masks, band" : "1000 rules/10 masks, rand", t, keys, f, seconds, tsc_per_ns);
  }
  InstallCase(100000, false);
  if (!quick) InstallCase(1000000, true);
  return 0;
}
