// What the controller integration tests share: GVRs, small JSON helpers, a control plane with
// kro's CRDs installed, and (ControllerEnvironment + InstanceFixture) one in-process controller
// per test binary with a namespace and a unique kind per test.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "kro/controller/manager.h"
#include "kro/controller/options.h"
#include "kro/kube/client.h"
#include "test/integration/env/control_plane.h"

namespace kro::controller::it {

inline const kube::Gvr kConfigMaps{"", "v1", "configmaps"};
inline const kube::Gvr kNamespaces{"", "v1", "namespaces"};
inline const kube::Gvr kCrds{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};
inline const kube::Gvr kRgds{"kro.run", "v1alpha1", "resourcegraphdefinitions"};

// YAML (or JSON) text as a value; a parse error fails the current test.
json::Value Y(const std::string& s);
// The string at `path` ("" when absent or not a string).
std::string Str(const json::Value& obj, std::string_view path);
// Polls `cond` every 50 ms until it holds or `timeout` passes; returns its last value.
bool Eventually(const std::function<bool()>& cond,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));
// The create/update/patch/apply/delete requests in `counts`.
uint64_t Writes(const kube::RequestCounts& counts);

// Starts a control plane, connects a client and installs kro's CRDs (config/crd), waiting for
// them to be Established.
Status StartWithKroCrds(std::unique_ptr<testenv::ControlPlane>& cp,
                        std::unique_ptr<kube::Client>& client);

// The options the in-process test controller runs with (fast requeue, 2 workers).
ControllerOptions TestControllerOptions(const std::string& kubeconfig);

// One control plane + one in-process controller for the whole binary.
class ControllerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
  static inline std::unique_ptr<testenv::ControlPlane> cp_;
  static inline std::unique_ptr<kube::Client> client_;
  static inline std::unique_ptr<Manager> manager_;
  static inline std::jthread thread_;
  static inline Status status_;
};

// A test with its own namespace (prefix `ns_prefix`) and a unique suffix for kinds and names.
class InstanceFixture : public ::testing::Test {
 protected:
  explicit InstanceFixture(std::string ns_prefix) : ns_prefix_(std::move(ns_prefix)) {}
  void SetUp() override;
  kube::Client& client() { return *ControllerEnvironment::client_; }
  Manager& manager() { return *ControllerEnvironment::manager_; }

  std::string ns_prefix_;
  std::string ns_;
  std::string suffix_;
};

}  // namespace kro::controller::it
