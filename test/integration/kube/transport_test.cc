// BeastTransport against a real apiserver: streams (cancellation, early stop, server end),
// timeouts, large and chunked bodies, bearer tokens, and many threads sharing one transport.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "kro/kube/beast_transport.h"
#include "test/integration/kube/kube_fixture.h"

namespace kro::kube::testing {
namespace {

using Clock = std::chrono::steady_clock;
using TransportIT = KubeTest;

std::unique_ptr<BeastTransport> NewTransport(const RestConfig& config) {
  auto t = BeastTransport::Create(config);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(*t) : nullptr;
}

HttpRequest Get(std::string path) {
  HttpRequest r;
  r.path = std::move(path);
  r.headers.emplace_back("Accept", "application/json");
  return r;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST_F(TransportIT, AQuietStreamStopsPromptlyWhenCancelled) {
  auto t = NewTransport(config());
  ASSERT_NE(t, nullptr);
  const std::string path = "/api/v1/namespaces/" + ns() + "/configmaps?watch=true";
  // Stops at different moments: before the request, while connecting, while waiting for events.
  for (int delay_ms : {0, 0, 1, 2, 5, 10, 20, 50, 200}) {
    SCOPED_TRACE(delay_ms);
    std::stop_source stop;
    Result<HttpResponse> result = HttpResponse{};
    std::thread watcher([&] {
      result = t->Stream(Get(path), stop.get_token(), [](std::string_view) { return true; });
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    auto start = Clock::now();
    stop.request_stop();
    watcher.join();
    EXPECT_LT(SecondsSince(start), 1.0);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), ErrorCode::kCancelled) << result.status().ToString();
  }
  // The transport still works, and cancelled streams left no connection in the pool.
  auto r = t->Do(Get("/api/v1/namespaces/" + ns() + "/configmaps"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST_F(TransportIT, OnDataFalseEndsTheStreamAndTheServerEndReusesTheConnection) {
  auto t = NewTransport(config());
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(client().Create(kConfigMaps, ns(), ConfigMap(ns(), "seen")).ok());
  // Without a resourceVersion the watch starts with an ADDED event per existing object.
  std::string first;
  auto stopped = t->Stream(Get("/api/v1/namespaces/" + ns() + "/configmaps?watch=true"),
                           std::stop_token(), [&](std::string_view chunk) {
                             first.append(chunk);
                             return false;
                           });
  ASSERT_TRUE(stopped.ok()) << stopped.status().ToString();
  EXPECT_EQ(stopped->status, 200);
  EXPECT_NE(first.find("\"ADDED\""), std::string::npos) << first;

  // timeoutSeconds=1: the server ends the chunked response; the connection is then kept.
  std::string all;
  auto start = Clock::now();
  auto ended = t->Stream(
      Get("/api/v1/namespaces/" + ns() + "/configmaps?watch=true&timeoutSeconds=1"),
      std::stop_token(), [&](std::string_view chunk) {
        all.append(chunk);
        return true;
      });
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  EXPECT_EQ(ended->status, 200);
  EXPECT_GE(SecondsSince(start), 0.9);
  EXPECT_NE(all.find("\"seen\""), std::string::npos) << all;
  long opened = t->connections_opened();
  ASSERT_TRUE(t->Do(Get("/api/v1/namespaces/" + ns())).ok());
  EXPECT_EQ(t->connections_opened(), opened);
}

TEST_F(TransportIT, AStreamThatIsNotAcceptedReturnsTheBody) {
  auto t = NewTransport(config());
  ASSERT_NE(t, nullptr);
  bool called = false;
  auto r = t->Stream(Get("/api/v1/namespaces/" + ns() + "/nosuchresource?watch=true"),
                     std::stop_token(), [&](std::string_view) { return called = true; });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 404);
  EXPECT_FALSE(called);
  EXPECT_NE(r->body.find("NotFound"), std::string::npos) << r->body;
}

TEST_F(TransportIT, ARequestPastItsTimeoutIsDeadlineExceeded) {
  auto t = NewTransport(config());
  ASSERT_NE(t, nullptr);
  HttpRequest watch = Get("/api/v1/namespaces/" + ns() + "/configmaps?watch=true");
  watch.timeout = std::chrono::milliseconds(300);
  auto start = Clock::now();
  auto r = t->Do(watch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kDeadlineExceeded) << r.status().ToString();
  EXPECT_NE(r.status().message().find(config().server), std::string::npos);
  EXPECT_LT(SecondsSince(start), 2.0);
  std::printf("timeout reads: %s\n", r.status().ToString().c_str());
  // The timed-out connection is dropped, not pooled.
  auto ok = t->Do(Get("/api/v1/namespaces/" + ns()));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->status, 200);
}

TEST_F(TransportIT, LargeBodiesWithAndWithoutContentLength) {
  auto t = NewTransport(config());
  ASSERT_NE(t, nullptr);
  // The OpenAPI document of core/v1 is well over a megabyte.
  auto openapi = t->Do(Get("/openapi/v3/api/v1"));
  ASSERT_TRUE(openapi.ok()) << openapi.status().ToString();
  EXPECT_EQ(openapi->status, 200);
  EXPECT_GT(openapi->body.size(), 1000000u);
  EXPECT_TRUE(json::Parse(openapi->body).ok());
  // A list of large objects: the server streams it chunked.
  std::string big(200000, 'x');
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        client().Create(kConfigMaps, ns(), ConfigMap(ns(), "big-" + std::to_string(i), big)).ok());
  }
  auto list = t->Do(Get("/api/v1/namespaces/" + ns() + "/configmaps"));
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_GT(list->body.size(), 5 * big.size());
  auto parsed = json::Parse(list->body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_GE(parsed->at("items").as_array().size(), 5u);
}

TEST_F(TransportIT, ABearerTokenIsSent) {
  // A service account token from the TokenRequest API; the account has no RBAC, so the server
  // names it in the 403, which proves the token (and only it) authenticated the request.
  json::Value sa = ParseOrDie(R"({"apiVersion":"v1","kind":"ServiceAccount",
                                  "metadata":{"name":"bearer"}})");
  ASSERT_TRUE(client().Create({"", "v1", "serviceaccounts"}, ns(), sa).ok());
  auto admin = NewTransport(config());
  ASSERT_NE(admin, nullptr);
  HttpRequest token_request;
  token_request.method = "POST";
  token_request.path = "/api/v1/namespaces/" + ns() + "/serviceaccounts/bearer/token";
  token_request.headers.emplace_back("Content-Type", "application/json");
  token_request.body =
      R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}})";
  auto issued = admin->Do(token_request);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  ASSERT_EQ(issued->status, 201) << issued->body;
  auto token = json::Parse(issued->body);
  ASSERT_TRUE(token.ok());

  RestConfig bearer = config();
  bearer.client_cert_pem.clear();
  bearer.client_key_pem.clear();
  bearer.bearer_token = std::string(token->at("status").at("token").as_string());
  auto t = NewTransport(bearer);
  ASSERT_NE(t, nullptr);
  auto r = t->Do(Get("/api/v1/namespaces/" + ns() + "/secrets"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 403) << r->body;
  EXPECT_NE(r->body.find("system:serviceaccount:" + ns() + ":bearer"), std::string::npos)
      << r->body;
}

