// Fault: kill -9 the controller while 100 instances reconcile, then start it again. Every
// instance must reach ACTIVE with exactly its expected children: no duplicate, no orphan. Then
// the same while the 100 instances are deleted: everything goes, nothing is left behind.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "kro/api/labels.h"
#include "test/integration/faults/faults_fixture.h"

namespace kro::faults {
namespace {

constexpr int kInstances = 100;

class KillRestartTest : public FaultsTest {
 protected:
  std::string Kind() const { return "Chain" + suffix_; }
  std::string Rgd() const {
    return RgdHeader("chain" + suffix_, Kind()) + R"(
    spec:
      value: string | default=v
    status:
      last: ${c.metadata.name}
  resources:
  - id: a
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${schema.metadata.name}-a
      data:
        value: ${schema.spec.value}
  - id: b
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${a.metadata.name}-b
      data:
        from: ${a.metadata.name}
  - id: c
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${b.metadata.name}-c
      data:
        from: ${b.metadata.name}
)";
  }
  size_t OwnedChildren() {
    kube::ListOptions lo;
    lo.label_selector = std::string(api::kOwnedLabel) + "=true";
    auto l = client().List(kConfigMaps, ns_, lo);
    return l.ok() ? l->items.size() : 0;
  }
  int ActiveInstances() {
    auto l = client().List(InstanceGvr(Kind()), ns_);
    if (!l.ok()) return 0;
    int n = 0;
    for (const json::Value& i : l->items) n += Str(i, "status.state") == "ACTIVE";
    return n;
  }
};

TEST_F(KillRestartTest, AllInstancesActiveWithExactChildrenAfterKill9) {
  // A slow controller (20 requests/s) so the kill lands mid-run for certain.
  auto slow = StartController({"--client-qps", "20", "--client-burst", "20",
                               "--dynamic-controller-concurrent-reconciles", "4"});
  ASSERT_NE(slow, nullptr);
  ApplyRgdAndWaitActive(Rgd());
  for (int i = 0; i < kInstances; ++i) {
    std::string name = "i" + std::to_string(i);
    auto r = client().Create(InstanceGvr(Kind()), ns_,
                             Y("{apiVersion: kro.run/v1alpha1, kind: " + Kind() +
                               ", metadata: {name: " + name + "}, spec: {value: " + name + "}}"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // Kill once some children exist (a fifth of them), long before all could.
  ASSERT_TRUE(Eventually([&] { return OwnedChildren() >= kInstances * 3 / 5; }))
      << slow->LogTail();
  slow->Kill();
  auto killed_at = std::chrono::steady_clock::now();
  size_t children_at_kill = OwnedChildren();
  int active_at_kill = ActiveInstances();
  std::printf("[measure] killed with %zu/%d children, %d/%d instances ACTIVE\n", children_at_kill,
              kInstances * 3, active_at_kill, kInstances);
  EXPECT_LT(active_at_kill, kInstances) << "the kill did not land mid-run";

  auto fresh = StartController({"--dynamic-controller-concurrent-reconciles", "4"});
  ASSERT_NE(fresh, nullptr);
  ASSERT_TRUE(Eventually([&] { return ActiveInstances() == kInstances; },
                         std::chrono::seconds(150)))
      << ActiveInstances() << " ACTIVE\n"
      << fresh->LogTail();
  std::printf("[measure] all %d ACTIVE %.1f s after the restart\n", kInstances,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count());

  // Exactly the expected children per instance, found by kro's labels.
  auto instances = client().List(InstanceGvr(Kind()), ns_);
  ASSERT_TRUE(instances.ok());
  std::map<std::string, std::string> name_by_uid;
  for (const json::Value& i : instances->items) {
    name_by_uid[Str(i, "metadata.uid")] = Str(i, "metadata.name");
    const json::Value* f = json::Find(i, "metadata.finalizers");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(json::Serialize(*f), R"(["kro.run/finalizer"])") << Str(i, "metadata.name");
  }
  ASSERT_EQ(name_by_uid.size(), static_cast<size_t>(kInstances));
  // Every ConfigMap in the namespace (kube-root-ca.crt is not created without
  // kube-controller-manager), owned or not.
  auto all = client().List(kConfigMaps, ns_);
  ASSERT_TRUE(all.ok());
  std::map<std::string, std::set<std::string>> nodes_by_uid;
  for (const json::Value& cm : all->items) {
    std::string name = Str(cm, "metadata.name");
    std::string uid = Str(cm, "metadata.labels[\"kro.run/instance-id\"]");
    std::string node = Str(cm, "metadata.labels[\"kro.run/node-id\"]");
    ASSERT_EQ(name_by_uid.count(uid), 1u) << "orphan: " << name << " of instance uid " << uid;
    const std::string& owner = name_by_uid[uid];
    EXPECT_EQ(Str(cm, "metadata.labels[\"kro.run/instance-name\"]"), owner) << name;
    std::string expected = owner + "-a" + (node == "a" ? "" : node == "b" ? "-b" : "-b-c");
    EXPECT_EQ(name, expected) << "node " << node;
    EXPECT_TRUE(nodes_by_uid[uid].insert(node).second) << "duplicate node " << node << " of "
                                                        << owner;
  }
  EXPECT_EQ(all->items.size(), static_cast<size_t>(kInstances * 3));
  for (const auto& [uid, name] : name_by_uid) {
    EXPECT_EQ(nodes_by_uid[uid], (std::set<std::string>{"a", "b", "c"})) << name;
  }
  // The restarted controller is healthy and idle: a few seconds bring no writes.
  auto before = fresh->Requests();
  ASSERT_TRUE(before.ok());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  auto after = fresh->Requests();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(WriteRequests(*after), WriteRequests(*before));
  EXPECT_TRUE(fresh->HttpGet(fresh->health_port(), "/healthz").ok());
  fresh->Kill();

  // Teardown under kill -9: delete every instance with a slow controller, kill it once some
  // children are gone, restart: every instance and every child goes, nothing is left behind.
  auto slow_again = StartController({"--client-qps", "20", "--client-burst", "20",
                                     "--dynamic-controller-concurrent-reconciles", "4"});
  ASSERT_NE(slow_again, nullptr);
  for (int i = 0; i < kInstances; ++i) {
    ASSERT_TRUE(client().Delete(InstanceGvr(Kind()), ns_, "i" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(Eventually([&] { return OwnedChildren() <= kInstances * 3 * 4 / 5; }))
      << slow_again->LogTail();
  slow_again->Kill();
  size_t left_at_kill = OwnedChildren();
  std::printf("[measure] killed during teardown with %zu/%d children left\n", left_at_kill,
              kInstances * 3);
  EXPECT_GT(left_at_kill, 0u) << "the kill did not land mid-teardown";
  auto last = StartController({"--dynamic-controller-concurrent-reconciles", "4"});
  ASSERT_NE(last, nullptr);
  ASSERT_TRUE(Eventually(
      [&] {
        auto insts = client().List(InstanceGvr(Kind()), ns_);
        auto cms = client().List(kConfigMaps, ns_);
        return insts.ok() && insts->items.empty() && cms.ok() && cms->items.empty();
      },
      std::chrono::seconds(150)))
      << OwnedChildren() << " children left\n"
      << last->LogTail();
}

}  // namespace
}  // namespace kro::faults
