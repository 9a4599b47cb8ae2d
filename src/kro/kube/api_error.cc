#include "kro/kube/api_error.h"

#include "kro/json/json.h"

namespace kro::kube {

ApiStatus ParseApiStatus(int http_code, std::string_view body) {
  ApiStatus st;
  st.code = http_code;
  auto doc = json::Parse(body);
  if (doc.ok() && doc->is_object()) {
    const json::Object& o = doc->get_object();
    if (auto* r = o.if_contains("reason"); r != nullptr && r->is_string()) {
      st.reason = std::string(r->get_string());
    }
    if (auto* m = o.if_contains("message"); m != nullptr && m->is_string()) {
      st.message = std::string(m->get_string());
    }
    if (auto* c = o.if_contains("code"); c != nullptr && c->is_int64() && c->get_int64() != 0) {
      st.code = static_cast<int>(c->get_int64());
    }
  } else {
    std::string_view text = body.substr(0, 512);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
      text.remove_suffix(1);
    }
    st.message = std::string(text);
  }
  return st;
}

ErrorCode ErrorCodeForHttp(int http_code, std::string_view reason) {
  switch (http_code) {
    case 400:
    case 406:
    case 415:
    case 422:
      return ErrorCode::kInvalidArgument;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 405:
      return ErrorCode::kUnimplemented;
    case 409:
      return reason == "AlreadyExists" ? ErrorCode::kAlreadyExists : ErrorCode::kAborted;
    case 410:
      return ErrorCode::kOutOfRange;
    case 412:
      return ErrorCode::kFailedPrecondition;
    case 429:
      return ErrorCode::kResourceExhausted;
    case 500:
      return ErrorCode::kInternal;
    case 502:
    case 503:
      return ErrorCode::kUnavailable;
    case 504:
      return ErrorCode::kDeadlineExceeded;
    default:
      break;
  }
  if (http_code >= 500) {
    return ErrorCode::kUnavailable;
  }
  return ErrorCode::kUnknown;
}

Status StatusFromResponse(int http_code, std::string_view body, std::string_view what) {
  ApiStatus st = ParseApiStatus(http_code, body);
  std::string msg(what);
  msg += ": ";
  msg += st.message.empty() ? "no message" : st.message;
  msg += " (HTTP " + std::to_string(http_code);
  if (!st.reason.empty()) {
    msg += " " + st.reason;
  }
  msg += ")";
  return Status(ErrorCodeForHttp(http_code, st.reason), std::move(msg), std::string(what));
}

}  // namespace kro::kube
