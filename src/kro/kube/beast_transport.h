// BeastTransport: HttpTransport over HTTP/1.1 (Boost.Beast) on Boost.Asio sockets, TLS by
// OpenSSL.
//
// Credentials come from a RestConfig as in-memory PEM blobs (tls_client.h). Connections are kept
// alive and reused from a bounded idle pool, so a request normally costs no TCP or TLS
// handshake. A request runs on the calling thread, each connection on its own io_context, so
// threads never wait for each other except for the pool's lock. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "kro/kube/rest_config.h"
#include "kro/kube/transport.h"

namespace kro::kube {

struct BeastTransportOptions {
  // Default: 10 s to establish a connection (TCP + TLS), within the request's own timeout.
  std::chrono::milliseconds connect_timeout{10000};
  // Default total time of a non-streaming request: 60 s.
  std::chrono::milliseconds request_timeout{60000};
  // Default: at most 32 idle connections are kept; more are closed when released.
  size_t max_idle_connections = 32;
  std::string user_agent = "kro-cpp/0.1";
};

class BeastTransport final : public HttpTransport {
 public:
  // `config` is copied. Errors: kInvalidArgument for a server URL this transport cannot use
  // (server_url.h) or a CA, certificate or key that OpenSSL rejects (tls_client.h).
  static Result<std::unique_ptr<BeastTransport>> Create(const RestConfig& config,
                                                        BeastTransportOptions options = {});
  ~BeastTransport() override;

  BeastTransport(const BeastTransport&) = delete;
  BeastTransport& operator=(const BeastTransport&) = delete;

  // A request that fails before any response byte arrived on a reused (kept-alive)
  // connection, which the server may have closed meanwhile, is retried once on a new one.
  Result<HttpResponse> Do(const HttpRequest& request) override;
  // The stream's connection returns to the pool only when the server ended the response.
  Result<HttpResponse> Stream(const HttpRequest& request, std::stop_token stop,
                              const std::function<bool(std::string_view)>& on_data) override;

  // Number of TCP connections opened so far (for tests of connection reuse).
  long connections_opened() const;

  struct Impl;

 private:
  explicit BeastTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kro::kube
