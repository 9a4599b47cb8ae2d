// Fault: another field manager server-side-applies a field kro sets. kro reports the conflict on
// the instance (resource, manager, field) and does not fight: no write loop. Drift from an
// imperative write is still repaired, and the instance recovers once the other manager lets go.
#include <gtest/gtest.h>

#include "test/integration/faults/faults_fixture.h"

namespace kro::faults {
namespace {

class FieldConflictTest : public FaultsTest {
 protected:
  std::string Kind() const { return "Owned" + suffix_; }
  std::string Rgd() const {
    return RgdHeader("owned" + suffix_, Kind()) + R"(
    spec:
      owner: string | default=kro
  resources:
  - id: settings
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${schema.metadata.name}-settings
      data:
        owner: ${schema.spec.owner}
        fixed: "yes"
)";
  }
  json::Value Settings(const std::string& name) {
    auto r = client().Get(kConfigMaps, ns_, name + "-settings");
    return r.ok() ? *r : json::Value();
  }
  Status ApplyAs(const std::string& manager, const std::string& data) {
    kube::ApplyOptions ao;
    ao.field_manager = manager;
    ao.force = true;
    return client()
        .Apply(kConfigMaps, ns_,
               Y("{apiVersion: v1, kind: ConfigMap, metadata: {name: x-settings, namespace: " +
                 ns_ + "}, data: " + data + "}"),
               ao)
        .status();
  }
};

TEST_F(FieldConflictTest, OtherApplierGetsAClearConditionAndNoWriteFight) {
  auto kro = StartController();
  ASSERT_NE(kro, nullptr);
  ApplyRgdAndWaitActive(Rgd());
  ASSERT_TRUE(client()
                  .Create(InstanceGvr(Kind()), ns_,
                          Y("{apiVersion: kro.run/v1alpha1, kind: " + Kind() +
                            ", metadata: {name: x}, spec: {owner: kro}}"))
                  .ok());
  ASSERT_TRUE(Eventually([&] { return InstanceState(Kind(), "x") == "ACTIVE"; }))
      << kro->LogTail();

  // A manager that applies a field with kro's own value shares it: no conflict. Drift from an
  // imperative write (operation Update) is then still repaired, as upstream does.
  ASSERT_TRUE(ApplyAs("team", "{fixed: 'yes'}").ok());
  ASSERT_TRUE(client()
                  .Patch(kConfigMaps, ns_, "x-settings", kube::PatchType::kMerge,
                         Y("{data: {owner: edited}}"), kube::WriteOptions{"kubectl-edit", false})
                  .ok());
  ASSERT_TRUE(Eventually([&] { return Str(Settings("x"), "data.owner") == "kro"; }))
      << kro->LogTail();

  // Another manager applies data.owner with force: it owns the field now.
  ASSERT_TRUE(ApplyAs("intruder", "{owner: intruder}").ok());
  std::string message;
  ASSERT_TRUE(Eventually([&] {
    auto inst = GetInstance(Kind(), "x");
    if (!inst.ok()) return false;
    json::Value ready = Condition(*inst, "ResourcesReady");
    message = Str(ready, "message");
    return Str(*inst, "status.state") == "ERROR" && Str(ready, "status") == "False";
  })) << message << "\n" << kro->LogTail();
  std::printf("[measure] condition: %s\n", message.c_str());
  EXPECT_NE(message.find("resource \"settings\""), std::string::npos) << message;
  EXPECT_NE(message.find("x-settings"), std::string::npos) << message;
  EXPECT_NE(message.find("\"intruder\""), std::string::npos) << message;
  EXPECT_NE(message.find(".data.owner"), std::string::npos) << message;

  // No fight: the value stays the other manager's, and kro writes nothing over several seconds.
  auto before = kro->Requests();
  ASSERT_TRUE(before.ok());
  std::this_thread::sleep_for(std::chrono::seconds(5));
  auto after = kro->Requests();
  ASSERT_TRUE(after.ok());
  std::printf("[measure] controller writes in 5 s after the conflict: %llu\n",
              static_cast<unsigned long long>(WriteRequests(*after) - WriteRequests(*before)));
  EXPECT_EQ(WriteRequests(*after), WriteRequests(*before));
  EXPECT_EQ(Str(Settings("x"), "data.owner"), "intruder");
  EXPECT_EQ(InstanceState(Kind(), "x"), "ERROR");

  // The other manager lets go of the field (applies without it): kro sets it again.
  ASSERT_TRUE(ApplyAs("intruder", "{}").ok());
  ASSERT_TRUE(Eventually([&] {
    return Str(Settings("x"), "data.owner") == "kro" && InstanceState(Kind(), "x") == "ACTIVE";
  })) << json::Serialize(Settings("x"))
      << "\n"
      << kro->LogTail();
}

}  // namespace
}  // namespace kro::faults
