#include "config/config_file.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace vswitch::controlplane {

namespace {

// Keeps the first error protobuf's text parser reports, with 1-based line and column
// (protobuf counts from 0). Later errors are usually consequences of the first.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (!has_error_) {
      has_error_ = true;
      error_ = "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) + ": " + message;
    }
  }
  bool has_error() const { return has_error_; }
  const std::string& error() const { return error_; }

 private:
  bool has_error_ = false;
  std::string error_;
};

Status ParseText(std::string_view text, const std::string& source, v1::Config* out) {
  FirstErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  // Strict: unknown fields are typos, not extensions.
  parser.AllowUnknownField(false);
  parser.AllowUnknownExtension(false);
  v1::Config config;
  if (!parser.ParseFromString(std::string(text), &config)) {
    return Status::InvalidArgument(source + ": " + (errors.has_error() ? errors.error() : "cannot parse text format"));
  }
  *out = std::move(config);
  return Status::Ok();
}

Status ParseJson(std::string_view text, const std::string& source, v1::Config* out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  v1::Config config;
  auto status = google::protobuf::util::JsonStringToMessage(std::string(text), &config, options);
  if (!status.ok()) {
    // The JSON parser appends the offending text and a caret on further lines; an error is
    // one line here (the daemon prints it as "vswitchd: error: ...").
    std::string message(status.message());
    message = message.substr(0, message.find('\n'));
    return Status::InvalidArgument(source + ": invalid JSON config: " + message);
  }
  *out = std::move(config);
  return Status::Ok();
}

}  // namespace

ConfigFormat ConfigFormatForPath(const std::string& path) {
  static constexpr std::string_view kJson = ".json";
  if (path.size() < kJson.size()) return ConfigFormat::kText;
  std::string tail = path.substr(path.size() - kJson.size());
  std::transform(tail.begin(), tail.end(), tail.begin(), [](unsigned char c) { return std::tolower(c); });
  return tail == kJson ? ConfigFormat::kJson : ConfigFormat::kText;
}

Status ParseConfig(std::string_view text, ConfigFormat format, const std::string& source, v1::Config* out) {
  return format == ConfigFormat::kJson ? ParseJson(text, source, out) : ParseText(text, source, out);
}

Status LoadConfigFile(const std::string& path, v1::Config* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open config file " + path + ": " + std::strerror(errno));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return Status::Internal("cannot read config file " + path + ": " + std::strerror(errno));
  return ParseConfig(contents.str(), ConfigFormatForPath(path), path, out);
}

std::string ConfigToText(const v1::Config& config) {
  std::string text;
  google::protobuf::TextFormat::Printer printer;
  printer.PrintToString(config, &text);
  return "# proto-file: proto/vswitch/v1/vswitch.proto\n# proto-message: vswitch.v1.Config\n" + text;
}

}  // namespace vswitch::controlplane
