// BeastTransport's HTTP/1.1 framing against a loopback peer that writes raw bytes: plain http,
// path prefixes, chunked and unframed bodies, keep-alive, retries, cancellation and timeouts.
// TLS and the apiserver itself are covered by test/integration/kube/transport_test.cc.
#include "kro/kube/beast_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace kro::kube {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Waits up to 5 s for `cond`.
bool WaitFor(const std::function<bool()>& cond) {
  auto deadline = Clock::now() + 5s;
  while (!cond()) {
    if (Clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// A loopback TCP peer, one connection at a time. For each request it reads (header and
// Content-Length body) it calls `handler(request, index, write)`; the handler writes its reply
// through `write` and returns whether to keep the connection open.
class LoopbackPeer {
 public:
  using Write = std::function<void(std::string_view)>;
  using Handler = std::function<bool(const std::string& request, int index, const Write& write)>;

  explicit LoopbackPeer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 8) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::jthread([this](std::stop_token stop) { Serve(stop); });
  }
  ~LoopbackPeer() {
    thread_.request_stop();
    thread_.join();
    ::close(listen_fd_);
  }

  std::string url(std::string_view path = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  int accepted() const { return accepted_.load(); }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  // Polls `fd` for input in 20 ms steps until `stop`; false when stopped.
  static bool Readable(int fd, const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) {
        return true;
      }
    }
    return false;
  }

  void Serve(const std::stop_token& stop) {
    int index = 0;
    while (Readable(listen_fd_, stop)) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) {
        continue;
      }
      ++accepted_;
      std::string in;
      bool open = true;
      while (open) {
        size_t end = in.find("\r\n\r\n");
        if (end != std::string::npos) {
          size_t length = 0;
          size_t cl = in.find("Content-Length: ");
          if (cl != std::string::npos && cl < end) {
            length = std::stoul(in.substr(cl + 16));
          }
          if (in.size() >= end + 4 + length) {
            std::string request = in.substr(0, end + 4 + length);
            in.erase(0, request.size());
            {
              std::lock_guard<std::mutex> lock(mu_);
              requests_.push_back(request);
            }
            open = handler_(request, index++, [fd](std::string_view bytes) {
              (void)!::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            });
            continue;
          }
        }
        char buf[4096];
        ssize_t n = Readable(fd, stop) ? ::recv(fd, buf, sizeof buf, 0) : 0;
        if (n <= 0) {
          break;
        }
        in.append(buf, static_cast<size_t>(n));
      }
      ::close(fd);
    }
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::mutex mu_;
  std::vector<std::string> requests_;
  std::jthread thread_;
};

std::string Ok(std::string_view body, std::string_view extra_headers = "") {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + std::string(extra_headers) + "\r\n" +
         std::string(body);
}

std::unique_ptr<BeastTransport> NewTransport(RestConfig config,
                                             BeastTransportOptions options = {}) {
  config.source = "test";
  auto t = BeastTransport::Create(config, options);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(*t) : nullptr;
}

HttpRequest Get(std::string path) {
  HttpRequest r;
  r.path = std::move(path);
  return r;
}

TEST(BeastTransportTest, PlainHttpWithAPathPrefixSendsTheRequestAsWritten) {
  LoopbackPeer peer([](const std::string&, int, const LoopbackPeer::Write& write) {
    write(Ok("hello"));
    return true;
  });
  RestConfig config;
  config.server = peer.url("/prefix/");
  config.bearer_token = "tok";
  auto t = NewTransport(config);
  ASSERT_NE(t, nullptr);
  HttpRequest post;
  post.method = "POST";
  post.path = "/api/v1/x?a=b";
  post.headers.emplace_back("Content-Type", "application/json");
  post.body = "{}";
  auto r = t->Do(post);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->content_type, "text/plain");
  ASSERT_EQ(peer.requests().size(), 1u);
  EXPECT_EQ(peer.requests()[0],
            "POST /prefix/api/v1/x?a=b HTTP/1.1\r\n"
            "Host: 127.0.0.1:" + peer.url().substr(17) + "\r\n"
            "User-Agent: kro-cpp/0.1\r\n"
            "Accept-Encoding: gzip\r\n"
            "Authorization: Bearer tok\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 2\r\n"
            "\r\n"
            "{}");
  // GET and DELETE without a body send no Content-Length; basic auth when there is no token.
  config.bearer_token.clear();
  config.username = "u";
  config.password = "p";
  t = NewTransport(config);
  HttpRequest del = Get("/d");
  del.method = "DELETE";
  ASSERT_TRUE(t->Do(del).ok());
  std::string sent = peer.requests().back();
  EXPECT_EQ(sent.find("Content-Length"), std::string::npos) << sent;
  EXPECT_NE(sent.find("Authorization: Basic dTpw\r\n"), std::string::npos) << sent;
}

