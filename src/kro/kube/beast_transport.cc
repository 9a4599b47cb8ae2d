#include "kro/kube/beast_transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include "kro/kube/beast_connection.h"
#include "kro/kube/gzip_decoder.h"
#include "kro/kube/server_url.h"
#include "kro/kube/tls_client.h"

namespace kro::kube {
namespace {

using beast_internal::Connection;
using beast_internal::Done;
using beast_internal::IsClosedByPeer;
using beast_internal::kReadSize;
using beast_internal::LooksOpen;
using beast_internal::Run;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using SysError = boost::system::error_code;
using TlsStream = asio::ssl::stream<beast::tcp_stream>;

// Response headers larger than this are refused (the apiserver's are well under 1 KiB).
constexpr uint32_t kHeaderLimit = 64 * 1024;
// A Content-Length is trusted for pre-allocation only up to this; larger bodies grow as read.
constexpr size_t kMaxReserve = 64 * 1024 * 1024;

bool IsTokenChar(char ch) {
  return std::isalnum(static_cast<unsigned char>(ch)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(ch) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsTokenChar);
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char ch) { return ch == '\r' || ch == '\n' || ch == '\0'; });
}

// What an exchange on one connection came to.
struct Exchanged {
  SysError ec;                // the transport failure, if any
  bool got_response = false;    // a response byte arrived (so the request must not be retried)
  bool reusable = false;        // the response was read to its end on a keep-alive connection
  bool consumer_stopped = false;  // on_data returned false
  bool cancelled = false;       // the stop token was triggered
  Status decoded;               // a gzip body that could not be decoded
};

// "host:port" as a CONNECT request names the server (IPv6 bracketed, the port explicit).
std::string HostPort(const ServerUrl& url) {
  return (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) + ":" +
         url.port;
}

}  // namespace

struct BeastTransport::Impl {
  RestConfig config;
  BeastTransportOptions options;
  ServerUrl url;
  std::string tls_name;                   // SNI and the name the certificate must carry
  std::optional<asio::ssl::context> tls;  // set for https://
  std::optional<TlsSessionCache> sessions;  // of `tls`; declared after it, destroyed before
  std::optional<ProxyUrl> proxy;            // unset: connect directly
  std::shared_ptr<CredentialProvider> credentials;
  std::string fixed_headers;              // Host, User-Agent, Accept-Encoding
  std::mutex cert_mu;
  std::string session_cert;  // guarded by cert_mu: the exec client certificate of `sessions`
  std::atomic<long> connections{0};
  std::atomic<long> tunnels{0};
  std::atomic<long> resumed{0};
  std::atomic<long long> body_bytes{0};
  std::mutex mu;
  std::vector<std::unique_ptr<Connection>> idle;  // guarded by mu; the most recent last

  // 1. Pool.

