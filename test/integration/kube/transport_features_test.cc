// BeastTransport's proxy, gzip and TLS session resumption against the real kube-apiserver.
//
// Proxy: loopback addresses and "localhost" are never proxied (as in client-go), so these
// tests name the apiserver "kubernetes.default.svc", a DNS name its certificate carries. The
// name resolves nowhere on this machine, which is hosts-independent: through the proxy the
// test's ConnectProxy relays every tunnel to the apiserver's port (as a corporate proxy resolves
// names the client cannot), and a request that bypasses the proxy fails to resolve the name.
// The bypass that succeeds uses the machine's own host name (gethostname), when it resolves to
// a loopback address, with tls-server-name "localhost".
#include <gtest/gtest.h>
#include <netdb.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "kro/json/json.h"
#include "kro/kube/beast_transport.h"
#include "test/integration/kube/connect_proxy.h"
#include "test/integration/kube/kube_fixture.h"

namespace kro::kube::testing {
namespace {

using TransportFeaturesIT = KubeTest;

HttpRequest Get(std::string path) {
  HttpRequest r;
  r.path = std::move(path);
  r.headers.emplace_back("Accept", "application/json");
  return r;
}

std::unique_ptr<BeastTransport> NewTransport(const RestConfig& config,
                                             BeastTransportOptions options = {}) {
  if (!options.proxy) options.proxy = ProxyEnvironment{};  // not this process's environment
  auto t = BeastTransport::Create(config, std::move(options));
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(*t) : nullptr;
}

// The machine's host name when it resolves to a loopback address, else "".
std::string LoopbackHostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || std::string(name) == "localhost") return "";
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* res = nullptr;
  if (getaddrinfo(name, nullptr, &hints, &res) != 0) return "";
  bool loopback = (ntohl(reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr.s_addr) >> 24) == 127;
  freeaddrinfo(res);
  return loopback ? name : "";
}