TEST(BeastTransportTest, AChunkedStreamArrivesPieceByPieceAndTheConnectionIsKept) {
  std::atomic<bool> first_seen{false};
  LoopbackPeer peer([&](const std::string& request, int, const LoopbackPeer::Write& write) {
    if (request.starts_with("GET /watch")) {
      write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na1\n\r\n");
      // The second event is sent only once the first reached on_data.
      EXPECT_TRUE(WaitFor([&] { return first_seen.load(); }));
      write("3\r\nb2\n\r\n0\r\n\r\n");
    } else {
      write(Ok("done"));
    }
    return true;
  });
  RestConfig config;
  config.server = peer.url();
  auto t = NewTransport(config);
  ASSERT_NE(t, nullptr);
  std::vector<std::string> chunks;
  auto r = t->Stream(Get("/watch"), std::stop_token(), [&](std::string_view chunk) {
    chunks.emplace_back(chunk);
    first_seen = true;
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.empty());
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0], "a1\n");
  EXPECT_EQ(chunks[1], "b2\n");
  auto again = t->Do(Get("/again"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->body, "done");
  EXPECT_EQ(t->connections_opened(), 1);
  EXPECT_EQ(peer.accepted(), 1);
}

TEST(BeastTransportTest, ChunkedAndUnframedBodiesOfDo) {
  std::string big(100000, 'z');
  LoopbackPeer peer([&](const std::string& request, int, const LoopbackPeer::Write& write) {
    if (request.starts_with("GET /chunked")) {
      write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (size_t i = 0; i < big.size(); i += 7000) {
        std::string part = big.substr(i, 7000);
        char size[16];
        std::snprintf(size, sizeof size, "%zx\r\n", part.size());
        write(size + part + "\r\n");
      }
      write("0\r\n\r\n");
      return true;
    }
    write("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n" + big);  // ends with the EOF
    return false;
  });
  RestConfig config;
  config.server = peer.url();
  auto t = NewTransport(config);
  ASSERT_NE(t, nullptr);
  auto chunked = t->Do(Get("/chunked"));
  ASSERT_TRUE(chunked.ok()) << chunked.status().ToString();
  EXPECT_EQ(chunked->body, big);
  auto unframed = t->Do(Get("/unframed"));
  ASSERT_TRUE(unframed.ok()) << unframed.status().ToString();
  EXPECT_EQ(unframed->status, 404);
  EXPECT_EQ(unframed->body, big);
  // A non-2xx stream answer is returned as a body, not streamed.
  bool called = false;
  auto refused = t->Stream(Get("/unframed"), std::stop_token(),
                           [&](std::string_view) { return called = true; });
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->status, 404);
  EXPECT_EQ(refused->body, big);
  EXPECT_FALSE(called);
}

TEST(BeastTransportTest, AConnectionTheServerClosedIsReplaced) {
  LoopbackPeer peer([](const std::string& request, int, const LoopbackPeer::Write& write) {
    if (request.starts_with("GET /close-after")) {
      write(Ok("1"));
      return false;  // closes the kept-alive connection while it is idle in the pool
    }
    if (request.starts_with("GET /drop")) {
      return false;  // reads the request, then closes without an answer
    }
    write(Ok("2", "Connection: close\r\n"));
    return true;
  });
  RestConfig config;
  config.server = peer.url();
  auto t = NewTransport(config);
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->Do(Get("/close-after")).ok());
  ASSERT_TRUE(WaitFor([&] { return peer.accepted() == 1; }));
  std::this_thread::sleep_for(50ms);  // lets the close reach the client
  auto r = t->Do(Get("/next"));       // seen closed in the pool: a new connection
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "2");
  EXPECT_EQ(t->connections_opened(), 2);
  // "Connection: close" was answered, so the next request opens a third connection.
  ASSERT_TRUE(t->Do(Get("/close-after")).ok());
  EXPECT_EQ(t->connections_opened(), 3);
  // The server closes the idle connection only after it read the request: retried once.
  auto dropped = t->Do(Get("/drop"));
  ASSERT_FALSE(dropped.ok());
  EXPECT_EQ(dropped.status().code(), ErrorCode::kUnavailable) << dropped.status().ToString();
  EXPECT_NE(dropped.status().message().find("closed by the server"), std::string::npos)
      << dropped.status().message();
}

