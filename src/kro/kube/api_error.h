// Converts API server failures (HTTP status + a metav1.Status body) into kro::Status values.
//
// The ErrorCode is chosen from the HTTP code and the Status reason, never the message text:
//   400 BadRequest, 422 Invalid, 415, 406 -> kInvalidArgument   401 -> kUnauthenticated
//   403 -> kPermissionDenied   404 -> kNotFound   405 -> kUnimplemented
//   409 AlreadyExists -> kAlreadyExists, other 409 (Conflict) -> kAborted
//   410 Gone/Expired -> kOutOfRange (the watch must relist)   412 -> kFailedPrecondition
//   429 -> kResourceExhausted   500 -> kInternal   503, 502 -> kUnavailable   504 -> kDeadlineExceeded
// The message keeps the server's words and its reason: "<server message> (HTTP 409 Conflict)".
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "kro/base/status.h"

namespace kro::kube {

// The interesting fields of a metav1.Status body.
struct ApiStatus {
  int code = 0;
  std::string reason;   // "NotFound", "Conflict", "AlreadyExists", "Forbidden", "Expired" ...
  std::string message;  // the server's sentence
};

// Parses a metav1.Status from `body`; falls back to the raw body text as message.
ApiStatus ParseApiStatus(int http_code, std::string_view body);

// Maps an HTTP code and reason to an ErrorCode (see the table above).
ErrorCode ErrorCodeForHttp(int http_code, std::string_view reason);

// A non-OK Status for a failed request. `what` describes the request ("get deployments.v1.apps
// ns/name"); it prefixes the message and becomes the location.
Status StatusFromResponse(int http_code, std::string_view body, std::string_view what);

}  // namespace kro::kube
