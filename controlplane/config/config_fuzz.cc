#include "config/config_fuzz.h"

#include <google/protobuf/util/message_differencer.h>

#include <cstdlib>
#include <string_view>

#include "config/config_file.h"
#include "config/config_validate.h"
#include "config/flow_journal.h"

namespace vswitch::controlplane {

int FuzzConfigParser(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (ConfigFormat format : {ConfigFormat::kText, ConfigFormat::kJson}) {
    v1::Config config;
    Status parsed = ParseConfig(text, format, "fuzz", &config);
    if (!parsed.ok()) {
      if (parsed.message().empty()) std::abort();  // every rejection must say why
      continue;
    }
    Status valid = ValidateConfig(config);
    if (!valid.ok() && valid.message().empty()) std::abort();
    // What we print, we must be able to read back (the state file depends on it).
    v1::Config reparsed;
    if (!ParseConfig(ConfigToText(config), ConfigFormat::kText, "fuzz-roundtrip", &reparsed).ok()) std::abort();
    if (!google::protobuf::util::MessageDifferencer::Equals(reparsed, config)) std::abort();
  }
  // The state directory's other file: the flow journal. What parses must journal back to
  // the same batches (unless a text holds a '\r', which the journal refuses to write).
  std::vector<FlowBatch> batches;
  bool torn = false;
  Status journal = ParseJournal(text, &batches, &torn);
  if (!journal.ok()) {
    if (journal.message().empty()) std::abort();
    return 0;
  }
  std::string rewritten;
  bool writable = true;
  for (const FlowBatch& batch : batches) writable = writable && AppendJournalBatch(ViewsOf(batch), &rewritten);
  if (writable) {
    std::vector<FlowBatch> again;
    bool torn_again = true;
    if (!ParseJournal(rewritten, &again, &torn_again).ok() || torn_again || again != batches) std::abort();
  }
  return 0;
}

}  // namespace vswitch::controlplane
