// Suspension (kro.run/reconcile) and author status conditions (spec.schema.status.conditions)
// against a real kube-apiserver, with the controller in-process (fixture as controller_test.cc).
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

class SuspensionConditionsTest : public InstanceFixture {
 protected:
  SuspensionConditionsTest() : InstanceFixture("sc") {}

  std::string Kind() const { return "Cond" + suffix_; }
  std::string RgdName() const { return "cond" + suffix_; }
  kube::Gvr InstanceGvr() const { return kube::Gvr{"kro.run", "v1alpha1", "cond" + suffix_ + "s"}; }

  // config (data.value from the spec) -> gate (readyWhen data.ready == yes); `conditions` is the
  // YAML list under spec.schema.status.conditions ("" for none).
  std::string Rgd(const std::string& conditions) const {
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
      value: string
      zones: "[]string"
    status:
      configValue: ${config.data.value})" +
           (conditions.empty() ? "" : "\n      conditions:\n" + conditions) + R"(
  resources:
  - id: config
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${schema.metadata.name}-config
      data:
        value: ${schema.spec.value}
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
)";
  }
  json::Value GetRgd() {
    auto r = client().Get(kRgds, "", RgdName());
    return r.ok() ? *r : json::Value();
  }
  void CreateRgd(const std::string& yaml, const std::string& state) {
    auto r = client().Create(kRgds, "", Y(yaml));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(Eventually([&] { return Str(GetRgd(), "status.state") == state; }))
        << json::Serialize(GetRgd());
  }
  Status CreateInstance(const std::string& name, const std::string& value,
                        const std::string& zones) {
    return client()
        .Create(InstanceGvr(), ns_,
                Y("{apiVersion: kro.run/v1alpha1, kind: " + Kind() + ", metadata: {name: " +
                  name + ", namespace: " + ns_ + "}, spec: {value: " + value +
                  ", zones: " + zones + "}}"))
        .status();
  }
  json::Value GetInstance(const std::string& name) {
    auto r = client().Get(InstanceGvr(), ns_, name);
    return r.ok() ? *r : json::Value();
  }
  Status PatchInstance(const std::string& name, const std::string& patch) {
    return client().Patch(InstanceGvr(), ns_, name, kube::PatchType::kMerge, Y(patch)).status();
  }
  Result<json::Value> GetCm(const std::string& name) { return client().Get(kConfigMaps, ns_, name); }
  Status OpenGate(const std::string& name) {
    return client()
        .Patch(kConfigMaps, ns_, name + "-config-gate", kube::PatchType::kMerge,
               Y("{data: {ready: 'yes'}}"))
        .status();
  }
  // status.conditions of instance `name`, as "type=status/reason/message" lines in order.
  std::string Conditions(const std::string& name) {
    json::Value inst = GetInstance(name);
    const json::Value* conds = json::Find(inst, "status.conditions");
    std::string out;
    if (conds == nullptr || !conds->is_array()) return out;
    for (const auto& c : conds->as_array()) {
      out += Str(c, "type") + "=" + Str(c, "status") + "/" + Str(c, "reason") + "/" +
             Str(c, "message") + "\n";
    }
    return out;
  }
  json::Value Condition(const std::string& name, const std::string& type) {
    json::Value inst = GetInstance(name);
    const json::Value* conds = json::Find(inst, "status.conditions");
    if (conds != nullptr && conds->is_array()) {
      for (const auto& c : conds->as_array()) {
        if (Str(c, "type") == type) return c;
      }
    }
    return json::Value();
  }

};

