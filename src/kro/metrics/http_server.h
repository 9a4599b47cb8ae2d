// A minimal HTTP/1.1 server for /metrics, /healthz and /readyz.
//
// It answers GET requests from handlers registered before Start(); one background thread
// accepts connections and serves them one at a time (probes and scrapes are tiny and rare).
// Thread-safe: handlers run on the server thread and must be thread-safe themselves.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "kro/base/result.h"

namespace kro::metrics {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse()>;

  HttpServer() = default;
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // REQUIRES: called before Start().
  void Handle(const std::string& path, Handler handler);

  // Binds `address` ("host:port", ":port" meaning all interfaces, port 0 for any free port) and
  // starts serving. Returns an error naming the address if it cannot bind.
  Status Start(const std::string& address);

  // The bound port (after Start).
  int port() const { return port_; }

  // Stops accepting and joins the thread. Idempotent.
  void Stop();

 private:
  void Serve();
  void ServeOne(int fd);

  std::map<std::string, Handler> handlers_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace kro::metrics
