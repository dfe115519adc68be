// libFuzzer target for the meter syntax. Feeds the input to both parsers and checks what must
// hold for anything they accept:
//  - ParseMeter ok => ValidateMeterSpec ok, FormatMeter -> ParseMeter gives an equal spec,
//    MeterTable accepts it, and metering with it never admits more than rate x time + burst
//    (+ the chunk slack) over a pseudo-random packet sequence on two workers;
//  - ParseMeterSelector ok => the id is 0 (all) or 1..65535 and formats back;
//  - nothing crashes, overflows or reads out of bounds (ASan/UBSan in the fuzz build).
// Built as a fuzzer with -DVSWITCH_FUZZ=ON (clang); also linked into meter_unit_tests, where
// meter_text_corpus_test.cc runs it over the checked-in seed corpus.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "meter/meter_table.h"
#include "meter/meter_text.h"

namespace {

using namespace vswitch;
using namespace vswitch::meter;

[[noreturn]] void Fail(const char* what, const std::string& input, const std::string& detail) {
  std::fprintf(stderr, "meter_text_fuzz: %s\n  input: %s\n  detail: %s\n", what, input.c_str(), detail.c_str());
  std::abort();
}

void CheckMetering(const MeterSpec& spec, const std::string& text) {
  constexpr uint64_t kHz = 1'000'000'000;
  MeterTableOptions o;
  o.tsc_hz = kHz;
  o.num_workers = 2;
  o.capacity = 1;
  std::unique_ptr<MeterTable> table;
  if (!MeterTable::Create(o, &table).ok()) Fail("table create failed", text, "");
  if (Status st = table->Add(spec, 0); !st.ok()) Fail("table refuses a parsed meter", text, st.message());
  const MeterConfigSet& set = *table->snapshot();
  uint16_t slot = set.SlotOf(spec.id);
  if (slot == kNoMeterSlot) Fail("added meter missing from the snapshot", text, "");
  // Packets every 1..4096 ns, 60..1559 bytes, alternating workers, for up to 2 ms.
  uint64_t now = 0, admitted_units = 0, x = spec.rate * 2654435761u + spec.burst_size;
  for (int i = 0; i < 2000; ++i) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    now += 1 + (x >> 52);
    uint32_t bytes = 60 + static_cast<uint32_t>((x >> 20) % 1500);
    if (table->worker_state(i & 1).Admit(set, slot, now, bytes))
      admitted_units += spec.unit == MeterUnit::kPktps ? 1 : bytes * 8;
  }
  // Bound in the meter's unit (bits for kbps): burst x 9/8 + rate x elapsed, plus rounding.
  long double unit = spec.unit == MeterUnit::kPktps ? 1.0L : 1000.0L;
  long double bound = static_cast<long double>(spec.EffectiveBurst()) * unit * 9 / 8 +
                      static_cast<long double>(spec.rate) * unit * now / kHz + 1560 * 8 + 2;
  if (static_cast<long double>(admitted_units) > bound)
    Fail("meter admitted more than rate + burst", text,
         std::to_string(admitted_units) + " > " + std::to_string(static_cast<double>(bound)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);

  MeterSpec spec;
  if (ParseMeter(text, &spec).ok()) {
    if (Status v = ValidateMeterSpec(spec); !v.ok()) Fail("parsed meter fails validation", text, v.message());
    std::string formatted = FormatMeter(spec);
    MeterSpec again;
    if (Status s = ParseMeter(formatted, &again); !s.ok()) Fail("formatted meter does not parse", text, formatted + " -> " + s.message());
    if (!(again == spec)) Fail("round trip changed the meter", text, formatted + " -> " + FormatMeter(again));
    CheckMetering(spec, text);
  }

  uint32_t id = 12345;
  if (ParseMeterSelector(text, &id).ok()) {
    if (id > kMaxMeterId) Fail("selector id out of range", text, std::to_string(id));
    uint32_t back = 0;
    std::string formatted = id == kAllMeters ? "meter=all" : "meter=" + std::to_string(id);
    if (!ParseMeterSelector(formatted, &back).ok() || back != id) Fail("selector round trip", text, formatted);
  }
  return 0;
}
