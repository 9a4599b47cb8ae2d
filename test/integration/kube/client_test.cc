// Client against a real apiserver: CRUD, pagination, conflicts, SSA, RBAC, transport errors.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "kro/kube/beast_transport.h"
#include "test/integration/kube/kube_fixture.h"

namespace kro::kube::testing {
namespace {

using ClientIT = KubeTest;

TEST_F(ClientIT, CreateGetUpdatePatchDelete) {
  auto created = client().Create(kConfigMaps, ns(), ConfigMap(ns(), "a"));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_FALSE(UidOf(*created).empty());

  auto dup = client().Create(kConfigMaps, ns(), ConfigMap(ns(), "a"));
  EXPECT_EQ(dup.status().code(), ErrorCode::kAlreadyExists) << dup.status().ToString();

  auto got = client().Get(kConfigMaps, ns(), "a");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->at("data").at("k").as_string(), "v");

  json::Value changed = *got;
  changed.at("data").as_object()["k"] = "v2";
  auto updated = client().Update(kConfigMaps, ns(), changed);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_NE(ResourceVersionOf(*updated), ResourceVersionOf(*got));

  // The same stale object again: 409 -> kAborted with the server's words.
  auto stale = client().Update(kConfigMaps, ns(), changed);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), ErrorCode::kAborted);
  EXPECT_NE(stale.status().message().find("the object has been modified"), std::string::npos)
      << stale.status().message();
  EXPECT_NE(stale.status().message().find("Conflict"), std::string::npos);

  auto patched = client().Patch(kConfigMaps, ns(), "a", PatchType::kMerge,
                                ParseOrDie(R"({"data":{"extra":"x"}})"));
  ASSERT_TRUE(patched.ok()) << patched.status().ToString();
  EXPECT_EQ(patched->at("data").at("extra").as_string(), "x");

  auto json_patched = client().Patch(kConfigMaps, ns(), "a", PatchType::kJson,
                                     ParseOrDie(R"([{"op":"remove","path":"/data/extra"}])"));
  ASSERT_TRUE(json_patched.ok()) << json_patched.status().ToString();
  EXPECT_FALSE(json_patched->at("data").as_object().contains("extra"));

  auto smp = client().Patch(kConfigMaps, ns(), "a", PatchType::kStrategicMerge,
                            ParseOrDie(R"({"metadata":{"labels":{"l":"1"}}})"));
  ASSERT_TRUE(smp.ok()) << smp.status().ToString();

  DeleteOptions wrong_uid;
  wrong_uid.precondition_uid = "00000000-0000-0000-0000-000000000000";
  Status pre = client().Delete(kConfigMaps, ns(), "a", wrong_uid);
  EXPECT_EQ(pre.code(), ErrorCode::kAborted) << pre.ToString();

  DeleteOptions right;
  right.precondition_uid = std::string(UidOf(*created));
  right.propagation = PropagationPolicy::kBackground;
  Status del = client().Delete(kConfigMaps, ns(), "a", right);
  ASSERT_TRUE(del.ok()) << del.ToString();

  auto gone = client().Get(kConfigMaps, ns(), "a");
  EXPECT_EQ(gone.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(gone.status().message().find("not found"), std::string::npos)
      << gone.status().message();
  EXPECT_EQ(client().Delete(kConfigMaps, ns(), "a").code(), ErrorCode::kNotFound);

  auto counts = client().request_counts();
  EXPECT_GE((counts[{"create", 201}]), 1u);
  EXPECT_GE((counts[{"update", 409}]), 1u);
}

TEST_F(ClientIT, ListPaginates) {
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(client().Create(kConfigMaps, ns(), ConfigMap(ns(), "cm-" + std::to_string(i))).ok());
  }
  ListOptions page;
  page.limit = 10;
  auto first = client().ListPage(kConfigMaps, ns(), page);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->items.size(), 10u);
  EXPECT_FALSE(first->continue_token.empty());
  EXPECT_FALSE(first->resource_version.empty());

  auto all = client().List(kConfigMaps, ns(), page);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  // 25 plus the kube-root-ca.crt ConfigMap only if kube-controller-manager runs.
  EXPECT_GE(all->items.size(), 25u);
  EXPECT_LE(all->items.size(), 26u);
  EXPECT_TRUE(all->continue_token.empty());
  EXPECT_EQ(all->items[0].at("kind").as_string(), "ConfigMap");

  auto bad = client().List(kConfigMaps, ns(), ListOptions{"a b c", "", 0, "", "", ""});
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument) << bad.status().ToString();
}

