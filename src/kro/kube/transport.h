// HttpTransport: the seam between the Kubernetes client and the network.
//
// The production implementation is BeastTransport (beast_transport.h); tests may substitute
// their own. Implementations must be thread-safe: one transport serves every thread of a Client.
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kro/base/result.h"

namespace kro::kube {

struct HttpRequest {
  std::string method = "GET";
  // Path and query relative to the server, e.g. "/api/v1/namespaces/a/pods?limit=10".
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Total time allowed for a non-streaming request; zero means the transport's default.
  std::chrono::milliseconds timeout{0};
};

struct HttpResponse {
  int status = 0;  // HTTP status code
  std::string content_type;
  std::string body;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Performs `request` and returns the whole response, whatever its HTTP status.
  // Errors (only when no HTTP response was received): kUnavailable naming the server address
  // and the cause (connection refused, TLS verification failure ...), kDeadlineExceeded on
  // timeout.
  virtual Result<HttpResponse> Do(const HttpRequest& request) = 0;

  // Performs a long-running request (a watch). For a 2xx response the body is passed to
  // `on_data` chunk by chunk as it arrives and is not kept; otherwise it is returned in the
  // response body. Returns when the server ends the response, when `on_data` returns false, or
  // when `stop` is requested (then kCancelled). request.timeout is ignored.
  virtual Result<HttpResponse> Stream(const HttpRequest& request, std::stop_token stop,
                                      const std::function<bool(std::string_view)>& on_data) = 0;
};

}  // namespace kro::kube