  std::unique_ptr<Connection> TakeIdle() {
    while (true) {
      std::unique_ptr<Connection> c;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (idle.empty()) {
          return nullptr;
        }
        c = std::move(idle.back());
        idle.pop_back();
      }
      if (LooksOpen(*c)) {
        return c;
      }
      // Closed by the server while idle: drop it (outside the lock) and try the next.
    }
  }

  void Release(std::unique_ptr<Connection> c) {
    std::unique_lock<std::mutex> lock(mu);
    if (idle.size() < options.max_idle_connections) {
      idle.push_back(std::move(c));
      return;
    }
    lock.unlock();
    c.reset();  // closes the socket outside the lock
  }

  std::unique_ptr<Connection> NewConnection() {
    return std::make_unique<Connection>(tls ? &*tls : nullptr);
  }

  // 2. Connecting.

  // Resolves the server host, connects within `deadline` and, for https, completes the TLS
  // handshake. Errors as described for HttpTransport::Do.
  // Through a proxy, `host` and `port` are the proxy's and https servers are then reached
  // through a CONNECT tunnel.
  Status Connect(Connection& c, Clock::time_point deadline, std::chrono::milliseconds budget,
                 const Credentials& creds) {
    const std::string server = proxy ? config.server + " through proxy " + proxy->url
                                     : config.server;
    const std::string& host = proxy ? proxy->host : url.host;
    SysError ec;
    tcp::resolver resolver(c.ioc);
    // Synchronous: asio would run an asynchronous resolve on a thread of its own per io_context.
    auto endpoints = resolver.resolve(host, proxy ? proxy->port : url.port,
                                      tcp::resolver::numeric_service, ec);
    if (ec) {
      return Unavailable("cannot connect to " + server + ": cannot resolve \"" + host +
                             "\": " + ec.message(),
                         config.server);
    }
    c.tcp().expires_at(deadline);
    ec = Run(c, [&](Done done) { c.tcp().async_connect(endpoints, done); });
    if (ec) {
      if (ec == beast::error::timeout) {
        return DeadlineExceeded("connecting to " + server + " timed out after " +
                                    std::to_string(budget.count()) + " ms",
                                config.server);
      }
      return Unavailable("cannot connect to " + server + ": " + ec.message(), config.server);
    }
    ++connections;
    tcp::socket& socket = c.tcp().socket();
    socket.set_option(tcp::no_delay(true), ec);
    socket.set_option(asio::socket_base::keep_alive(true), ec);
    // Probe an idle connection (a quiet watch) after 60 s, every 60 s, as curl did by default.
    int secs = 60;
    ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_KEEPIDLE, &secs, sizeof secs);
    ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_KEEPINTVL, &secs, sizeof secs);
    if (!c.tls) {
      return Status::Ok();
    }
    if (proxy) {
      KRO_RETURN_IF_ERROR(Tunnel(c, server));
    }
    SSL* ssl = c.tls->native_handle();
    KRO_RETURN_IF_ERROR(PrepareTlsConnection(ssl, tls_name, !config.insecure_skip_tls_verify));
    if (!creds.client_cert_pem.empty()) {
      KRO_RETURN_IF_ERROR(UseClientCertificate(ssl, creds.client_cert_pem, creds.client_key_pem));
    }
    {
      // A session is resumed only with the client certificate it was established with.
      std::lock_guard<std::mutex> lock(cert_mu);
      if (session_cert != creds.client_cert_pem) {
        sessions->Clear();
        session_cert = creds.client_cert_pem;
      }
      sessions->Offer(ssl);
    }
    ec = Run(c, [&](Done done) { c.tls->async_handshake(asio::ssl::stream_base::client, done); });
    if (ec == beast::error::timeout) {
      return DeadlineExceeded("TLS handshake with " + server + " timed out after " +
                                  std::to_string(budget.count()) + " ms",
                              config.server);
    }
    if (ec) {
      return Unavailable("TLS error talking to " + server + ": " +
                             DescribeTlsFailure(ssl, tls_name, ec.message()),
                         config.server);
    }
    if (SSL_session_reused(ssl) == 1) {
      ++resumed;
    }
    return Status::Ok();
  }

  // Asks the proxy, on the connected socket, for a tunnel to the server (CONNECT host:port).
  Status Tunnel(Connection& c, const std::string& server) {
    std::string target = HostPort(url);
    std::string req = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\nUser-Agent: " +
                      options.user_agent + "\r\n";
    if (!proxy->authorization.empty()) {
      req += "Proxy-Authorization: " + proxy->authorization + "\r\n";
    }
    req += "\r\n";
    SysError ec = Run(c, [&](Done done) { asio::async_write(c.tcp(), asio::buffer(req), done); });
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a CONNECT response has no body: the tunnel follows the header
    parser.header_limit(kHeaderLimit);
    beast::flat_buffer buffer;
    if (!ec) {
      ec = Run(c, [&](Done done) { http::async_read_header(c.tcp(), buffer, parser, done); });
    }
    if (ec == beast::error::timeout) {
      return DeadlineExceeded("CONNECT to " + server + " timed out", config.server);
    }
    if (ec) {
      return Unavailable("cannot connect to " + server + ": CONNECT failed: " + ec.message(),
                         config.server);
    }
    int status = static_cast<int>(parser.get().result_int());
    if (status / 100 != 2) {
      return Unavailable("cannot connect to " + server + ": the proxy answered CONNECT with " +
                             std::to_string(status) + " " +
                             std::string(parser.get().reason()),
                         config.server);
    }
    if (buffer.size() != 0) {
      return Unavailable("cannot connect to " + server + ": the proxy sent data before TLS",
                         config.server);
    }
    ++tunnels;
    return Status::Ok();
  }

  // 3. One request and its response.

  // The request as sent: request line, headers and body. Errors: kInvalidArgument for a
  // method, path or header that would break the message framing.
  Result<std::string> Wire(const HttpRequest& r, const Credentials& creds) const {
    if (!IsToken(r.method) || r.path.empty() || r.path.front() != '/' ||
        r.path.find_first_of(" \t\r\n") != std::string::npos) {
      return InvalidArgument("malformed HTTP request: " + r.method + " \"" + r.path + "\"");
    }
    std::string w;
    if (HasControl(creds.authorization)) {
      return InvalidArgument("the credentials of " + config.source + " contain a line break");
    }
    w.reserve(r.method.size() + url.path_prefix.size() + r.path.size() + fixed_headers.size() +
              64 * (r.headers.size() + 3) + r.body.size());
    w.append(r.method).append(" ");
    if (proxy && !url.tls) {
      w.append("http://").append(url.authority);  // a plain-http proxy wants the absolute URI
    }
    w.append(url.path_prefix).append(r.path).append(" HTTP/1.1\r\n");
    w.append(fixed_headers);
    if (!creds.authorization.empty()) {
      w.append("Authorization: ").append(creds.authorization).append("\r\n");
    }
    for (const auto& [name, value] : r.headers) {
      if (!IsToken(name) || HasControl(value)) {
        return InvalidArgument("malformed HTTP header \"" + name + "\"");
      }
      w.append(name).append(": ").append(value).append("\r\n");
    }
    if (!r.body.empty() || (r.method != "GET" && r.method != "DELETE" && r.method != "HEAD")) {
      w.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
    }
    w.append("\r\n").append(r.body);
    return w;
  }

  Exchanged Exchange(Connection& c, const std::string& wire, HttpResponse& out,
                     const std::function<bool(std::string_view)>* on_data,
                     const std::stop_token* stop) {
    return c.tls ? ExchangeOn(c, *c.tls, wire, out, on_data, stop)
                 : ExchangeOn(c, *c.plain, wire, out, on_data, stop);
  }

  // Writes `wire` and reads the response into `out`: for a streaming 2xx response the body goes
  // to `on_data` as it arrives, otherwise into out.body. `stop` (streams only) is checked before
  // every operation; a cancelling close posted to the connection ends a pending one.
  template <class S>
  Exchanged ExchangeOn(Connection& c, S& stream, const std::string& wire, HttpResponse& out,
                       const std::function<bool(std::string_view)>* on_data,
                       const std::stop_token* stop) {
    Exchanged x;
    auto stopped = [&] {
      if (stop != nullptr && stop->stop_requested()) {
        x.cancelled = true;
      }
      return x.cancelled;
    };
    if (stopped()) {
      return x;
    }
    x.ec = Run(c, [&](Done done) { asio::async_write(stream, asio::buffer(wire), done); });
    if (x.ec || stopped()) {
      return x;
    }
    http::response_parser<http::buffer_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(boost::none);
    x.ec = Run(c, [&](Done done) { http::async_read_header(stream, c.buffer, parser, done); });
    x.got_response = parser.got_some();
    if (x.ec || stopped()) {
      return x;
    }
    const auto& header = parser.get();
    out.status = static_cast<int>(header.result_int());
    std::string_view content_type = header[http::field::content_type];
    out.content_type.assign(content_type.data(), content_type.size());

    bool streaming = on_data != nullptr && out.status >= 200 && out.status < 300;
    std::optional<GzipDecoder> gunzip;
    if (beast::iequals(header[http::field::content_encoding], "gzip")) {
      gunzip.emplace();
    }
    std::string decoded;  // a streamed chunk after gunzip
    std::unique_ptr<char[]> chunk;
    if (streaming) {
      chunk = std::make_unique<char[]>(kReadSize);
    } else if (auto length = parser.content_length()) {
      out.body.resize(static_cast<size_t>(std::min<uint64_t>(*length, kMaxReserve)));
    }
    size_t filled = 0;  // bytes of out.body received (the rest is room)
    while (!parser.is_done()) {
      char* room = chunk.get();
      size_t room_size = kReadSize;
      if (!streaming) {
        if (filled == out.body.size()) {
          out.body.resize(std::max(out.body.size() * 2, kReadSize));
        }
        room = out.body.data() + filled;
        room_size = out.body.size() - filled;
      }
      parser.get().body().data = room;
      parser.get().body().size = room_size;
      x.ec = Run(c, [&](Done done) { http::async_read_some(stream, c.buffer, parser, done); });
      if (x.ec == http::error::need_buffer) {
        x.ec = {};  // the room is full; the loop makes more
      }
      size_t n = room_size - parser.get().body().size;
      body_bytes += static_cast<long long>(n);
      std::string_view got(room, n);
      if (streaming && gunzip && n > 0) {
        decoded.clear();
        x.decoded = gunzip->Feed(got, decoded);
        if (!x.decoded.ok()) {
          return x;
        }
        got = decoded;
      }
      if (!streaming) {
        filled += n;
      } else if (!got.empty() && !(*on_data)(got)) {
        x.consumer_stopped = true;
        return x;
      }
      if (x.ec || stopped()) {
        break;
      }
    }
    if (!streaming) {
      out.body.resize(filled);
      if (gunzip && !x.ec && parser.is_done()) {
        auto plain = GunzipAll(out.body);
        if (!plain.ok()) {
          x.decoded = plain.status();
          return x;
        }
        out.body = std::move(*plain);
      }
    }
    x.reusable = !x.ec && !x.cancelled && parser.is_done() && parser.keep_alive();
    return x;
  }

  // One request on a pooled or new connection (Do and Stream, for one set of credentials).
  Result<HttpResponse> DoOnce(const std::string& wire, const Credentials& creds,
                              Clock::time_point deadline, std::chrono::milliseconds budget);
  Result<HttpResponse> StreamOnce(const std::string& wire, const Credentials& creds,
                                  std::stop_token stop,
                                  const std::function<bool(std::string_view)>& on_data);

  // The transport error for a failed exchange.
  Status Failure(Connection& c, const SysError& ec, Clock::time_point deadline,
                 std::chrono::milliseconds budget) const {
    const std::string& server = config.server;
    if (ec == beast::error::timeout || Clock::now() >= deadline) {
      return DeadlineExceeded(
          "request to " + server + " timed out after " + std::to_string(budget.count()) + " ms",
          server);
    }
    if (IsClosedByPeer(ec)) {
      return Unavailable(
          "request to " + server + " failed: connection closed by the server (" + ec.message() +
              ")",
          server);
    }
    if (c.tls && ec.category() == asio::error::get_ssl_category()) {
      return Unavailable("TLS error talking to " + server + ": " +
                             DescribeTlsFailure(c.tls->native_handle(), tls_name, ec.message()),
                         server);
    }
    return Unavailable("request to " + server + " failed: " + ec.message(), server);
  }
};