TEST(BeastTransportTest, AStaleConnectionIsRetriedOnceOnANewOne) {
  std::atomic<int> drops{0};
  LoopbackPeer peer([&](const std::string&, int index, const LoopbackPeer::Write& write) {
    if (index == 1) {
      ++drops;
      return false;  // the kept-alive connection dies with the second request unanswered
    }
    write(Ok("ok"));
    return true;
  });
  RestConfig config;
  config.server = peer.url();
  auto t = NewTransport(config);
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->Do(Get("/1")).ok());
  auto r = t->Do(Get("/2"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(drops.load(), 1);
  EXPECT_EQ(t->connections_opened(), 2);
  EXPECT_EQ(peer.requests().size(), 3u);
}

TEST(BeastTransportTest, CancellingAQuietStreamAndTimingOutARequest) {
  LoopbackPeer peer([](const std::string& request, int, const LoopbackPeer::Write& write) {
    if (request.starts_with("GET /watch")) {
      write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na1\n\r\n");
    }
    return true;  // then silence
  });
  RestConfig config;
  config.server = peer.url();
  auto t = NewTransport(config);
  ASSERT_NE(t, nullptr);
  std::stop_source stop;
  std::atomic<bool> got{false};
  Result<HttpResponse> result = HttpResponse{};
  std::thread watcher([&] {
    result = t->Stream(Get("/watch"), stop.get_token(), [&](std::string_view) {
      got = true;
      return true;
    });
  });
  ASSERT_TRUE(WaitFor([&] { return got.load(); }));
  auto start = Clock::now();
  stop.request_stop();
  watcher.join();
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(result.status().code(), ErrorCode::kCancelled) << result.status().ToString();

  HttpRequest slow = Get("/silence");
  slow.timeout = 200ms;
  start = Clock::now();
  auto r = t->Do(slow);
  EXPECT_GE(Clock::now() - start, 190ms);
  EXPECT_LT(Clock::now() - start, 2s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kDeadlineExceeded) << r.status().ToString();
  EXPECT_NE(r.status().message().find(peer.url()), std::string::npos) << r.status().message();
}

TEST(BeastTransportTest, ErrorsNameTheServerAndRefuseBrokenInput) {
  RestConfig config;
  config.server = "http://127.0.0.1:1";
  auto t = NewTransport(config);
  ASSERT_NE(t, nullptr);
  auto refused = t->Do(Get("/x"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("http://127.0.0.1:1"), std::string::npos);
  EXPECT_NE(refused.status().message().find("refused"), std::string::npos)
      << refused.status().message();

  HttpRequest injected = Get("/x");
  injected.headers.emplace_back("X-A", "b\r\nX-Evil: 1");
  EXPECT_EQ(t->Do(injected).status().code(), ErrorCode::kInvalidArgument);
  HttpRequest bad_method = Get("/x");
  bad_method.method = "GE T";
  EXPECT_EQ(t->Do(bad_method).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(t->Do(Get("no-slash")).status().code(), ErrorCode::kInvalidArgument);

  config.server = "ftp://x";
  EXPECT_EQ(BeastTransport::Create(config).status().code(), ErrorCode::kInvalidArgument);
  config.server = "http://127.0.0.1:1";
  config.tls_server_name = "kubernetes";
  EXPECT_EQ(BeastTransport::Create(config).status().code(), ErrorCode::kInvalidArgument);
  config.server = "https://127.0.0.1:1";
  config.tls_server_name.clear();
  config.ca_pem = "not a certificate";
  auto bad_ca = BeastTransport::Create(config);
  EXPECT_EQ(bad_ca.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_ca.status().message().find("certificate-authority"), std::string::npos)
      << bad_ca.status().message();
}

}  // namespace
}  // namespace kro::kube
