// Internal to beast_transport.cc: one keep-alive connection (plain or TLS) on its own
// io_context, and running one asynchronous operation on it to completion on the calling thread.
#pragma once

#include <poll.h>

#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>

namespace kro::kube::beast_internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using SysError = boost::system::error_code;
using TlsStream = asio::ssl::stream<beast::tcp_stream>;

// Socket reads are up to this size; a streamed body reaches on_data in chunks of at most this.
inline constexpr size_t kReadSize = 16 * 1024;

// One keep-alive connection. It is used by one thread at a time (it is either in the pool or
// owned by the request running on it) and that thread runs `ioc`; the only other access is a
// close posted to `ioc` when a Stream is cancelled.
struct Connection {
  explicit Connection(asio::ssl::context* tls_context) {
    if (tls_context != nullptr) {
      tls.emplace(ioc, *tls_context);
    } else {
      plain.emplace(ioc);
    }
    buffer.reserve(kReadSize);  // beast reads at most capacity - size bytes per read
  }

  // OpenSSL marks a connection's session not resumable when the connection is freed without a
  // close_notify having been sent, which is how pooled connections end (the socket is simply
  // closed). Marking the shutdown done keeps the session for TlsSessionCache.
  ~Connection() {
    if (tls) {
      SSL_set_shutdown(tls->native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    }
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  beast::tcp_stream& tcp() { return tls ? tls->next_layer() : *plain; }

  // Declared first so that it is destroyed last, after the streams registered with it.
  asio::io_context ioc{1};
  std::optional<beast::tcp_stream> plain;  // http://
  std::optional<TlsStream> tls;            // https://
  beast::flat_buffer buffer;               // bytes read but not yet parsed
};

// Completion handler of one operation: records its error. (Byte counts are not needed: the
// parser and buffer_body say how much was read.)
struct Done {
  SysError* ec;
  template <class... Rest>
  void operator()(SysError e, Rest&&... /*bytes or endpoint*/) const {
    *ec = e;
  }
};

// Starts one asynchronous operation with start(Done) and runs the connection's io_context on
// this thread until the operation (and whatever else was queued, such as a cancelling close)
// has finished. Returns the operation's error.
template <class Start>
SysError Run(Connection& c, Start&& start) {
  SysError ec = asio::error::operation_aborted;
  start(Done{&ec});
  c.ioc.restart();
  c.ioc.run();
  return ec;
}

// False when the server closed an idle connection (or sent something unasked).
inline bool LooksOpen(Connection& c) {
  pollfd p{c.tcp().socket().native_handle(), POLLIN, 0};
  return c.buffer.size() == 0 && ::poll(&p, 1, 0) == 0;
}

inline bool IsClosedByPeer(const SysError& ec) {
  return ec == asio::error::eof || ec == http::error::end_of_stream ||
         ec == http::error::partial_message || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated;
}

}  // namespace kro::kube::beast_internal