Result<std::unique_ptr<BeastTransport>> BeastTransport::Create(const RestConfig& config,
                                                               BeastTransportOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->options = std::move(options);
  KRO_ASSIGN_OR_RETURN(impl->url, ParseServerUrl(config.server));
  if (impl->url.tls) {
    KRO_ASSIGN_OR_RETURN(SslCtxPtr ctx, NewTlsClientContext(config));
    impl->tls.emplace(ctx.release());  // takes ownership
    impl->sessions.emplace(impl->tls->native_handle());
    impl->tls_name = TlsServerName(impl->url, config.tls_server_name);
  } else if (!config.tls_server_name.empty()) {
    return InvalidArgument("tls-server-name needs an https:// server, got \"" + config.server +
                           "\"");
  }
  ProxyEnvironment env = impl->options.proxy ? *impl->options.proxy : ProxyEnvironmentFromEnv();
  KRO_ASSIGN_OR_RETURN(impl->proxy, ProxyFor(env, impl->url.tls, impl->url.host, impl->url.port));
  impl->credentials = impl->options.credentials ? impl->options.credentials
                                                : NewCredentialProvider(config);
  std::string& h = impl->fixed_headers;
  h = "Host: " + impl->url.authority + "\r\nUser-Agent: " + impl->options.user_agent + "\r\n";
  if (impl->options.gzip) {
    h += "Accept-Encoding: gzip\r\n";
  }
  if (impl->proxy && !impl->url.tls && !impl->proxy->authorization.empty()) {
    h += "Proxy-Authorization: " + impl->proxy->authorization + "\r\n";
  }
  if (HasControl(config.bearer_token) || HasControl(impl->options.user_agent)) {
    return InvalidArgument("the bearer token or user agent of " + config.source +
                           " contains a line break");
  }
  return std::unique_ptr<BeastTransport>(new BeastTransport(std::move(impl)));
}

