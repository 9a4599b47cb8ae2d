// BeastTransport: HttpTransport over HTTP/1.1 (Boost.Beast) on Boost.Asio sockets, TLS by
// OpenSSL.
//
// TLS settings come from a RestConfig as in-memory PEM blobs (tls_client.h); the Authorization
// header (and an exec plugin's client certificate) from a CredentialProvider asked per request
// (credentials.h), so rotated tokens are used as soon as they are read; a 401 makes the provider
// refresh and the request is sent once more. Connections are kept alive and reused from a
// bounded idle pool, so a request normally costs no TCP or TLS handshake, and a new connection
// resumes the last TLS session. HTTPS_PROXY/HTTP_PROXY/NO_PROXY are honoured as client-go does
// (proxy.h): https servers through a CONNECT tunnel. Responses may be gzip-encoded
// (Accept-Encoding: gzip, as client-go sends; the apiserver compresses bodies above 128 KiB).
//
// Watches: HTTP/1.1, one keep-alive connection per open stream (returned to the pool when the
// server ends the watch), not HTTP/2 multiplexing as client-go uses by default. kro opens few
// watches (one per watched resource type), so the connection count stays small; a reconnect
// costs a TCP handshake and an abbreviated (resumed) TLS handshake; and one stalled TCP
// connection cannot stall every watch at once, the failure mode client-go needs HTTP/2 pings
// to detect. HTTP/2 would need a second protocol stack (nghttp2) for little gain here.
//
// A request runs on the calling thread, each connection on its own io_context, so threads never
// wait for each other except for the pool's lock. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "kro/kube/credentials.h"
#include "kro/kube/proxy.h"
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
  // Send Accept-Encoding: gzip and decode gzip bodies (client-go's DisableCompression: false).
  bool gzip = true;
  // The proxy settings; unset: read from the environment by Create.
  std::optional<ProxyEnvironment> proxy = std::nullopt;
  // Where credentials come from; null: NewCredentialProvider(config).
  std::shared_ptr<CredentialProvider> credentials = nullptr;
};

// Counters, for tests and diagnostics.
struct TransportStats {
  long connections_opened = 0;    // TCP connections to the server or the proxy
  long proxy_tunnels = 0;         // of which CONNECT tunnels established through a proxy
  long tls_sessions_resumed = 0;  // TLS handshakes that resumed an earlier session
  long long body_bytes_received = 0;  // response body bytes as received (before gunzip)
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
  TransportStats stats() const;
  // The proxy requests go through, if any.
  const std::optional<ProxyUrl>& proxy() const;

  struct Impl;

 private:
  explicit BeastTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kro::kube
