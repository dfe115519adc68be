// Micro-benchmark (not a test): nanoseconds per MeterState::Admit on the paths a worker takes,
// with the real TSC as the clock (read once per 32-packet burst, as a worker does).
//   conforming  : a meter far above the offered load (local credit, a chunk refill now and then)
//   policing    : a meter far below it (most packets are dropped after a look at the shared bucket)
//   burst-32    : AdmitBurst over 32 packets of a conforming meter
//   2 workers   : two threads on one meter at a rate that makes them take chunks often (CAS)
// Usage: meter_admit_bench [packets-per-case]   (default 50,000,000)
#include <x86intrin.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "meter/meter_table.h"
#include "meter/meter_text.h"

using namespace vswitch;
using namespace vswitch::meter;

namespace {

uint64_t CalibrateTscHz() {
  auto t0 = std::chrono::steady_clock::now();
  uint64_t c0 = __rdtsc();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  uint64_t c1 = __rdtsc();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return static_cast<uint64_t>((c1 - c0) / s);
}

std::unique_ptr<MeterTable> MakeTable(uint64_t hz, uint32_t workers, const char* meter) {
  MeterTableOptions o;
  o.tsc_hz = hz;
  o.num_workers = workers;
  o.capacity = 64;
  std::unique_ptr<MeterTable> t;
  MeterSpec spec;
  if (!MeterTable::Create(o, &t).ok() || !ParseMeter(meter, &spec).ok() || !t->Add(spec, __rdtsc()).ok()) std::abort();
  return t;
}

struct Result {
  double ns_per_packet;
  double admitted_share;
};

Result RunSingle(MeterTable& t, uint32_t worker, uint64_t packets, bool burst_api) {
  const MeterConfigSet& set = *t.snapshot();
  uint16_t slot = set.SlotOf(1);
  MeterState& st = t.worker_state(worker);
  uint32_t bytes[32];
  for (uint32_t i = 0; i < 32; ++i) bytes[i] = 64 + (i * 37) % 1400;
  uint64_t admitted = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t done = 0; done < packets; done += 32) {
    uint64_t now = __rdtsc();
    if (burst_api) {
      admitted += __builtin_popcountll(st.AdmitBurst(set, slot, now, bytes, 32));
    } else {
      for (uint32_t i = 0; i < 32; ++i) admitted += st.Admit(set, slot, now, bytes[i]);
    }
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {s * 1e9 / static_cast<double>(packets), static_cast<double>(admitted) / static_cast<double>(packets)};
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t packets = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 50'000'000;
  uint64_t hz = CalibrateTscHz();
  std::printf("TSC %.3f GHz, %llu packets per case\n", hz / 1e9, static_cast<unsigned long long>(packets));

  auto conforming = MakeTable(hz, 1, "meter=1,pktps,bands=type=drop,rate=4000000000");
  Result r = RunSingle(*conforming, 0, packets, false);
  std::printf("conforming   Admit      %6.2f ns/packet  (admitted %5.1f%%)\n", r.ns_per_packet, 100 * r.admitted_share);

  auto kbps = MakeTable(hz, 1, "meter=1,kbps,bands=type=drop,rate=4000000000");
  r = RunSingle(*kbps, 0, packets, false);
  std::printf("conforming   Admit kbps %6.2f ns/packet  (admitted %5.1f%%)\n", r.ns_per_packet, 100 * r.admitted_share);

  auto policing = MakeTable(hz, 1, "meter=1,pktps,burst,bands=type=drop,rate=1000000,burst_size=64");
  r = RunSingle(*policing, 0, packets, false);
  std::printf("policing     Admit      %6.2f ns/packet  (admitted %5.1f%%)\n", r.ns_per_packet, 100 * r.admitted_share);

  auto burst = MakeTable(hz, 1, "meter=1,pktps,bands=type=drop,rate=4000000000");
  r = RunSingle(*burst, 0, packets, true);
  std::printf("conforming   AdmitBurst %6.2f ns/packet  (admitted %5.1f%%)\n", r.ns_per_packet, 100 * r.admitted_share);

  // Two workers sharing one meter of 20 Mpps with a 64-packet burst: chunks of 4 packets, so
  // roughly one compare-and-swap on the shared line per 4 admitted packets per worker.
  auto shared = MakeTable(hz, 2, "meter=1,pktps,burst,bands=type=drop,rate=20000000,burst_size=64");
  std::vector<Result> results(2);
  std::vector<std::thread> threads;
  for (uint32_t w = 0; w < 2; ++w) threads.emplace_back([&, w] { results[w] = RunSingle(*shared, w, packets / 2, false); });
  for (auto& t : threads) t.join();
  std::printf("2 workers    Admit      %6.2f / %6.2f ns/packet  (admitted %5.1f%% / %5.1f%%)\n", results[0].ns_per_packet,
              results[1].ns_per_packet, 100 * results[0].admitted_share, 100 * results[1].admitted_share);
  return 0;
}
