// Config files: vswitch.v1.Config in protobuf text format, or in JSON when the file name ends
// in ".json". Parsing is strict: an unknown field, a wrong type or a repeated singular field
// is an error that names the file, line and column (text format) so an operator can fix it.
// Parsing checks syntax only; ValidateConfig (config_validate.h) checks meaning.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "vswitch/v1/vswitch.pb.h"

namespace vswitch::controlplane {

enum class ConfigFormat { kText, kJson };

// ".json" (any case) = JSON, everything else = text format.
ConfigFormat ConfigFormatForPath(const std::string& path);

// `source` names the input in error messages, e.g. "/etc/vswitch/vswitch.conf".
Status ParseConfig(std::string_view text, ConfigFormat format, const std::string& source, v1::Config* out);

// Reads and parses `path`; a missing or unreadable file is an error naming the path.
Status LoadConfigFile(const std::string& path, v1::Config* out);

// Text format with a header comment; what the state file contains.
std::string ConfigToText(const v1::Config& config);

}  // namespace vswitch::controlplane
