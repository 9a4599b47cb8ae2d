#include "kro/metrics/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace kro::metrics {
namespace {

std::string Get(int port, const std::string& path, const std::string& method = "GET") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "connect failed";
  }
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  ::send(fd, req.data(), req.size(), 0);
  std::string out;
  char buf[1024];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

TEST(HttpServerTest, ServesHandlersAnd404) {
  std::atomic<bool> ready{false};
  HttpServer s;
  s.Handle("/healthz", [] { return HttpResponse{200, "text/plain", "ok\n"}; });
  s.Handle("/readyz", [&] {
    return ready ? HttpResponse{200, "text/plain", "ok\n"}
                 : HttpResponse{503, "text/plain", "not ready\n"};
  });
  ASSERT_TRUE(s.Start("127.0.0.1:0").ok());
  ASSERT_GT(s.port(), 0);
  std::string h = Get(s.port(), "/healthz");
  EXPECT_EQ(h.substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_NE(h.find("\r\n\r\nok\n"), std::string::npos);
  EXPECT_EQ(Get(s.port(), "/readyz").substr(0, 12), "HTTP/1.1 503");
  ready = true;
  EXPECT_EQ(Get(s.port(), "/readyz?verbose").substr(0, 12), "HTTP/1.1 200");
  EXPECT_EQ(Get(s.port(), "/nope").substr(0, 12), "HTTP/1.1 404");
  EXPECT_EQ(Get(s.port(), "/healthz", "POST").substr(0, 12), "HTTP/1.1 405");
  s.Stop();
}

TEST(HttpServerTest, BadAddressIsAnError) {
  HttpServer s;
  Status st = s.Start("not-an-ip:80");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("not-an-ip:80"), std::string::npos);
}

}  // namespace
}  // namespace kro::metrics
