// End-to-end behaviour of the controller against a real kube-apiserver (the controller runs
// in-process, one per test binary; each test works in its own namespace and RGD).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kro/controller/manager.h"
#include "test/integration/controller/controller_fixture.h"
#include "kro/kube/client.h"
#include "kro/kube/rest_config.h"
#include "test/integration/env/control_plane.h"

namespace kro::controller {
namespace {

using namespace it;

[[maybe_unused]] static ::testing::Environment* const kEnv =
    ::testing::AddGlobalTestEnvironment(new ControllerEnvironment());

class ControllerTest : public InstanceFixture {
 protected:
  ControllerTest() : InstanceFixture("ctl") {}

  std::string Kind() const { return "App" + suffix_; }
  std::string RgdName() const { return "app" + suffix_; }
  kube::Gvr InstanceGvr() const {
    std::string plural = "app" + suffix_ + "s";
    return kube::Gvr{"kro.run", "v1alpha1", plural};
  }

  // An RGD: config -> deployment-like configmap gated by readyWhen -> optional leaf.
  std::string AppRgd(const std::string& extra_data = "") const {
    return R"(
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
      withLeaf: boolean | default=true
    status:
      configName: ${config.metadata.name}
      gate: ${gate.data.?ready.orValue("no")}
  resources:
  - id: config
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${schema.spec.name}-config
      data:
        owner: ${schema.metadata.name})" + extra_data + R"(
  - id: gate
    readyWhen:
    - ${gate.data.?ready.orValue("no") == "yes"}
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${config.metadata.name}-gate
      data:
        from: ${config.metadata.name}
  - id: leaf
    includeWhen:
    - ${schema.spec.withLeaf}
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${gate.metadata.name}-leaf
      data:
        gate: ${gate.metadata.name}
)";
  }