TEST_F(ClientIT, ServerSideApplyConflictsAndForce) {
  json::Value cm = ConfigMap(ns(), "ssa", "from-a");
  ApplyOptions a;
  a.field_manager = "manager-a";
  auto applied = client().Apply(kConfigMaps, ns(), cm, a);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->at("data").at("k").as_string(), "from-a");

  // Re-applying the same content is a no-op for the same manager.
  auto again = client().Apply(kConfigMaps, ns(), cm, a);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ResourceVersionOf(*again), ResourceVersionOf(*applied));

  json::Value other = ConfigMap(ns(), "ssa", "from-b");
  ApplyOptions b;
  b.field_manager = "manager-b";
  auto conflict = client().Apply(kConfigMaps, ns(), other, b);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.status().code(), ErrorCode::kAborted);
  EXPECT_NE(conflict.status().message().find("manager-a"), std::string::npos)
      << conflict.status().message();
  EXPECT_NE(conflict.status().message().find(".data.k"), std::string::npos)
      << conflict.status().message();

  b.force = true;
  auto forced = client().Apply(kConfigMaps, ns(), other, b);
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_EQ(forced->at("data").at("k").as_string(), "from-b");
}

TEST_F(ClientIT, NonAdminIsForbiddenWithAClearError) {
  auto cfg = LoadKubeconfig(cp().user_kubeconfig_path());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  auto user = Client::Create(*cfg);
  ASSERT_TRUE(user.ok());
  auto list = (*user)->List(kConfigMaps, ns());
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().code(), ErrorCode::kPermissionDenied);
  const std::string& msg = list.status().message();
  EXPECT_NE(msg.find("kro-test-user"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cannot list resource \"configmaps\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("HTTP 403 Forbidden"), std::string::npos) << msg;
  auto create = (*user)->Create(kConfigMaps, ns(), ConfigMap(ns(), "x"));
  EXPECT_EQ(create.status().code(), ErrorCode::kPermissionDenied);
}

TEST_F(ClientIT, TransportErrorsNameTheAddressAndCause) {
  RestConfig down = config();
  down.server = "https://127.0.0.1:1";  // nothing listens on port 1
  auto c = Client::Create(down);
  ASSERT_TRUE(c.ok());
  auto r = (*c)->Get(kConfigMaps, ns(), "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(r.status().message().find("https://127.0.0.1:1"), std::string::npos)
      << r.status().message();

  RestConfig no_ca = config();
  no_ca.ca_pem.clear();  // the test CA is not in the system store
  auto t = Client::Create(no_ca);
  ASSERT_TRUE(t.ok());
  auto tls = (*t)->Get(kConfigMaps, ns(), "x");
  ASSERT_FALSE(tls.ok());
  EXPECT_EQ(tls.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(tls.status().message().find("TLS"), std::string::npos) << tls.status().message();
  EXPECT_NE(tls.status().message().find("certificate"), std::string::npos)
      << tls.status().message();
  std::printf("TLS failure reads: %s\n", tls.status().ToString().c_str());
}

TEST_F(ClientIT, TlsServerNameIsWhatTheCertificateIsCheckedAgainst) {
  // The serving certificate names 127.0.0.1 and kubernetes.default but not wrong.example.com;
  // the server URL stays the same, only tls-server-name changes.
  RestConfig good = config();
  good.tls_server_name = "kubernetes.default";
  auto g = Client::Create(good);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  auto ok = (*g)->List(kConfigMaps, ns());
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();

  RestConfig bad = config();
  bad.tls_server_name = "wrong.example.com";
  auto b = Client::Create(bad);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  auto denied = (*b)->List(kConfigMaps, ns());
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(denied.status().message().find("wrong.example.com"), std::string::npos)
      << denied.status().message();
}

TEST_F(ClientIT, ConnectionsAreReusedAndCreatesAreFast) {
  auto transport = BeastTransport::Create(config());
  ASSERT_TRUE(transport.ok());
  BeastTransport* raw = transport->get();
  ClientOptions opts;
  opts.qps = 0;
  Client c(std::move(*transport), config().server, opts);
  constexpr int kN = 300;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kN; ++i) {
    auto r = c.Create(kConfigMaps, ns(), ConfigMap(ns(), "perf-" + std::to_string(i)));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d sequential creates in %.2f s (%.0f/s) over %ld TCP/TLS connection(s)\n", kN,
              secs, kN / secs, raw->connections_opened());
  RecordProperty("creates_per_second", static_cast<int>(kN / secs));
  EXPECT_LE(raw->connections_opened(), 2);

  // Several threads share the pool.
  std::vector<std::jthread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        if (!c.Get(kConfigMaps, ns(), "perf-" + std::to_string(t * 25 + i)).ok()) {
          ++failures;
        }
      }
    });
  }
  threads.clear();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(raw->connections_opened(), 6);
}

}  // namespace
}  // namespace kro::kube::testing
