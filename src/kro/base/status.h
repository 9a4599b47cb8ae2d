// kro::Status: the outcome of an operation that can fail, as a value.
//
// A Status is OK or carries a canonical ErrorCode, a message and an optional user-facing location
// ("file:line:col", a field path, an address). Decisions (retry, requeue, terminal) are made by
// code, never by message text. Thread-compatible; an OK status holds no allocation.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace kro {

// A subset of abseil's canonical codes plus kDataPending (a dependency's data is not there yet).
enum class ErrorCode {
  kOk = 0,
  kCancelled,
  kUnknown,
  kInvalidArgument,     // bad input; do not retry until the input changes
  kDeadlineExceeded,    // retry
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kResourceExhausted,   // 429 or a budget ran out; retry with back-off
  kFailedPrecondition,  // the system state must be fixed first
  kAborted,             // conflict; retry the whole read-modify-write
  kOutOfRange,
  kUnimplemented,
  kInternal,
  kUnavailable,         // transient; retry the call
  kUnauthenticated,
  kDataPending,         // kro: a referenced value is not available yet; requeue, not an error
};

// Returns the upper-case name of `code` ("NOT_FOUND").
std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message, std::string location = {});

  static Status Ok() { return Status(); }

  bool ok() const { return rep_ == nullptr; }
  ErrorCode code() const { return rep_ ? rep_->code : ErrorCode::kOk; }
  // The message without code or location; empty when OK.
  const std::string& message() const;
  // Where the problem is ("rgd.yaml:12:7", "spec.resources[2].template"); may be empty.
  const std::string& location() const;

  // "NOT_FOUND: message (at location)"; "OK" when OK.
  std::string ToString() const;

  // Returns a copy whose message is "prefix: message".
  Status WithPrefix(std::string_view prefix) const;

  bool Is(ErrorCode c) const { return code() == c; }

 private:
  struct Rep {
    ErrorCode code;
    std::string message;
    std::string location;
  };
  std::shared_ptr<const Rep> rep_;
};

// Factories named after the code.
Status InvalidArgument(std::string message, std::string location = {});
Status NotFound(std::string message, std::string location = {});
Status AlreadyExists(std::string message, std::string location = {});
Status FailedPrecondition(std::string message, std::string location = {});
Status Internal(std::string message, std::string location = {});
Status Unavailable(std::string message, std::string location = {});
Status Unimplemented(std::string message, std::string location = {});
Status OutOfRange(std::string message, std::string location = {});
Status DataPending(std::string message, std::string location = {});
Status Aborted(std::string message, std::string location = {});
Status DeadlineExceeded(std::string message, std::string location = {});
Status PermissionDenied(std::string message, std::string location = {});
Status ResourceExhausted(std::string message, std::string location = {});

}  // namespace kro