TEST_F(TransportIT, ManyThreadsShareOneTransportWhileStreamsComeAndGo) {
  auto t = NewTransport(config());
  ASSERT_NE(t, nullptr);
  std::atomic<int> failures{0};
  std::atomic<int> streams{0};
  std::stop_source stop_all;
  std::vector<std::jthread> threads;
  for (int w = 0; w < 3; ++w) {
    threads.emplace_back([&] {
      while (!stop_all.stop_requested()) {
        std::stop_source stop;
        std::jthread canceller([&] {
          std::this_thread::sleep_for(std::chrono::milliseconds(30));
          stop.request_stop();
        });
        auto r = t->Stream(Get("/api/v1/namespaces/" + ns() + "/configmaps?watch=true"),
                           stop.get_token(), [](std::string_view) { return true; });
        if (r.ok() || r.status().code() != ErrorCode::kCancelled) {
          ++failures;
        }
        ++streams;
      }
    });
  }
  std::vector<std::jthread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 40; ++i) {
        HttpRequest create;
        create.method = "POST";
        create.path = "/api/v1/namespaces/" + ns() + "/configmaps";
        create.headers.emplace_back("Content-Type", "application/json");
        create.body = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"t)" +
                      std::to_string(w) + "-" + std::to_string(i) + R"("}})";
        auto r = t->Do(create);
        if (!r.ok() || r->status != 201) {
          ++failures;
        }
      }
    });
  }
  writers.clear();
  stop_all.request_stop();
  threads.clear();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(streams.load(), 3);
  std::printf("%d cancelled streams, %ld connections opened\n", streams.load(),
              t->connections_opened());
}

}  // namespace
}  // namespace kro::kube::testing