// Suspended: the exact condition, no child write (a deleted child stays deleted, a spec change
// is not applied), and removing the annotation repairs both.
TEST_F(SuspensionConditionsTest, SuspendedInstanceLeavesChildrenAloneUntilResumed) {
  ASSERT_NO_FATAL_FAILURE(CreateRgd(Rgd(""), "Active"));
  ASSERT_TRUE(CreateInstance("s", "one", "[]").ok());
  ASSERT_TRUE(Eventually([&] { return GetCm("s-config-gate").ok(); }));
  ASSERT_TRUE(OpenGate("s").ok());
  ASSERT_TRUE(Eventually([&] { return Str(GetInstance("s"), "status.state") == "ACTIVE"; }))
      << json::Serialize(GetInstance("s"));

  ASSERT_TRUE(PatchInstance("s", "{metadata: {annotations: {kro.run/reconcile: SUSPENDED}}}").ok());
  ASSERT_TRUE(Eventually([&] {
    return Str(Condition("s", "ResourcesReady"), "reason") == "ReconciliationSuspended";
  })) << json::Serialize(GetInstance("s"));
  json::Value rr = Condition("s", "ResourcesReady");
  EXPECT_EQ(Str(rr, "type"), "ResourcesReady");
  EXPECT_EQ(Str(rr, "status"), "False");
  EXPECT_EQ(Str(rr, "reason"), "ReconciliationSuspended");
  EXPECT_EQ(Str(rr, "message"), "reconciliation suspended via kro.run/reconcile annotation");
  EXPECT_EQ(Str(Condition("s", "Ready"), "status"), "False");

  ASSERT_TRUE(client().Delete(kConfigMaps, ns_, "s-config-gate").ok());
  ASSERT_TRUE(PatchInstance("s", "{spec: {value: two}}").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  EXPECT_EQ(GetCm("s-config-gate").status().code(), ErrorCode::kNotFound);
  auto cm = GetCm("s-config");
  ASSERT_TRUE(cm.ok());
  EXPECT_EQ(Str(*cm, "data.value"), "one");

  ASSERT_TRUE(PatchInstance("s", "{metadata: {annotations: {kro.run/reconcile: null}}}").ok());
  EXPECT_TRUE(Eventually([&] { return GetCm("s-config-gate").ok(); }));
  EXPECT_TRUE(Eventually([&] {
    auto c = GetCm("s-config");
    return c.ok() && Str(*c, "data.value") == "two";
  }));
  EXPECT_NE(Str(Condition("s", "ResourcesReady"), "reason"), "ReconciliationSuspended");
}

// Author conditions: exactly those are written, with the values the expressions produce; they
// follow spec changes; runtime.condition(schema, 'Ready') reads kro's built-in Ready.
TEST_F(SuspensionConditionsTest, AuthorConditionsReplaceTheBuiltins) {
  std::string conditions = R"(      - "${runtime.newCondition({type: 'ValueSet', status: schema.spec.value == '' ? 'False' : 'True', reason: 'Checked', message: 'value is ' + schema.spec.value})}"
      - "${schema.spec.zones.map(z, runtime.newCondition({type: 'Zone-' + z, status: 'True', reason: 'Listed'}))}"
      - "${runtime.newCondition({type: 'KroReady', status: runtime.condition(schema, 'Ready').status, reason: runtime.condition(schema, 'Ready').reason == '' ? 'None' : runtime.condition(schema, 'Ready').reason})}"
      - "${runtime.newCondition({type: 'Config', status: config.data.value == 'one' ? 'True' : 'False', reason: 'FromChild'})}"
)";
  ASSERT_NO_FATAL_FAILURE(CreateRgd(Rgd(conditions), "Active"));
  ASSERT_TRUE(CreateInstance("a", "one", "[x, y]").ok());
  ASSERT_TRUE(Eventually([&] { return GetCm("a-config-gate").ok(); }));
  // The gate is closed: kro's Ready is False (NotReady) and the author's KroReady says so.
  ASSERT_TRUE(Eventually([&] {
    return Conditions("a") ==
           "ValueSet=True/Checked/value is one\nZone-x=True/Listed/\nZone-y=True/Listed/\n"
           "KroReady=False/NotReady/\nConfig=True/FromChild/\n";
  })) << Conditions("a");
  json::Value vs = Condition("a", "ValueSet");
  ASSERT_NE(json::Find(vs, "observedGeneration"), nullptr);
  EXPECT_EQ(json::Find(vs, "observedGeneration")->as_int64(), 1);
  std::string t0 = Str(vs, "lastTransitionTime");
  EXPECT_FALSE(t0.empty());
  EXPECT_EQ(Str(GetInstance("a"), "status.configValue"), "one");

  ASSERT_TRUE(OpenGate("a").ok());
  ASSERT_TRUE(Eventually([&] {
    return Str(Condition("a", "KroReady"), "status") == "True";
  })) << Conditions("a");
  EXPECT_EQ(Str(Condition("a", "KroReady"), "reason"), "Ready");  // kro's Ready reason when True
  EXPECT_EQ(Str(GetInstance("a"), "status.state"), "ACTIVE");

  // A spec change: zones shrink, the value changes.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE(PatchInstance("a", "{spec: {value: two, zones: [z]}}").ok());
  ASSERT_TRUE(Eventually([&] {
    return Conditions("a") ==
           "ValueSet=True/Checked/value is two\nZone-z=True/Listed/\n"
           "KroReady=True/Ready/\nConfig=False/FromChild/\n";
  })) << Conditions("a");
  vs = Condition("a", "ValueSet");
  ASSERT_NE(json::Find(vs, "observedGeneration"), nullptr);
  EXPECT_EQ(Str(vs, "lastTransitionTime"), t0);  // still True: the time stays
  EXPECT_EQ(json::Find(vs, "observedGeneration")->as_int64(), 2);
  EXPECT_NE(Str(Condition("a", "Config"), "lastTransitionTime"), t0);  // True -> False

  // No write on a reconcile that changes nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kube::RequestCounts before = manager().client().request_counts();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(manager().instances().Reconcile(InstanceKey{InstanceGvr(), ns_, "a"}).kind,
              Outcome::Kind::kDone);
  }
  EXPECT_EQ(Writes(manager().client().request_counts()), Writes(before));

  // While deleting, the author's conditions and status fields written last stay.
  ASSERT_TRUE(client()
                  .Patch(kConfigMaps, ns_, "a-config-gate", kube::PatchType::kMerge,
                         Y("{metadata: {finalizers: [test/hold]}}"))
                  .ok());
  ASSERT_TRUE(client().Delete(InstanceGvr(), ns_, "a").ok());
  ASSERT_TRUE(Eventually([&] { return Str(GetInstance("a"), "status.state") == "DELETING"; }))
      << json::Serialize(GetInstance("a"));
  std::string deleting = Conditions("a");
  EXPECT_NE(deleting.find("ValueSet=True/Checked/value is two\n"), std::string::npos) << deleting;
  EXPECT_NE(deleting.find("Zone-z=True/Listed/\n"), std::string::npos) << deleting;
  EXPECT_NE(deleting.find("ResourcesReady=Unknown/UnderDeletion/"), std::string::npos) << deleting;
  EXPECT_EQ(Str(GetInstance("a"), "status.configValue"), "two");
  ASSERT_TRUE(client()
                  .Patch(kConfigMaps, ns_, "a-config-gate", kube::PatchType::kMerge,
                         Y("{metadata: {finalizers: null}}"))
                  .ok());
  EXPECT_TRUE(Eventually([&] { return !client().Get(InstanceGvr(), ns_, "a").ok(); }));
}

// A condition expression of the wrong type is refused when the RGD is accepted.
TEST_F(SuspensionConditionsTest, WrongConditionTypeIsGraphAcceptedFalse) {
  ASSERT_NO_FATAL_FAILURE(
      CreateRgd(Rgd("      - \"${schema.spec.value}\"\n"), "Inactive"));
  std::string msg;
  json::Value rgd = GetRgd();
  ASSERT_NE(json::Find(rgd, "status.conditions"), nullptr);
  for (const auto& c : json::Find(rgd, "status.conditions")->as_array()) {
    if (Str(c, "type") == "GraphAccepted") {
      EXPECT_EQ(Str(c, "status"), "False");
      msg = Str(c, "message");
    }
  }
  EXPECT_NE(msg.find("condition expressions must return runtime.newCondition(...) or a list of "
                     "them, got \"string\""),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("spec.schema.status.conditions[0]"), std::string::npos) << msg;
}

}  // namespace
}  // namespace kro::controller