  json::Value CreateRgd(const std::string& yaml) {
    auto r = client().Create(kRgds, "", Y(yaml));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : json::Value();
  }
  json::Value GetRgd() {
    auto r = client().Get(kRgds, "", RgdName());
    return r.ok() ? *r : json::Value();
  }
  bool WaitRgdState(const std::string& state) {
    return Eventually([&] { return Str(GetRgd(), "status.state") == state; });
  }
  json::Value Instance(const std::string& name, bool with_leaf = true) {
    return Y("{apiVersion: kro.run/v1alpha1, kind: " + Kind() + ", metadata: {name: " + name +
             ", namespace: " + ns_ + "}, spec: {name: " + name +
             ", withLeaf: " + (with_leaf ? "true" : "false") + "}}");
  }
  json::Value GetInstance(const std::string& name) {
    auto r = client().Get(InstanceGvr(), ns_, name);
    return r.ok() ? *r : json::Value();
  }
  bool WaitInstanceState(const std::string& name, const std::string& state,
                         std::chrono::milliseconds t = std::chrono::seconds(30)) {
    return Eventually([&] { return Str(GetInstance(name), "status.state") == state; }, t);
  }
  Result<json::Value> GetCm(const std::string& name) { return client().Get(kConfigMaps, ns_, name); }
  Status PatchCm(const std::string& name, const std::string& patch) {
    return client().Patch(kConfigMaps, ns_, name, kube::PatchType::kMerge, Y(patch)).status();
  }
  // Creates the RGD, waits for Active, creates instance `name` and opens the gate.
  void ActiveInstance(const std::string& name) {
    CreateRgd(AppRgd());
    ASSERT_TRUE(WaitRgdState("Active")) << json::Serialize(GetRgd());
    ASSERT_TRUE(client().Create(InstanceGvr(), ns_, Instance(name)).ok());
    ASSERT_TRUE(Eventually([&] { return GetCm(name + "-config-gate").ok(); }));
    ASSERT_TRUE(PatchCm(name + "-config-gate", "{data: {ready: 'yes'}}").ok());
    ASSERT_TRUE(WaitInstanceState(name, "ACTIVE")) << json::Serialize(GetInstance(name));
  }

};

TEST_F(ControllerTest, RgdBecomesActiveAndCrdAppears) {
  auto start = std::chrono::steady_clock::now();
  CreateRgd(AppRgd());
  ASSERT_TRUE(WaitRgdState("Active")) << json::Serialize(GetRgd());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[measure] RGD Active after %.3f s\n", secs);
  json::Value rgd = GetRgd();
  auto crd = client().Get(kCrds, "", InstanceGvr().resource + ".kro.run");
  ASSERT_TRUE(crd.ok()) << crd.status().ToString();
  EXPECT_EQ(json::Serialize(*json::Find(rgd, "status.topologicalOrder")),
            R"(["config","gate","leaf"])");
  EXPECT_TRUE(json::Equal(*json::Find(rgd, "status.resources[1]"),
                          Y(R"({"id":"gate","dependencies":[{"id":"config"}]})")))
      << json::Serialize(*json::Find(rgd, "status.resources"));
  const json::Value* conds = json::Find(rgd, "status.conditions");
  ASSERT_NE(conds, nullptr);
  int true_count = 0;
  for (const auto& c : conds->as_array()) {
    if (Str(c, "status") == "True") ++true_count;
  }
  EXPECT_GE(true_count, 4) << json::Serialize(*conds);
  bool has_finalizer = false;
  for (const auto& f : json::Find(rgd, "metadata.finalizers")->as_array()) {
    has_finalizer |= f.as_string() == "kro.run/finalizer";
  }
  EXPECT_TRUE(has_finalizer);
}

TEST_F(ControllerTest, EachSpecChangeIssuesAGraphRevisionAndOldOnesAreRemoved) {
  const kube::Gvr kGraphRevisions{"internal.kro.run", "v1alpha1", "graphrevisions"};
  auto revisions = [&] {
    kube::ListOptions lo;
    lo.field_selector = "spec.snapshot.name=" + RgdName();
    auto l = client().List(kGraphRevisions, "", lo);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    std::vector<std::string> names;
    if (l.ok()) {
      for (const json::Value& gr : l->items) names.push_back(Str(gr, "metadata.name"));
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  auto last_issued = [&] {
    const json::Value* v = json::Find(GetRgd(), "status.lastIssuedRevision");
    return v != nullptr && v->is_int64() ? v->as_int64() : int64_t{0};
  };
  json::Value created = CreateRgd(AppRgd());
  ASSERT_TRUE(WaitRgdState("Active")) << json::Serialize(GetRgd());
  ASSERT_TRUE(Eventually([&] { return last_issued() == 1; })) << json::Serialize(GetRgd());
  auto gr = client().Get(kGraphRevisions, "", RgdName() + "-r00001");
  ASSERT_TRUE(gr.ok()) << gr.status().ToString();
  EXPECT_EQ(Str(*gr, "spec.snapshot.name"), RgdName());
  EXPECT_TRUE(json::Equal(*json::Find(*gr, "spec.snapshot.spec"), *json::Find(GetRgd(), "spec")));
  EXPECT_EQ(Str(*gr, "metadata.ownerReferences[0].uid"), Str(created, "metadata.uid"));
  const json::Value* labels = json::Find(*gr, "metadata.labels");
  ASSERT_NE(labels, nullptr);
  const json::Value* rgd_label = labels->as_object().if_contains("kro.run/resource-graph-definition-name");
  ASSERT_NE(rgd_label, nullptr);
  EXPECT_EQ(rgd_label->as_string(), RgdName());
  EXPECT_NE(labels->as_object().if_contains("kro.run/graph-revision-hash"), nullptr);
  ASSERT_TRUE(Eventually([&] {
    auto g = client().Get(kGraphRevisions, "", RgdName() + "-r00001");
    return g.ok() && json::Serialize(*json::Find(*g, "status.topologicalOrder")) ==
                         R"(["config","gate","leaf"])";
  }));
  gr = client().Get(kGraphRevisions, "", RgdName() + "-r00001");
  std::string ready, verified;
  for (const auto& c : json::Find(*gr, "status.conditions")->as_array()) {
    if (Str(c, "type") == "Ready") ready = Str(c, "status");
    if (Str(c, "type") == "GraphVerified") verified = Str(c, "status");
  }
  EXPECT_EQ(ready, "True");
  EXPECT_EQ(verified, "True");

  // A change outside spec issues nothing.
  ASSERT_TRUE(client().Patch(kRgds, "", RgdName(), kube::PatchType::kMerge,
                             Y("{metadata: {labels: {team: a}}}")).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(revisions(), std::vector<std::string>{RgdName() + "-r00001"});

  // Six spec changes: revisions 2..7 are issued, only the newest five (the default) are kept.
  for (int i = 2; i <= 7; ++i) {
    ASSERT_TRUE(client().Patch(kRgds, "", RgdName(), kube::PatchType::kJson,
                               Y("[{op: replace, path: /spec/resources/0/template/data/owner, "
                                 "value: 'v" + std::to_string(i) + "'}]")).ok());
    ASSERT_TRUE(Eventually([&] { return last_issued() == i; })) << json::Serialize(GetRgd());
  }
  std::vector<std::string> want;
  for (int i = 3; i <= 7; ++i) want.push_back(RgdName() + "-r0000" + std::to_string(i));
  EXPECT_TRUE(Eventually([&] { return revisions() == want; }));
  EXPECT_EQ(revisions(), want);
}

TEST_F(ControllerTest, InstanceIsAnApplySetParentAndEveryChildIsPartOfIt) {
  ActiveInstance("aps");
  json::Value inst = GetInstance("aps");
  auto meta = [](const json::Value& obj, const char* field, const char* key) {
    const json::Value* m = json::Find(obj, std::string("metadata.") + field);
    const json::Value* v = m != nullptr && m->is_object() ? m->as_object().if_contains(key)
                                                           : nullptr;
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string("<unset>");
  };
  std::string id = meta(inst, "labels", "applyset.kubernetes.io/id");
  EXPECT_EQ(id.rfind("applyset-", 0), 0u) << id;
  EXPECT_EQ(meta(inst, "annotations", "applyset.kubernetes.io/tooling"), "kro/v0.9.3");
  EXPECT_EQ(meta(inst, "annotations", "applyset.kubernetes.io/contains-group-kinds"), "ConfigMap");
  EXPECT_EQ(meta(inst, "annotations", "applyset.kubernetes.io/additional-namespaces"), "");
  for (const char* child : {"aps-config", "aps-config-gate", "aps-config-gate-leaf"}) {
    auto cm = GetCm(child);
    ASSERT_TRUE(cm.ok()) << child;
    EXPECT_EQ(meta(*cm, "labels", "applyset.kubernetes.io/part-of"), id) << child;
  }
}

TEST_F(ControllerTest, InvalidRgdGetsGraphAcceptedFalseWithMessage) {
  std::string yaml = AppRgd();
  // An unknown identifier in a template.
  size_t at = yaml.find("${config.metadata.name}-gate");
  yaml.replace(at, std::string("${config.metadata.name}").size(), "${missing.metadata.name}");
  CreateRgd(yaml);
  ASSERT_TRUE(WaitRgdState("Inactive")) << json::Serialize(GetRgd());
  json::Value rgd = GetRgd();
  std::string msg;
  for (const auto& c : json::Find(rgd, "status.conditions")->as_array()) {
    if (Str(c, "type") == "GraphAccepted") {
      EXPECT_EQ(Str(c, "status"), "False");
      EXPECT_EQ(Str(c, "reason"), "InvalidResourceGraph");
      msg = Str(c, "message");
    }
  }
  EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
  EXPECT_NE(msg.find("spec.resources[1]"), std::string::npos) << msg;
}

TEST_F(ControllerTest, InstanceActiveWithChildrenInOrderAndReadyWhenGates) {
  CreateRgd(AppRgd());
  ASSERT_TRUE(WaitRgdState("Active"));
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client().Create(InstanceGvr(), ns_, Instance("one")).ok());
  ASSERT_TRUE(Eventually([&] { return GetCm("one-config-gate").ok(); }));
  // readyWhen on gate is false: the leaf must not exist, the instance is IN_PROGRESS.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_FALSE(GetCm("one-config-gate-leaf").ok());
  EXPECT_EQ(Str(GetInstance("one"), "status.state"), "IN_PROGRESS");
  auto gate_open = std::chrono::steady_clock::now();
  ASSERT_TRUE(PatchCm("one-config-gate", "{data: {ready: 'yes'}}").ok());
  ASSERT_TRUE(WaitInstanceState("one", "ACTIVE")) << json::Serialize(GetInstance("one"));
  auto end = std::chrono::steady_clock::now();
  std::printf("[measure] instance ACTIVE %.3f s after the gate opened (%.3f s total)\n",
              std::chrono::duration<double>(end - gate_open).count(),
              std::chrono::duration<double>(end - start).count());
  auto config = GetCm("one-config");
  auto gate = GetCm("one-config-gate");
  auto leaf = GetCm("one-config-gate-leaf");
  ASSERT_TRUE(config.ok() && gate.ok() && leaf.ok());
  // Created in dependency order (etcd revisions are monotonic).
  auto created_rv = [](const json::Value& o) {
    return std::stoll(Str(o, "metadata.resourceVersion"));
  };
  EXPECT_LT(created_rv(*config), created_rv(*leaf));
  EXPECT_EQ(Str(*leaf, "data.gate"), "one-config-gate");
  // kro's labels on every child.
  EXPECT_EQ(Str(*leaf, "metadata.labels[\"kro.run/node-id\"]"), "leaf");
  EXPECT_EQ(Str(*leaf, "metadata.labels[\"kro.run/owned\"]"), "true");
  EXPECT_EQ(Str(*leaf, "metadata.labels[\"app.kubernetes.io/managed-by\"]"), "kro");
  EXPECT_EQ(Str(*leaf, "metadata.labels[\"kro.run/instance-name\"]"), "one");
  EXPECT_EQ(Str(*leaf, "metadata.labels[\"kro.run/resource-graph-definition-name\"]"),
            RgdName());
  json::Value inst = GetInstance("one");
  EXPECT_EQ(Str(inst, "status.configName"), "one-config");
  EXPECT_EQ(Str(inst, "status.gate"), "yes");
  EXPECT_EQ(Str(inst, "metadata.finalizers[0]"), "kro.run/finalizer");
  int ready_true = 0;
  for (const auto& c : json::Find(inst, "status.conditions")->as_array()) {
    if (Str(c, "status") == "True") ++ready_true;
  }
  EXPECT_EQ(ready_true, 4) << json::Serialize(*json::Find(inst, "status.conditions"));
}

TEST_F(ControllerTest, IncludeWhenOffDeletesChild) {
  ActiveInstance("inc");
  ASSERT_TRUE(GetCm("inc-config-gate-leaf").ok());
  ASSERT_TRUE(client()
                  .Patch(InstanceGvr(), ns_, "inc", kube::PatchType::kMerge,
                         Y("{spec: {withLeaf: false}}"))
                  .ok());
  EXPECT_TRUE(Eventually([&] { return !GetCm("inc-config-gate-leaf").ok(); }));
  EXPECT_TRUE(WaitInstanceState("inc", "ACTIVE"));
}

TEST_F(ControllerTest, ForEachShrinkDeletesDroppedItems) {
  CreateRgd(R"(
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
      regions: "[]string"
  resources:
  - id: regional
    forEach:
    - region: ${schema.spec.regions}
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${schema.spec.name}-${region}
      data:
        region: ${region}
  - id: summary
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${schema.spec.name}-summary
      data:
        count: ${string(size(regional))}
)");
  ASSERT_TRUE(WaitRgdState("Active")) << json::Serialize(GetRgd());
  ASSERT_TRUE(client()
                  .Create(InstanceGvr(), ns_,
                          Y("{apiVersion: kro.run/v1alpha1, kind: " + Kind() +
                            ", metadata: {name: fe, namespace: " + ns_ +
                            "}, spec: {name: fe, regions: [a, b, c]}}"))
                  .ok());
  ASSERT_TRUE(WaitInstanceState("fe", "ACTIVE")) << json::Serialize(GetInstance("fe"));
  for (const char* n : {"fe-a", "fe-b", "fe-c"}) {
    EXPECT_TRUE(GetCm(n).ok()) << n;
  }
  // Two items leave the collection: they are deleted, the one left stays, and a new one comes.
  ASSERT_TRUE(client()
                  .Patch(InstanceGvr(), ns_, "fe", kube::PatchType::kMerge,
                         Y("{spec: {regions: [b, d]}}"))
                  .ok());
  EXPECT_TRUE(Eventually([&] { return !GetCm("fe-a").ok() && !GetCm("fe-c").ok(); }));
  EXPECT_TRUE(Eventually([&] { return GetCm("fe-d").ok(); }));
  EXPECT_TRUE(GetCm("fe-b").ok());
  EXPECT_TRUE(Eventually([&] {
    auto s = GetCm("fe-summary");
    return s.ok() && Str(*s, "data.count") == "2";
  }));
  EXPECT_TRUE(WaitInstanceState("fe", "ACTIVE")) << json::Serialize(GetInstance("fe"));
}

TEST_F(ControllerTest, DeletedChildComesBack) {
  ActiveInstance("heal");
  auto before = GetCm("heal-config");
  ASSERT_TRUE(before.ok());
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client().Delete(kConfigMaps, ns_, "heal-config").ok());
  ASSERT_TRUE(Eventually([&] {
    auto now = GetCm("heal-config");
    return now.ok() && Str(*now, "metadata.uid") != Str(*before, "metadata.uid");
  }));
  std::printf("[measure] deleted child recreated after %.3f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  // Drift is repaired too.
  ASSERT_TRUE(PatchCm("heal-config", "{data: {owner: changed}}").ok());
  EXPECT_TRUE(Eventually([&] {
    auto now = GetCm("heal-config");
    return now.ok() && Str(*now, "data.owner") == "heal";
  }));
}

TEST_F(ControllerTest, NoOpReconcileMakesZeroWrites) {
  ActiveInstance("noop");
  // Let the queue settle, then reconcile directly and count the controller client's writes.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kube::RequestCounts before = manager().client().request_counts();
  InstanceKey key{InstanceGvr(), ns_, "noop"};
  for (int i = 0; i < 5; ++i) {
    Outcome out = manager().instances().Reconcile(key);
    EXPECT_EQ(out.kind, Outcome::Kind::kDone);
  }
  kube::RequestCounts after = manager().client().request_counts();
  std::printf("[measure] writes during 5 no-op reconciles: %llu\n",
              static_cast<unsigned long long>(Writes(after) - Writes(before)));
  EXPECT_EQ(Writes(after), Writes(before));
}

// kro.run/reconcile: suspended (any case; legacy "disabled"): status says so, no child write
// until the annotation goes; a suspended instance can still be deleted.
TEST_F(ControllerTest, SuspendedInstanceWritesStatusButNoChild) {
  ActiveInstance("susp");
  auto condition = [&](const std::string& type) {
    json::Value inst = GetInstance("susp");
    const json::Value* conds = json::Find(inst, "status.conditions");
    if (conds != nullptr && conds->is_array()) {
      for (const auto& c : conds->as_array()) {
        if (Str(c, "type") == type) return c;
      }
    }
    return json::Value();
  };
  auto annotate = [&](const std::string& value) {
    return client()
        .Patch(InstanceGvr(), ns_, "susp", kube::PatchType::kMerge,
               Y("{metadata: {annotations: {kro.run/reconcile: " + value + "}}}"))
        .status();
  };
  ASSERT_TRUE(annotate("Suspended").ok());
  ASSERT_TRUE(Eventually([&] {
    return Str(condition("ResourcesReady"), "reason") == "ReconciliationSuspended";
  })) << json::Serialize(GetInstance("susp"));
  json::Value rr = condition("ResourcesReady");
  EXPECT_EQ(Str(rr, "status"), "False");
  EXPECT_EQ(Str(rr, "message"), "reconciliation suspended via kro.run/reconcile annotation");
  EXPECT_EQ(Str(condition("Ready"), "status"), "False");

  // No child write while suspended: a deleted child stays deleted, a spec change is not applied.
  ASSERT_TRUE(client().Delete(kConfigMaps, ns_, "susp-config-gate-leaf").ok());
  ASSERT_TRUE(client()
                  .Patch(InstanceGvr(), ns_, "susp", kube::PatchType::kMerge,
                         Y("{spec: {withLeaf: true}, metadata: {labels: {touched: 'yes'}}}"))
                  .ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  EXPECT_EQ(GetCm("susp-config-gate-leaf").status().code(), ErrorCode::kNotFound);

  // The legacy value suspends too.
  ASSERT_TRUE(annotate("disabled").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(GetCm("susp-config-gate-leaf").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(Str(condition("ResourcesReady"), "reason"), "ReconciliationSuspended");

  // Resuming repairs what changed meanwhile.
  ASSERT_TRUE(annotate("null").ok());
  EXPECT_TRUE(Eventually([&] { return GetCm("susp-config-gate-leaf").ok(); }));
  EXPECT_TRUE(WaitInstanceState("susp", "ACTIVE")) << json::Serialize(GetInstance("susp"));
  EXPECT_EQ(Str(condition("ResourcesReady"), "reason"), "AllResourcesReady");

  // Deleting a suspended instance still removes its children and the instance.
  ASSERT_TRUE(annotate("suspended").ok());
  ASSERT_TRUE(Eventually([&] {
    return Str(condition("ResourcesReady"), "reason") == "ReconciliationSuspended";
  }));
  ASSERT_TRUE(client().Delete(InstanceGvr(), ns_, "susp").ok());
  EXPECT_TRUE(Eventually([&] {
    return client().Get(InstanceGvr(), ns_, "susp").status().code() == ErrorCode::kNotFound;
  }));
  EXPECT_EQ(GetCm("susp-config").status().code(), ErrorCode::kNotFound);
}

TEST_F(ControllerTest, InstanceDeletionTearsDownInReverseOrder) {
  ActiveInstance("del");
  // Hold the leaf (last level) with a finalizer: nothing earlier may go while it exists.
  ASSERT_TRUE(PatchCm("del-config-gate-leaf", "{metadata: {finalizers: [test/hold]}}").ok());
  ASSERT_TRUE(client().Delete(InstanceGvr(), ns_, "del").ok());
  ASSERT_TRUE(WaitInstanceState("del", "DELETING")) << json::Serialize(GetInstance("del"));
  ASSERT_TRUE(Eventually([&] {
    auto leaf = GetCm("del-config-gate-leaf");
    return leaf.ok() && json::Find(*leaf, "metadata.deletionTimestamp") != nullptr;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(GetCm("del-config").ok());
  EXPECT_TRUE(GetCm("del-config-gate").ok());
  ASSERT_TRUE(PatchCm("del-config-gate-leaf", "{metadata: {finalizers: null}}").ok());
  EXPECT_TRUE(Eventually([&] { return !client().Get(InstanceGvr(), ns_, "del").ok(); }));
  EXPECT_FALSE(GetCm("del-config").ok());
  EXPECT_FALSE(GetCm("del-config-gate").ok());
}

TEST_F(ControllerTest, RgdUpdateReReconcilesInstances) {
  ActiveInstance("upd");
  json::Value rgd = GetRgd();
  json::Value updated = Y(AppRgd("\n        extra: added"));
  updated.as_object()["metadata"].as_object()["resourceVersion"] =
      Str(rgd, "metadata.resourceVersion");
  updated.as_object()["metadata"].as_object()["finalizers"] = *json::Find(rgd, "metadata.finalizers");
  ASSERT_TRUE(client().Update(kRgds, "", updated).ok());
  EXPECT_TRUE(Eventually([&] {
    auto cm = GetCm("upd-config");
    return cm.ok() && Str(*cm, "data.extra") == "added";
  }));
}

TEST_F(ControllerTest, InvalidInstanceRejectedBySchema) {
  CreateRgd(AppRgd());
  ASSERT_TRUE(WaitRgdState("Active"));
  json::Value bad = Instance("bad");
  bad.as_object()["spec"].as_object()["withLeaf"] = "not-a-bool";
  auto r = client().Create(InstanceGvr(), ns_, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("spec.withLeaf"), std::string::npos)
      << r.status().message();
}

TEST_F(ControllerTest, MetricsAndProbesServed) {
  std::string out;
  int rc = testenv::RunCommand(
      {"curl", "-sf", "http://127.0.0.1:" + std::to_string(manager().health_port()) + "/readyz"},
      &out);
  EXPECT_EQ(rc, 0) << out;
  rc = testenv::RunCommand(
      {"curl", "-sf", "http://127.0.0.1:" + std::to_string(manager().metrics_port()) + "/metrics"},
      &out);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("rgd_graph_build_total"), std::string::npos);
  EXPECT_NE(out.find("dynamic_controller_queue_length"), std::string::npos);
}

}  // namespace
}  // namespace kro::controller