BeastTransport::BeastTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BeastTransport::~BeastTransport() = default;

long BeastTransport::connections_opened() const { return impl_->connections.load(); }

TransportStats BeastTransport::stats() const {
  return TransportStats{impl_->connections.load(), impl_->tunnels.load(), impl_->resumed.load(),
                        impl_->body_bytes.load()};
}

const std::optional<ProxyUrl>& BeastTransport::proxy() const { return impl_->proxy; }

Result<HttpResponse> BeastTransport::Do(const HttpRequest& request) {
  Impl& impl = *impl_;
  auto budget = request.timeout.count() > 0 ? request.timeout : impl.options.request_timeout;
  auto deadline = Clock::now() + budget;
  // A 401 makes the credential provider refresh; the request is then sent once more.
  for (int auth_attempt = 0;; ++auth_attempt) {
    KRO_ASSIGN_OR_RETURN(Credentials creds, impl.credentials->Get());
    KRO_ASSIGN_OR_RETURN(std::string wire, impl.Wire(request, creds));
    KRO_ASSIGN_OR_RETURN(HttpResponse response, impl.DoOnce(wire, creds, deadline, budget));
    if (response.status == 401 && auth_attempt == 0 && impl.credentials->Unauthorized(creds)) {
      continue;
    }
    return response;
  }
}

