// CurlTransport: HttpTransport over libcurl, TLS by OpenSSL.
//
// Credentials come from a RestConfig as in-memory PEM blobs. Connections are kept alive and
// reused: idle easy handles are pooled, and a CURLSH share holds the connection cache, TLS
// sessions and DNS cache, so a request normally costs no TCP or TLS handshake. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "kro/kube/rest_config.h"
#include "kro/kube/transport.h"

namespace kro::kube {

struct CurlTransportOptions {
  // Default: 10 s to establish a connection (TCP + TLS).
  std::chrono::milliseconds connect_timeout{10000};
  // Default total time of a non-streaming request: 60 s.
  std::chrono::milliseconds request_timeout{60000};
  // Default: at most 32 idle easy handles are kept.
  size_t max_idle_handles = 32;
  std::string user_agent = "kro-cpp/0.1";
};

class CurlTransport final : public HttpTransport {
 public:
  // `config` is copied. Errors: kInvalidArgument when curl cannot be initialised.
  static Result<std::unique_ptr<CurlTransport>> Create(const RestConfig& config,
                                                       CurlTransportOptions options = {});
  ~CurlTransport() override;

  Result<HttpResponse> Do(const HttpRequest& request) override;
  Result<HttpResponse> Stream(const HttpRequest& request, std::stop_token stop,
                              const std::function<bool(std::string_view)>& on_data) override;

  // Number of TCP connections opened so far (for tests of connection reuse).
  long connections_opened() const;

  struct Impl;

 private:
  explicit CurlTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kro::kube
