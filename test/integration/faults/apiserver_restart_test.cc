// Fault: kube-apiserver restarts (same port, certificates and etcd) while instances reconcile,
// and etcd is compacted so that watches resuming from an old resourceVersion get 410 Gone.
// Nothing is missed: instances created or changed meanwhile converge, and a child deleted while
// the controller's watches were broken is restored.
#include <gtest/gtest.h>

#include "kro/kube/watch.h"
#include "test/integration/faults/faults_fixture.h"

namespace kro::faults {
namespace {

class ApiserverRestartTest : public FaultsTest {
 protected:
  std::string Kind() const { return "Survivor" + suffix_; }
  std::string Rgd() const {
    return RgdHeader("survivor" + suffix_, Kind()) + R"(
    spec:
      value: string | default=v
    status:
      copied: ${copy.data.value}
  resources:
  - id: config
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${schema.metadata.name}-config
      data:
        value: ${schema.spec.value}
  - id: copy
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${config.metadata.name}-copy
      data:
        value: ${config.data.value}
)";
  }
  Status CreateInstance(const std::string& name, const std::string& value = "v") {
    return client()
        .Create(InstanceGvr(Kind()), ns_,
                Y("{apiVersion: kro.run/v1alpha1, kind: " + Kind() + ", metadata: {name: " +
                  name + "}, spec: {value: " + value + "}}"))
        .status();
  }
  // ACTIVE, with the child and the projected status carrying `value`.
  bool Converged(const std::string& name, const std::string& value = "v") {
    auto inst = GetInstance(Kind(), name);
    auto copy = client().Get(kConfigMaps, ns_, name + "-config-copy");
    return inst.ok() && copy.ok() && Str(*inst, "status.state") == "ACTIVE" &&
           Str(*inst, "status.copied") == value && Str(*copy, "data.value") == value;
  }
  bool AllConverged(const std::vector<std::pair<std::string, std::string>>& want) {
    for (const auto& [name, value] : want) {
      if (!Converged(name, value)) return false;
    }
    return true;
  }
  // Successful list requests of the controller (its informers' lists and relists).
  static uint64_t Lists(const ControllerProcess& p) {
    auto r = p.Requests();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return 0;
    auto it = r->find({"list", 200});
    return it == r->end() ? 0 : it->second;
  }
  std::string CurrentResourceVersion() {
    auto l = client().ListPage(kConfigMaps, ns_, kube::ListOptions{});
    return l.ok() ? l->resource_version : std::string();
  }
};

TEST_F(ApiserverRestartTest, NothingMissedAcrossRestartAndCompaction) {
  auto kro = StartController({"--dynamic-controller-concurrent-reconciles", "4"});
  ASSERT_NE(kro, nullptr);
  ApplyRgdAndWaitActive(Rgd());
  std::vector<std::pair<std::string, std::string>> want;

  // 1. The apiserver goes away while 20 instances are being reconciled.
  for (int i = 0; i < 20; ++i) {
    want.emplace_back("a" + std::to_string(i), "v");
    ASSERT_TRUE(CreateInstance(want.back().first).ok());
  }
  ASSERT_TRUE(cp().StopProcess("kube-apiserver").ok());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto restarted = std::chrono::steady_clock::now();
  ASSERT_TRUE(cp().StartProcess("kube-apiserver").ok());
  ASSERT_TRUE(Eventually([&] { return AllConverged(want); }, std::chrono::seconds(120)))
      << kro->LogTail();
  std::printf("[measure] 20 instances converged %.1f s after the apiserver came back\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - restarted).count());

  // 2. The controller is frozen (it keeps its connections and last resourceVersions) while the
  // apiserver restarts, objects change, and etcd is compacted past every resourceVersion the
  // controller has seen; then it resumes.
  std::string old_rv = CurrentResourceVersion();
  ASSERT_FALSE(old_rv.empty());
  auto deleted = client().Get(kConfigMaps, ns_, "a3-config");
  ASSERT_TRUE(deleted.ok());
  uint64_t lists_before = Lists(*kro);
  kro->Freeze();
  ASSERT_TRUE(cp().StopProcess("kube-apiserver").ok());
  ASSERT_TRUE(cp().StartProcess("kube-apiserver").ok());
  for (int i = 0; i < 5; ++i) {
    want.emplace_back("b" + std::to_string(i), "v");
    ASSERT_TRUE(CreateInstance(want.back().first).ok());
  }
  for (const char* changed : {"a1", "a2"}) {
    ASSERT_TRUE(client()
                    .Patch(InstanceGvr(Kind()), ns_, changed, kube::PatchType::kMerge,
                           Y("{spec: {value: changed}}"))
                    .ok());
    for (auto& [name, value] : want) {
      if (name == changed) value = "changed";
    }
  }
  ASSERT_TRUE(client().Delete(kConfigMaps, ns_, "a3-config").ok());
  auto compacted = CompactEtcd(cp());
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  // A watch from the controller's last resourceVersion now gets 410 Gone.
  kube::WatchOptions wo;
  wo.resource_version = old_rv;
  wo.timeout_seconds = 5;
  std::stop_source never;
  Status gone = kube::Watch(client(), kConfigMaps, ns_, wo, never.get_token(),
                            [](kube::WatchEvent&) { return true; });
  EXPECT_EQ(gone.code(), ErrorCode::kOutOfRange) << gone.ToString();
  auto thawed = std::chrono::steady_clock::now();
  kro->Thaw();

  ASSERT_TRUE(Eventually([&] { return AllConverged(want); }, std::chrono::seconds(120)))
      << kro->LogTail();
  ASSERT_TRUE(Eventually([&] {
    auto now = client().Get(kConfigMaps, ns_, "a3-config");
    return now.ok() && Str(*now, "metadata.uid") != Str(*deleted, "metadata.uid");
  })) << kro->LogTail();
  std::printf("[measure] converged %.1f s after the controller resumed (compacted at %lld)\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - thawed).count(),
              static_cast<long long>(*compacted));
  // The informers went through 410: a watch that fails otherwise resumes from its
  // resourceVersion without listing, so only "too old resource version" makes them list again.
  uint64_t lists_after = Lists(*kro);
  std::printf("[measure] informer lists: %llu before the freeze, %llu after\n",
              static_cast<unsigned long long>(lists_before),
              static_cast<unsigned long long>(lists_after));
  EXPECT_GT(lists_after, lists_before);
  EXPECT_TRUE(kro->Running());
  EXPECT_TRUE(kro->HttpGet(kro->health_port(), "/healthz").ok());
}

}  // namespace
}  // namespace kro::faults
