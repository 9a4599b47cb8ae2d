// The shared set-up of the fault tests: one control plane per test binary with the RGD CRD
// installed and the kro-system namespace (for the leader-election Lease), an admin client, and
// small helpers to build objects and wait on conditions. Each test runs its own `kro
// controller` process(es) (controller_process.h) and works in its own namespace.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kro/json/json.h"
#include "kro/kube/client.h"
#include "test/integration/env/control_plane.h"
#include "test/integration/faults/controller_process.h"

namespace kro::faults {

inline const kube::Gvr kConfigMaps{"", "v1", "configmaps"};
inline const kube::Gvr kNamespaces{"", "v1", "namespaces"};
inline const kube::Gvr kCrds{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};
inline const kube::Gvr kRgds{"kro.run", "v1alpha1", "resourcegraphdefinitions"};

// YAML (or JSON) text to a value; a test failure when it does not parse.
json::Value Y(const std::string& yaml);
// A string at `path` ("" when absent or not a string).
std::string Str(const json::Value& obj, std::string_view path);
// The condition of `type` in obj.status.conditions (null value when absent).
json::Value Condition(const json::Value& obj, std::string_view type);

// Polls `cond` every 100 ms until it holds or `timeout` passes; the last result.
bool Eventually(const std::function<bool()>& cond,
                std::chrono::milliseconds timeout = std::chrono::seconds(60));

class FaultsEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
  static testenv::ControlPlane* cp() { return cp_.get(); }
  static kube::Client* client() { return client_.get(); }
  static const Status& status() { return status_; }

 private:
  static inline std::unique_ptr<testenv::ControlPlane> cp_;
  static inline std::unique_ptr<kube::Client> client_;
  static inline Status status_;
};

// Registers the environment, at namespace scope in one .cc of a test binary.
#define KRO_FAULTS_ENVIRONMENT()                                                     \
  [[maybe_unused]] static ::testing::Environment* const kro_faults_environment_ = \
      ::testing::AddGlobalTestEnvironment(new ::kro::faults::FaultsEnvironment())

// A test in its own namespace, with an RGD kind unique to the test.
class FaultsTest : public ::testing::Test {
 protected:
  void SetUp() override;

  testenv::ControlPlane& cp() { return *FaultsEnvironment::cp(); }
  kube::Client& client() { return *FaultsEnvironment::client(); }

  // Starts a controller process named `<test>-<n>` with `args` (always --allow-crd-deletion
  // off, short requeue interval); a test failure when it cannot start.
  std::unique_ptr<ControllerProcess> StartController(std::vector<std::string> args = {});

  // The first lines of an RGD named `name` whose instance kind is `kind`, up to and including
  // `spec.schema.kind` (the test appends the schema's spec/status and the resources).
  static std::string RgdHeader(const std::string& name, const std::string& kind) {
    return "apiVersion: kro.run/v1alpha1\nkind: ResourceGraphDefinition\nmetadata:\n  name: " +
           name + "\nspec:\n  schema:\n    apiVersion: v1alpha1\n    kind: " + kind + "\n";
  }

  // Creates (or replaces) the RGD and waits until its state is Active.
  void ApplyRgdAndWaitActive(const std::string& yaml);
  json::Value GetRgd(const std::string& name);

  kube::Gvr InstanceGvr(const std::string& kind) const;
  Result<json::Value> GetInstance(const std::string& kind, const std::string& name);
  std::string InstanceState(const std::string& kind, const std::string& name);

  std::string ns_;
  std::string suffix_;  // unique per test: kinds are "<Base><suffix_>"
  int controllers_started_ = 0;
};

}  // namespace kro::faults