Result<HttpResponse> BeastTransport::Impl::DoOnce(const std::string& wire,
                                                  const Credentials& creds,
                                                  Clock::time_point deadline,
                                                  std::chrono::milliseconds budget) {
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<Connection> c = TakeIdle();
    bool reused = c != nullptr;
    if (!reused) {
      c = NewConnection();
      auto connect_budget = std::min(budget, options.connect_timeout);
      KRO_RETURN_IF_ERROR(
          Connect(*c, std::min(deadline, Clock::now() + connect_budget), connect_budget, creds));
    }
    c->tcp().expires_at(deadline);
    HttpResponse response;
    Exchanged x = Exchange(*c, wire, response, nullptr, nullptr);
    KRO_RETURN_IF_ERROR(x.decoded);
    if (!x.ec) {
      if (x.reusable) {
        Release(std::move(c));
      }
      return response;
    }
    if (reused && !x.got_response && attempt == 0 && Clock::now() < deadline) {
      continue;  // the server closed the kept-alive connection before it saw the request
    }
    return Failure(*c, x.ec, deadline, budget);
  }
}

Result<HttpResponse> BeastTransport::Stream(const HttpRequest& request, std::stop_token stop,
                                            const std::function<bool(std::string_view)>& on_data) {
  Impl& impl = *impl_;
  for (int auth_attempt = 0;; ++auth_attempt) {
    KRO_ASSIGN_OR_RETURN(Credentials creds, impl.credentials->Get());
    KRO_ASSIGN_OR_RETURN(std::string wire, impl.Wire(request, creds));
    KRO_ASSIGN_OR_RETURN(HttpResponse response, impl.StreamOnce(wire, creds, stop, on_data));
    if (response.status == 401 && auth_attempt == 0 && impl.credentials->Unauthorized(creds)) {
      continue;
    }
    return response;
  }
}

Result<HttpResponse> BeastTransport::Impl::StreamOnce(
    const std::string& wire, const Credentials& creds, std::stop_token stop,
    const std::function<bool(std::string_view)>& on_data) {
  auto cancelled = [&] {
    return Status(ErrorCode::kCancelled, "request to " + config.server + " cancelled");
  };
  for (int attempt = 0;; ++attempt) {
    if (stop.stop_requested()) {
      return cancelled();
    }
    std::unique_ptr<Connection> c = TakeIdle();
    bool reused = c != nullptr;
    if (!reused) {
      c = NewConnection();
    }
    HttpResponse response;
    Status connected;
    Exchanged x;
    {
      // A stop request closes the socket on the connection's own thread, which ends whichever
      // operation is pending; every operation also checks `stop` before it starts. Once this
      // callback is destroyed no close can be posted any more (its destructor waits for a
      // callback running on another thread).
      Connection& conn = *c;
      std::stop_callback on_stop(stop, [&conn] {
        asio::post(conn.ioc, [&conn] { conn.tcp().close(); });
      });
      if (!reused) {
        auto budget = options.connect_timeout;
        connected = Connect(conn, Clock::now() + budget, budget, creds);
      }
      if (connected.ok()) {
        conn.tcp().expires_never();
        x = Exchange(conn, wire, response, &on_data, &stop);
      }
    }
    // A close may still be queued on the connection: never reuse it after a stop request.
    if (stop.stop_requested()) {
      return cancelled();
    }
    KRO_RETURN_IF_ERROR(connected);
    KRO_RETURN_IF_ERROR(x.decoded);
    if (x.consumer_stopped) {
      return response;  // the rest of the response is unread: the connection is dropped
    }
    if (!x.ec) {
      if (x.reusable) {
        Release(std::move(c));
      }
      return response;
    }
    if (reused && !x.got_response && attempt == 0) {
      continue;  // the server closed the kept-alive connection before it saw the request
    }
    // Streams have no deadline, so this is never a timeout.
    return Failure(*c, x.ec, Clock::time_point::max(), std::chrono::milliseconds(0));
  }
}

}  // namespace kro::kube
