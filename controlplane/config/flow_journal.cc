#include "config/flow_journal.h"

#include <array>
#include <utility>

namespace vswitch::controlplane {

namespace {

using Command = FlowModRequest::Command;

constexpr std::array<std::pair<Command, std::string_view>, 5> kWords = {{
    {Command::kAdd, "add"},
    {Command::kModify, "modify"},
    {Command::kModifyStrict, "modify_strict"},
    {Command::kDelete, "delete"},
    {Command::kDeleteStrict, "delete_strict"},
}};
constexpr std::string_view kCommit = "commit";

std::string_view WordOf(Command c) {
  for (const auto& [command, word] : kWords)
    if (command == c) return word;
  return "add";
}

}  // namespace

bool AppendJournalBatch(std::span<const FlowModView> mods, std::string* out) {
  size_t bytes = kCommit.size() + 1;
  for (const FlowModView& m : mods) {
    if (m.text.find_first_of("\r\n") != std::string_view::npos) return false;
    bytes += WordOf(m.command).size() + 1 + m.text.size() + 1;
  }
  out->reserve(out->size() + bytes);
  for (const FlowModView& m : mods) {
    out->append(WordOf(m.command));
    out->push_back(' ');
    out->append(m.text);
    out->push_back('\n');
  }
  out->append(kCommit);
  out->push_back('\n');
  return true;
}

Status ParseJournal(std::string_view text, std::vector<FlowBatch>* batches, bool* torn) {
  batches->clear();
  *torn = false;
  FlowBatch open;
  size_t line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    if (end == std::string_view::npos) {
      // No line break after the last line: the append was cut inside it.
      *torn = true;
      return Status::Ok();
    }
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    ++line_number;
    if (line == kCommit) {
      batches->push_back(std::move(open));
      open.clear();
      continue;
    }
    size_t space = line.find(' ');
    std::string_view word = line.substr(0, space);
    bool known = false;
    for (const auto& [command, name] : kWords) {
      if (word != name) continue;
      open.push_back({command, std::string(space == std::string_view::npos ? std::string_view() : line.substr(space + 1))});
      known = true;
      break;
    }
    if (!known) {
      return Status::InvalidArgument("line " + std::to_string(line_number) + ": '" + std::string(word) +
                                     "' is not a flow-mod command (add, modify, modify_strict, delete, delete_strict) or commit");
    }
  }
  *torn = !open.empty();
  return Status::Ok();
}

}  // namespace vswitch::controlplane
