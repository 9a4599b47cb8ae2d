// Shared fixture of the kube integration tests: one control plane per test binary (skipped
// only when KRO_SKIP_INTEGRATION is set), an admin Client, and a fresh namespace per test.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "kro/kube/client.h"
#include "kro/kube/rest_config.h"
#include "test/integration/env/control_plane.h"

namespace kro::kube::testing {

inline const Gvr kConfigMaps{"", "v1", "configmaps"};
inline const Gvr kNamespaces{"", "v1", "namespaces"};
inline const Gvr kDeployments{"apps", "v1", "deployments"};
inline const Gvr kCrds{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};

inline bool SkipIntegration() { return std::getenv("KRO_SKIP_INTEGRATION") != nullptr; }

class KubeEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (SkipIntegration()) {
      return;
    }
    auto cp = testenv::ControlPlane::Start();
    if (!cp.ok()) {
      status_ = cp.status();
      return;
    }
    cp_ = std::move(*cp);
  }
  void TearDown() override { cp_.reset(); }
  static testenv::ControlPlane* Get() { return cp_.get(); }
  static Status StartStatus() { return status_; }

 private:
  static inline std::unique_ptr<testenv::ControlPlane> cp_;
  static inline Status status_;
};

inline json::Value ParseOrDie(std::string_view text) {
  auto v = json::Parse(text);
  if (!v.ok()) {
    ADD_FAILURE() << v.status().ToString();
    return json::Value();
  }
  return std::move(*v);
}

inline json::Value ConfigMap(std::string_view ns, std::string_view name,
                             std::string_view value = "v") {
  json::Object data;
  data["k"] = value;
  json::Object meta;
  meta["name"] = name;
  meta["namespace"] = ns;
  json::Object cm;
  cm["apiVersion"] = "v1";
  cm["kind"] = "ConfigMap";
  cm["metadata"] = std::move(meta);
  cm["data"] = std::move(data);
  return cm;
}

// Polls `cond` every 20 ms until true or `timeout`.
inline bool Eventually(const std::function<bool()>& cond,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

class KubeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (SkipIntegration()) {
      GTEST_SKIP() << "KRO_SKIP_INTEGRATION is set";
    }
    cp_ = KubeEnvironment::Get();
    ASSERT_NE(cp_, nullptr) << "no control plane: " << KubeEnvironment::StartStatus().ToString();
    auto cfg = LoadKubeconfig(cp_->kubeconfig_path());
    ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
    config_ = *cfg;
    ClientOptions opts;
    opts.qps = 0;  // tests are not rate limited
    auto client = Client::Create(config_, opts);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::move(*client);
    ns_ = testenv::UniqueNamespaceName("kube");
    json::Object meta;
    meta["name"] = ns_;
    json::Object nsobj;
    nsobj["apiVersion"] = "v1";
    nsobj["kind"] = "Namespace";
    nsobj["metadata"] = std::move(meta);
    auto created = client_->Create(kNamespaces, "", nsobj);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }

  testenv::ControlPlane& cp() { return *cp_; }
  Client& client() { return *client_; }
  const std::string& ns() const { return ns_; }
  const RestConfig& config() const { return config_; }

 private:
  testenv::ControlPlane* cp_ = nullptr;
  RestConfig config_;
  std::unique_ptr<Client> client_;
  std::string ns_;
};

}  // namespace kro::kube::testing
