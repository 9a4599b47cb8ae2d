// Deletion by apply-order wave against a real kube-apiserver: the apply-order and inventory-hash
// metadata, waves deleted highest first, the UnderDeletion condition, instances deleted after
// their RGD, and --rgd-deletion-protection. Each test runs its own in-process controller (the
// options differ), one at a time, on one control plane.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "kro/controller/applyset.h"
#include "kro/controller/manager.h"
#include "test/integration/controller/controller_fixture.h"
#include "kro/controller/wave_deletion.h"
#include "kro/kube/client.h"
#include "kro/kube/rest_config.h"
#include "test/integration/env/control_plane.h"

namespace kro::controller {
namespace {

using namespace it;

std::string Meta(const json::Value& obj, std::string_view section, std::string_view key) {
  const json::Value* s = json::Find(obj, "metadata." + std::string(section));
  const json::Value* v = s != nullptr && s->is_object() ? s->as_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool Deleting(const Result<json::Value>& obj) {
  return obj.ok() && json::Find(*obj, "metadata.deletionTimestamp") != nullptr;
}

// The condition of `type` in obj's status ("" fields when absent).
struct Cond {
  std::string status, reason, message;
};
Cond ConditionOf(const json::Value& obj, std::string_view type) {
  const json::Value* conds = json::Find(obj, "status.conditions");
  if (conds != nullptr && conds->is_array()) {
    for (const json::Value& c : conds->as_array()) {
      if (Str(c, "type") == type) {
        return {Str(c, "status"), Str(c, "reason"), Str(c, "message")};
      }
    }
  }
  return {};
}

// One control plane for the binary, with kro's CRDs installed.
class WaveEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { status_ = StartWithKroCrds(cp_, client_); }
  void TearDown() override {
    client_.reset();
    cp_.reset();
  }
  static inline std::unique_ptr<testenv::ControlPlane> cp_;
  static inline std::unique_ptr<kube::Client> client_;
  static inline Status status_;
};

[[maybe_unused]] static ::testing::Environment* const kEnv =
    ::testing::AddGlobalTestEnvironment(new WaveEnvironment());

class WaveDeletionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WaveEnvironment::status_.ok()) << WaveEnvironment::status_.ToString();
    ns_ = testenv::UniqueNamespaceName("wave");
    ASSERT_TRUE(client()
                    .Create(kNamespaces, "",
                            Y("{apiVersion: v1, kind: Namespace, metadata: {name: " + ns_ + "}}"))
                    .ok());
    static int counter = 0;
    suffix_ = std::to_string(++counter) + std::to_string(::getpid() % 10000);
  }
  void TearDown() override { StopController(); }

  void StartController(bool protection) {
    ControllerOptions o;
    o.kubeconfig = WaveEnvironment::cp_->kubeconfig_path();
    o.metrics_bind_address = "0";
    o.health_probe_bind_address = "0";
    o.instance_requeue_interval = std::chrono::milliseconds(1000);
    o.rgd_progress_requeue_delay = std::chrono::milliseconds(500);
    o.dynamic_concurrent_reconciles = 2;
    o.rgd_deletion_protection = protection;
    auto m = Manager::Create(o);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    manager_ = std::move(*m);
    thread_ = std::jthread([this](std::stop_token st) { (void)manager_->Run(st); });
  }
  void StopController() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
    manager_.reset();
  }

  kube::Client& client() { return *WaveEnvironment::client_; }
  std::string Kind() const { return "Chain" + suffix_; }
  std::string RgdName() const { return "chain" + suffix_; }
  kube::Gvr InstanceGvr() const { return kube::Gvr{"kro.run", "v1alpha1", RgdName() + "s"}; }

  // a <- b <- c: three ConfigMaps, each naming the previous one.
  void CreateChainRgd() {
    std::string yaml = R"(
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata:
  name: )" + RgdName() + R"(
spec:
  schema:
    apiVersion: v1alpha1
    kind: )" + Kind() + R"(
    spec:
      name: string
  resources:
  - id: a
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${schema.spec.name}-a
  - id: b
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${a.metadata.name}-b
  - id: c
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${b.metadata.name}-c
)";
    auto r = client().Create(kRgds, "", Y(yaml));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(Eventually([&] { return Str(GetRgd(), "status.state") == "Active"; }))
        << json::Serialize(GetRgd());
  }
  json::Value GetRgd() {
    auto r = client().Get(kRgds, "", RgdName());
    return r.ok() ? *r : json::Value();
  }
  json::Value GetInstance(const std::string& name) {
    auto r = client().Get(InstanceGvr(), ns_, name);
    return r.ok() ? *r : json::Value();
  }
  bool InstanceGone(const std::string& name) {
    return client().Get(InstanceGvr(), ns_, name).status().code() == ErrorCode::kNotFound;
  }
  Result<json::Value> GetCm(const std::string& name) {
    return client().Get(kConfigMaps, ns_, name);
  }
  Status PatchCm(const std::string& name, const std::string& patch) {
    return client().Patch(kConfigMaps, ns_, name, kube::PatchType::kMerge, Y(patch)).status();
  }
  // Creates instance `name` and waits until its three children exist and it is ACTIVE.
  void ActiveChain(const std::string& name) {
    auto r = client().Create(InstanceGvr(), ns_,
                             Y("{apiVersion: kro.run/v1alpha1, kind: " + Kind() +
                               ", metadata: {name: " + name + ", namespace: " + ns_ +
                               "}, spec: {name: " + name + "}}"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(Eventually([&] { return Str(GetInstance(name), "status.state") == "ACTIVE"; }))
        << json::Serialize(GetInstance(name));
  }

  std::string ns_;
  std::string suffix_;
  std::unique_ptr<Manager> manager_;
  std::jthread thread_;
};

TEST_F(WaveDeletionTest, ChildrenCarryTheirApplyOrderAndTheInstanceItsInventoryHash) {
  StartController(false);
  CreateChainRgd();
  ActiveChain("ord");
  std::map<std::string, std::string> want = {
      {"ord-a", "1"}, {"ord-a-b", "2"}, {"ord-a-b-c", "3"}};
  for (const auto& [cm, order] : want) {
    auto obj = GetCm(cm);
    ASSERT_TRUE(obj.ok()) << cm;
    EXPECT_EQ(Meta(*obj, "annotations", kApplyOrderAnnotation), order) << cm;
  }
  json::Value inst = GetInstance("ord");
  std::string id = Meta(inst, "labels", kApplySetIdLabel);
  ASSERT_FALSE(id.empty());
  std::string hash = Meta(inst, "annotations", kApplySetInventoryHashAnnotation);
  EXPECT_EQ(hash, InventoryHash(id, Meta(inst, "annotations", kApplySetGroupKindsAnnotation),
                                Meta(inst, "annotations", kApplySetNamespacesAnnotation)));
  EXPECT_EQ(hash.rfind("sha256:", 0), 0u) << hash;
  EXPECT_TRUE(ValidateInventory(inst, id).ok());
  ASSERT_TRUE(client().Delete(InstanceGvr(), ns_, "ord").ok());
  EXPECT_TRUE(Eventually([&] { return InstanceGone("ord"); }));
}

TEST_F(WaveDeletionTest, DeletionRemovesTheHighestWaveFirstAndWaitsForIt) {
  StartController(false);
  CreateChainRgd();
  ActiveChain("w");
  // Hold waves 3 and 2 with a finalizer each.
  ASSERT_TRUE(PatchCm("w-a-b-c", "{metadata: {finalizers: [test.kro.run/hold]}}").ok());
  ASSERT_TRUE(PatchCm("w-a-b", "{metadata: {finalizers: [test.kro.run/hold]}}").ok());
  ASSERT_TRUE(client().Delete(InstanceGvr(), ns_, "w").ok());
  ASSERT_TRUE(Eventually([&] { return Deleting(GetCm("w-a-b-c")); }));
  ASSERT_TRUE(Eventually([&] {
    Cond c = ConditionOf(GetInstance("w"), "ResourcesReady");
    return c.status == "Unknown" && c.reason == "UnderDeletion" &&
           c.message == "deleting resources";
  })) << json::Serialize(GetInstance("w"));
  // Wave 2 must not start while wave 3 is still there.
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  EXPECT_FALSE(Deleting(GetCm("w-a-b")));
  EXPECT_FALSE(Deleting(GetCm("w-a")));
  ASSERT_TRUE(PatchCm("w-a-b-c", "{metadata: {finalizers: null}}").ok());
  ASSERT_TRUE(Eventually([&] { return Deleting(GetCm("w-a-b")); }));
  EXPECT_FALSE(GetCm("w-a-b-c").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_FALSE(Deleting(GetCm("w-a")));
  EXPECT_FALSE(InstanceGone("w"));
  ASSERT_TRUE(PatchCm("w-a-b", "{metadata: {finalizers: null}}").ok());
  EXPECT_TRUE(Eventually([&] { return InstanceGone("w"); }));
  EXPECT_FALSE(GetCm("w-a").ok());
  EXPECT_FALSE(GetCm("w-a-b").ok());
}

TEST_F(WaveDeletionTest, UnorderedChildrenGoLastAndATamperedInventoryBlocksDeletion) {
  StartController(false);
  CreateChainRgd();
  ActiveChain("t");
  ASSERT_TRUE(PatchCm("t-a-b-c", "{metadata: {finalizers: [test.kro.run/hold]}}").ok());
  ASSERT_TRUE(client().Delete(InstanceGvr(), ns_, "t").ok());
  ASSERT_TRUE(Eventually([&] { return Deleting(GetCm("t-a-b-c")); }));
  // While wave 3 is held: break the inventory hash, and strip a's order (wave 0: last).
  ASSERT_TRUE(client()
                  .Patch(InstanceGvr(), ns_, "t", kube::PatchType::kMerge,
                         Y("{metadata: {annotations: {internal.kro.run/applyset-inventory-hash: "
                           "'sha256:bogus'}}}"))
                  .ok());
  ASSERT_TRUE(
      PatchCm("t-a-b", "{metadata: {annotations: {internal.kro.run/apply-order: null}}}").ok());
  ASSERT_TRUE(PatchCm("t-a", "{metadata: {finalizers: [test.kro.run/hold]}}").ok());
  ASSERT_TRUE(Eventually([&] {
    Cond c = ConditionOf(GetInstance("t"), "ResourcesReady");
    return c.status == "Unknown" && c.reason == "UnderDeletion" &&
           c.message.rfind("deletion blocked: validate deletion inventory: invalid "
                           "internal.kro.run/applyset-inventory-hash annotation",
                           0) == 0;
  })) << json::Serialize(GetInstance("t"));
  ASSERT_TRUE(PatchCm("t-a-b-c", "{metadata: {finalizers: null}}").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(GetCm("t-a").ok()) << "a blocked deletion deleted the next wave";
  EXPECT_FALSE(Deleting(GetCm("t-a")));
  // The hash is optional (parents written before it existed): without it deletion goes on.
  ASSERT_TRUE(client()
                  .Patch(InstanceGvr(), ns_, "t", kube::PatchType::kMerge,
                         Y("{metadata: {annotations: {internal.kro.run/applyset-inventory-hash: "
                           "null}}}"))
                  .ok());
  // b lost its order: it is wave 0 and goes after a (wave 1), which goes now.
  ASSERT_TRUE(Eventually([&] { return Deleting(GetCm("t-a")); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(GetCm("t-a-b").ok());
  EXPECT_FALSE(Deleting(GetCm("t-a-b")));
  ASSERT_TRUE(PatchCm("t-a", "{metadata: {finalizers: null}}").ok());
  EXPECT_TRUE(Eventually([&] { return InstanceGone("t"); }));
  EXPECT_FALSE(GetCm("t-a").ok());
  EXPECT_FALSE(GetCm("t-a-b").ok());
}

TEST_F(WaveDeletionTest, InstanceDeletedAfterItsRgdStillTearsDown) {
  StartController(false);
  CreateChainRgd();
  ActiveChain("orphan");
  ASSERT_TRUE(client().Delete(kRgds, "", RgdName()).ok());
  ASSERT_TRUE(Eventually([&] { return !client().Get(kRgds, "", RgdName()).ok(); }));
  // The CRD stays (no --allow-crd-deletion), and so does the instance with its finalizer.
  auto inst = client().Get(InstanceGvr(), ns_, "orphan");
  ASSERT_TRUE(inst.ok()) << inst.status().ToString();
  ASSERT_TRUE(PatchCm("orphan-a-b-c", "{metadata: {finalizers: [test.kro.run/hold]}}").ok());
  ASSERT_TRUE(client().Delete(InstanceGvr(), ns_, "orphan").ok());
  ASSERT_TRUE(Eventually([&] {
    Cond c = ConditionOf(GetInstance("orphan"), "ResourcesReady");
    return c.reason == "UnderDeletion" && c.message == "deleting resources";
  })) << json::Serialize(GetInstance("orphan"));
  EXPECT_TRUE(GetCm("orphan-a-b").ok());
  ASSERT_TRUE(PatchCm("orphan-a-b-c", "{metadata: {finalizers: null}}").ok());
  EXPECT_TRUE(Eventually([&] { return InstanceGone("orphan"); }))
      << json::Serialize(GetInstance("orphan"));
  EXPECT_FALSE(GetCm("orphan-a").ok());
  EXPECT_FALSE(GetCm("orphan-a-b").ok());
  (void)client().Delete(kCrds, "", InstanceGvr().resource + ".kro.run");
}

TEST_F(WaveDeletionTest, DeletionProtectionKeepsTheRgdUntilItsInstancesAreGone) {
  StartController(true);
  CreateChainRgd();
  ActiveChain("p");
  ASSERT_TRUE(client().Delete(kRgds, "", RgdName()).ok());
  std::string want = "deletion blocked: 1 instance of " + Kind() + " still exists";
  ASSERT_TRUE(Eventually([&] {
    Cond c = ConditionOf(GetRgd(), "DeletionAllowed");
    return c.status == "False" && c.reason == "InstancesExist" && c.message == want;
  })) << json::Serialize(GetRgd());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_TRUE(client().Get(kRgds, "", RgdName()).ok());
  // The instance is still managed: a deleted child comes back.
  ASSERT_TRUE(client().Delete(kConfigMaps, ns_, "p-a-b-c").ok());
  EXPECT_TRUE(Eventually([&] { return GetCm("p-a-b-c").ok() && !Deleting(GetCm("p-a-b-c")); }));
  ASSERT_TRUE(client().Delete(InstanceGvr(), ns_, "p").ok());
  EXPECT_TRUE(Eventually([&] { return InstanceGone("p"); }));
  EXPECT_TRUE(Eventually([&] { return !client().Get(kRgds, "", RgdName()).ok(); }))
      << json::Serialize(GetRgd());
  (void)client().Delete(kCrds, "", InstanceGvr().resource + ".kro.run");
}

}  // namespace
}  // namespace kro::controller
