#include "kro/base/status.h"

#include <utility>

namespace kro {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "OK";
    case ErrorCode::kCancelled: return "CANCELLED";
    case ErrorCode::kUnknown: return "UNKNOWN";
    case ErrorCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case ErrorCode::kNotFound: return "NOT_FOUND";
    case ErrorCode::kAlreadyExists: return "ALREADY_EXISTS";
    case ErrorCode::kPermissionDenied: return "PERMISSION_DENIED";
    case ErrorCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case ErrorCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case ErrorCode::kAborted: return "ABORTED";
    case ErrorCode::kOutOfRange: return "OUT_OF_RANGE";
    case ErrorCode::kUnimplemented: return "UNIMPLEMENTED";
    case ErrorCode::kInternal: return "INTERNAL";
    case ErrorCode::kUnavailable: return "UNAVAILABLE";
    case ErrorCode::kUnauthenticated: return "UNAUTHENTICATED";
    case ErrorCode::kDataPending: return "DATA_PENDING";
  }
  return "UNKNOWN";
}

Status::Status(ErrorCode code, std::string message, std::string location) {
  if (code != ErrorCode::kOk) {
    rep_ = std::make_shared<const Rep>(Rep{code, std::move(message), std::move(location)});
  }
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return rep_ ? rep_->message : kEmpty;
}

const std::string& Status::location() const {
  static const std::string kEmpty;
  return rep_ ? rep_->location : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) {
    return "OK";
  }
  std::string out(ErrorCodeName(rep_->code));
  out += ": ";
  out += rep_->message;
  if (!rep_->location.empty()) {
    out += " (at " + rep_->location + ")";
  }
  return out;
}

Status Status::WithPrefix(std::string_view prefix) const {
  if (ok()) {
    return *this;
  }
  return Status(rep_->code, std::string(prefix) + ": " + rep_->message, rep_->location);
}

#define KRO_STATUS_FACTORY(Name, Code)                       \
  Status Name(std::string message, std::string location) {   \
    return Status(ErrorCode::Code, std::move(message), std::move(location)); \
  }
KRO_STATUS_FACTORY(InvalidArgument, kInvalidArgument)
KRO_STATUS_FACTORY(NotFound, kNotFound)
KRO_STATUS_FACTORY(AlreadyExists, kAlreadyExists)
KRO_STATUS_FACTORY(FailedPrecondition, kFailedPrecondition)
KRO_STATUS_FACTORY(Internal, kInternal)
KRO_STATUS_FACTORY(Unavailable, kUnavailable)
KRO_STATUS_FACTORY(Unimplemented, kUnimplemented)
KRO_STATUS_FACTORY(OutOfRange, kOutOfRange)
KRO_STATUS_FACTORY(DataPending, kDataPending)
KRO_STATUS_FACTORY(Aborted, kAborted)
KRO_STATUS_FACTORY(DeadlineExceeded, kDeadlineExceeded)
KRO_STATUS_FACTORY(PermissionDenied, kPermissionDenied)
KRO_STATUS_FACTORY(ResourceExhausted, kResourceExhausted)
#undef KRO_STATUS_FACTORY

}  // namespace kro
