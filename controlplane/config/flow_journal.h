// The flow journal: flow-mod batches committed since the last state snapshot, appended to
// STATE_DIR/flows.<generation>.journal instead of rewriting the whole state file.
//
// Rewriting state.textproto formats every installed rule: with a million rules that is ~1.3 s
// and 70 MB written per call, so a one-rule add-flow took 0.85 s instead of milliseconds
// (measured). A batch is journaled as the texts the client sent, one flow-mod per line, and
// a closing "commit" line:
//     add priority=100,ip,nw_dst=10.0.0.1,actions=output:2
//     delete_strict priority=5,tcp
//     commit
// A batch whose "commit" line is missing (the daemon died while appending) is not replayed,
// so a batch is restored whole or not at all, as it was applied. Replaying the journal's
// batches in order on top of the snapshot they follow gives the flow tables as they were.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "switch/switch.h"

namespace vswitch::controlplane {

using FlowBatch = std::vector<FlowModRequest>;

// Appends one batch in journal form to *out. Fails (out untouched) for a text that cannot be
// one journal line (a line break in it): the caller then saves a full snapshot instead.
bool AppendJournalBatch(std::span<const FlowModView> mods, std::string* out);

// The complete batches of a journal, in order. *torn is set when the text ends inside a batch
// (that batch is left out). A line that is neither a known command nor "commit" is an error
// naming its line number.
Status ParseJournal(std::string_view text, std::vector<FlowBatch>* batches, bool* torn);

}  // namespace vswitch::controlplane
