// libFuzzer target for the rule syntax. Feeds the input to every parser entry point and checks
// the invariants that must hold for anything the parser accepts:
//  - ParseRule ok  => ValidateRule ok, format -> parse gives an equal rule (with and without
//    dump statistics and port names), and the classifier finds the rule for its own key;
//  - ParseFlowFilter ok => its match formats and parses back equal;
//  - nothing crashes, hangs or reads out of bounds on any input (ASan/UBSan in the fuzz build).
// Built as a fuzzer with -DVSWITCH_FUZZ=ON (clang); also linked into flow_unit_tests, where
// rule_parser_corpus_test.cc runs it over the checked-in seed corpus.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "flow/classifier.h"
#include "flow/match_fields.h"
#include "flow/rule_formatter.h"
#include "flow/rule_parser.h"

namespace {

using namespace vswitch;
using namespace vswitch::flow;

std::optional<uint32_t> Resolve(std::string_view name) {
  if (name == "vm1") return 1;
  if (name == "vm2") return 2;
  if (name == "uplink") return 100;
  return std::nullopt;
}
std::optional<std::string> Name(uint32_t port) {
  if (port == 1) return "vm1";
  if (port == 2) return "vm2";
  if (port == 100) return "uplink";
  return std::nullopt;
}

[[noreturn]] void Fail(const char* what, const std::string& input, const std::string& detail) {
  std::fprintf(stderr, "rule_parser_fuzz: %s\n  input: %s\n  detail: %s\n", what, input.c_str(), detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);

  Rule rule;
  if (ParseRule(text, Resolve, &rule).ok()) {
    Status v = ValidateRule(rule);
    if (!v.ok()) Fail("parsed rule fails validation", text, v.message());
    for (int variant = 0; variant < 3; ++variant) {
      RuleDumpStats stats{123456, 7, 890};
      std::string formatted = FormatRule(rule, variant == 1 ? PortNamer(Name) : PortNamer(), variant == 2 ? &stats : nullptr);
      Rule again;
      Status s = ParseRule(formatted, Resolve, &again);
      if (!s.ok()) Fail("formatted rule does not parse", text, formatted + " -> " + s.message());
      if (!(again == rule)) Fail("round trip changed the rule", text, formatted + " -> " + FormatRule(again));
    }
    Classifier c;
    Classifier::BuildEntry e{0, RuleRank(rule.priority, 0), &rule.match.key, &rule.match.mask};
    c.Build({&e, 1});
    if (c.Lookup(rule.match.key) != 0) Fail("classifier misses the rule's own key", text, FormatRule(rule));
  }

  for (FlowModCommand cmd : {FlowModCommand::kModify, FlowModCommand::kModifyStrict, FlowModCommand::kDelete,
                             FlowModCommand::kDeleteStrict}) {
    FlowMod mod;
    (void)ParseFlowMod(text, cmd, Resolve, &mod);
  }

  FlowFilter filter;
  if (ParseFlowFilter(text, Resolve, &filter).ok()) {
    std::string m = FormatMatch(filter.match);
    FlowFilter again;
    Status s = ParseFlowFilter(m, Resolve, &again);
    if (!s.ok()) Fail("formatted match does not parse", text, m + " -> " + s.message());
    if (!(again.match == filter.match)) Fail("match round trip changed it", text, m);
  }

  FlowKey key;
  (void)ParseTraceFlow(text, Resolve, &key);
  return 0;
}
