#include "config/config_fuzz.h"

#include <google/protobuf/util/message_differencer.h>

#include <cstdlib>
#include <string_view>

#include "config/config_file.h"
#include "config/config_validate.h"

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
  return 0;
}

}  // namespace vswitch::controlplane
