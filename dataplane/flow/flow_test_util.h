// Test helpers: build a FlowTable from rule text, make keys from trace text.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flow/flow_table.h"
#include "flow/rule_parser.h"

namespace vswitch::flow::testing {

inline std::optional<uint32_t> TestPorts(std::string_view name) {
  if (name == "vm1") return 1;
  if (name == "vm2") return 2;
  if (name == "vm3") return 3;
  return std::nullopt;
}

inline FlowMod Mod(FlowModCommand cmd, const std::string& text) {
  FlowMod m;
  Status s = ParseFlowMod(text, cmd, TestPorts, &m);
  EXPECT_TRUE(s.ok()) << text << ": " << s.message();
  return m;
}

inline FlowMod Add(const std::string& text) { return Mod(FlowModCommand::kAdd, text); }

inline Status AddAll(FlowTable* t, const std::vector<std::string>& rules) {
  std::vector<FlowMod> mods;
  for (const auto& r : rules) mods.push_back(Add(r));
  return t->Commit(std::move(mods), 0);
}

inline FlowKey Key(const std::string& text) {
  FlowKey k;
  Status s = ParseTraceFlow(text, TestPorts, &k);
  EXPECT_TRUE(s.ok()) << text << ": " << s.message();
  return k;
}

}  // namespace vswitch::flow::testing