TEST_F(TransportFeaturesIT, HttpsProxyTunnelsAndNoProxyBypasses) {
  ConnectProxy proxy(cp().port());
  RestConfig cfg = config();
  const std::string port = std::to_string(cp().port());
  cfg.server = "https://kubernetes.default.svc:" + port;

  // Through the proxy: one tunnel per connection, the CONNECT names the server.
  auto t = NewTransport(cfg, {.proxy = ProxyEnvironment{"", proxy.url(), "example.com,10.0.0.0/8"}});
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->proxy().has_value());
  for (int i = 0; i < 3; ++i) {
    auto r = t->Do(Get("/api/v1/namespaces/" + ns()));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200) << r->body;
  }
  EXPECT_EQ(proxy.tunnels(), 1) << "keep-alive reuses the tunnel";
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0], "CONNECT kubernetes.default.svc:" + port + " HTTP/1.1");
  EXPECT_EQ(t->stats().proxy_tunnels, 1);
  // A watch takes the idle tunnel; the request it leaves busy opens a second one.
  ASSERT_TRUE(client().Create(kConfigMaps, ns(), ConfigMap(ns(), "seen")).ok());
  std::string events;  // the watch's first event, ADDED "seen"
  auto w = t->Stream(Get("/api/v1/namespaces/" + ns() + "/configmaps?watch=true&timeoutSeconds=5"),
                     std::stop_token(), [&](std::string_view d) {
                       events.append(d);
                       auto r = t->Do(Get("/version"));  // while the watch holds the first tunnel
                       EXPECT_TRUE(r.ok() && r->status == 200);
                       return false;
                     });
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->status, 200);
  EXPECT_EQ(proxy.tunnels(), 2);

  // NO_PROXY entries that match: a domain suffix, the host itself with its port, "*". The
  // connection is then direct, where the name does not resolve; the proxy sees nothing.
  for (std::string no_proxy : {std::string(".svc"), "kubernetes.default.svc:" + port,
                               std::string("default.svc"), std::string("*")}) {
    SCOPED_TRACE(no_proxy);
    auto direct = NewTransport(cfg, {.proxy = ProxyEnvironment{"", proxy.url(), no_proxy}});
    ASSERT_NE(direct, nullptr);
    EXPECT_FALSE(direct->proxy().has_value());
    auto r = direct->Do(Get("/version"));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("cannot resolve \"kubernetes.default.svc\""),
              std::string::npos) << r.status().ToString();
  }
  EXPECT_EQ(proxy.tunnels(), 2);

  // Loopback addresses are never proxied: the admin config's https://127.0.0.1:<port>.
  auto loop = NewTransport(config(), {.proxy = ProxyEnvironment{"", proxy.url(), ""}});
  ASSERT_NE(loop, nullptr);
  EXPECT_FALSE(loop->proxy().has_value());
  auto r = loop->Do(Get("/version"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(proxy.tunnels(), 2);

  // A bypass that reaches the server: the machine's host name, in NO_PROXY, direct.
  std::string host = LoopbackHostName();
  if (host.empty()) {
    GTEST_SKIP() << "the host name does not resolve to a loopback address";
  }
  RestConfig by_name = config();
  by_name.server = "https://" + host + ":" + port;
  by_name.tls_server_name = "localhost";
  auto proxied = NewTransport(by_name, {.proxy = ProxyEnvironment{"", proxy.url(), "example.com"}});
  r = proxied->Do(Get("/version"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(proxy.tunnels(), 3) << host << " is not loopback by name, so it is proxied";
  auto bypass = NewTransport(by_name, {.proxy = ProxyEnvironment{"", proxy.url(), host}});
  r = bypass->Do(Get("/version"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(proxy.tunnels(), 3);
}

TEST_F(TransportFeaturesIT, GzipListOfAThousandConfigMaps) {
  constexpr int kCount = 1000;
  std::string value(200, 'x');  // ~0.5 KiB per object on the wire: the LIST is well above 128 KiB
  for (int i = 0; i < kCount; ++i) {
    auto c = client().Create(kConfigMaps, ns(), ConfigMap(ns(), "cm-" + std::to_string(i), value));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
  }
  const std::string path = "/api/v1/namespaces/" + ns() + "/configmaps";
  long long wire[2] = {0, 0};
  std::string bodies[2];
  for (bool gzip : {false, true}) {
    auto t = NewTransport(config(), {.gzip = gzip});
    ASSERT_NE(t, nullptr);
    auto r = t->Do(Get(path));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200);
    wire[gzip] = t->stats().body_bytes_received;
    bodies[gzip] = r->body;
    auto list = json::Parse(r->body);
    ASSERT_TRUE(list.ok()) << list.status().ToString();
    EXPECT_EQ(list->get_object().at("items").get_array().size(), static_cast<size_t>(kCount));
  }
  std::printf("LIST of %d ConfigMaps: %lld bytes on the wire without gzip, %lld with (%.1f%%)\n",
              kCount, wire[0], wire[1], 100.0 * static_cast<double>(wire[1]) / wire[0]);
  EXPECT_EQ(wire[0], static_cast<long long>(bodies[0].size()));
  EXPECT_LT(wire[1] * 5, wire[0]) << "the apiserver gzips a response this large";
  EXPECT_EQ(bodies[1].size(), bodies[0].size());
}

TEST_F(TransportFeaturesIT, ANewConnectionResumesTheTlsSession) {
  // No idle connections kept: every request opens a new connection.
  auto t = NewTransport(config(), {.max_idle_connections = 0});
  ASSERT_NE(t, nullptr);
  for (int i = 0; i < 3; ++i) {
    auto r = t->Do(Get("/version"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
  }
  TransportStats s = t->stats();
  EXPECT_EQ(s.connections_opened, 3);
  EXPECT_EQ(s.tls_sessions_resumed, 2) << "the first handshake is full, the others resume";
}

}  // namespace
}  // namespace kro::kube::testing
