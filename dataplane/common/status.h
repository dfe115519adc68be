// Status: the result of every control-path call in the dataplane library.
//
// The control path never throws across the library boundary: a caller (the gRPC service,
// the config loader, a test) gets a code it can map to its own error space and a message
// that names the field and the reason, e.g. "port 'vm1': option 'mode': expected client or
// server, got 'clinet'".
#pragma once

#include <string>
#include <utility>

namespace vswitch {

class Status {
 public:
  enum class Code { kOk, kInvalidArgument, kNotFound, kAlreadyExists, kUnavailable, kResourceExhausted, kInternal };

  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return Status(Code::kInvalidArgument, std::move(m)); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status AlreadyExists(std::string m) { return Status(Code::kAlreadyExists, std::move(m)); }
  static Status Unavailable(std::string m) { return Status(Code::kUnavailable, std::move(m)); }
  static Status ResourceExhausted(std::string m) { return Status(Code::kResourceExhausted, std::move(m)); }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes the message with context, keeping the code: "port 'vm1': " + message.
  Status WithContext(const std::string& context) const {
    return ok() ? *this : Status(code_, context + ": " + message_);
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace vswitch
