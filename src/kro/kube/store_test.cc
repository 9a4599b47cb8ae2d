#include "kro/kube/store.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdio>

namespace kro::kube {
namespace {

ObjectPtr Obj(const std::string& ns, const std::string& name) {
  json::Object meta;
  meta["name"] = name;
  if (!ns.empty()) {
    meta["namespace"] = ns;
  }
  json::Object o;
  o["metadata"] = std::move(meta);
  return std::make_shared<const json::Value>(std::move(o));
}

TEST(StoreTest, UpsertGetListErase) {
  Store s;
  EXPECT_EQ(s.Upsert(Obj("a", "x")), nullptr);
  s.Upsert(Obj("a", "y"));
  s.Upsert(Obj("b", "x"));
  s.Upsert(Obj("", "cluster"));
  EXPECT_NE(s.Upsert(Obj("a", "x")), nullptr);
  EXPECT_EQ(s.size(), 4u);
  EXPECT_NE(s.Get("a", "y"), nullptr);
  EXPECT_EQ(s.Get("a", "z"), nullptr);
  EXPECT_EQ(s.ListNamespace("a").size(), 2u);
  EXPECT_EQ(s.ListNamespace("").size(), 1u);
  EXPECT_EQ(s.List().size(), 4u);
  EXPECT_NE(s.Erase("a", "x"), nullptr);
  EXPECT_EQ(s.Erase("a", "x"), nullptr);
  EXPECT_EQ(s.size(), 3u);
}

// A Deployment as the API server returns it, managedFields included (two managers).
constexpr char kDeployment[] = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{
"annotations":{"deployment.kubernetes.io/revision":"1"},"creationTimestamp":"2024-01-01T00:00:00Z",
"generation":1,"labels":{"app":"web","app.kubernetes.io/managed-by":"kro"},
"managedFields":[{"apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{
"f:labels":{".":{},"f:app":{},"f:app.kubernetes.io/managed-by":{}}},"f:spec":{"f:replicas":{},
"f:selector":{},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{
"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{
"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},
"f:resources":{}}}}}}},"manager":"kro","operation":"Apply","time":"2024-01-01T00:00:00Z"},
{"apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{
".":{},"f:deployment.kubernetes.io/revision":{}}},"f:status":{"f:availableReplicas":{},
"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:lastTransitionTime":{},
"f:lastUpdateTime":{},"f:message":{},"f:reason":{},"f:status":{},"f:type":{}},
"k:{\"type\":\"Progressing\"}":{".":{},"f:lastTransitionTime":{},"f:lastUpdateTime":{},
"f:message":{},"f:reason":{},"f:status":{},"f:type":{}}},"f:observedGeneration":{},
"f:readyReplicas":{},"f:replicas":{},"f:updatedReplicas":{}}},"manager":"kube-controller-manager",
"operation":"Update","subresource":"status","time":"2024-01-01T00:00:05Z"}],
"name":"web-NNNN","namespace":"default","resourceVersion":"12345",
"uid":"6a1f0c57-5e7e-4c0f-9d3e-2b7c8f1e0a11"},"spec":{"progressDeadlineSeconds":600,
"replicas":3,"revisionHistoryLimit":10,"selector":{"matchLabels":{"app":"web"}},
"strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"},"type":"RollingUpdate"},
"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25",
"imagePullPolicy":"IfNotPresent","name":"web","ports":[{"containerPort":80,"protocol":"TCP"}],
"resources":{},"terminationMessagePath":"/dev/termination-log",
"terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always",
"schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}},
"status":{"availableReplicas":3,"conditions":[{"lastTransitionTime":"2024-01-01T00:00:05Z",
"lastUpdateTime":"2024-01-01T00:00:05Z","message":"Deployment has minimum availability.",
"reason":"MinimumReplicasAvailable","status":"True","type":"Available"}],
"observedGeneration":1,"readyReplicas":3,"replicas":3,"updatedReplicas":3}})";

// Measured heap bytes per cached object (malloc's in-use counter), with and without
// managedFields. Reported, not asserted beyond "dropping saves memory" (timing and size
// targets belong in bench/).
size_t MeasureBytesPerObject(bool drop_managed_fields, int n) {
  auto parsed = json::Parse(kDeployment);
  EXPECT_TRUE(parsed.ok());
  std::vector<ObjectPtr> objs;
  objs.reserve(n);
  size_t before = mallinfo2().uordblks;
  for (int i = 0; i < n; ++i) {
    auto v = json::Parse(kDeployment);
    if (drop_managed_fields) {
      DropManagedFields(*v);
    }
    objs.push_back(std::make_shared<const json::Value>(std::move(*v)));
  }
  size_t after = mallinfo2().uordblks;
  return (after - before) / n;
}

TEST(StoreTest, MemoryPerCachedDeployment) {
  size_t with = MeasureBytesPerObject(false, 2000);
  size_t without = MeasureBytesPerObject(true, 2000);
  auto parsed = json::Parse(kDeployment);
  size_t json_bytes = json::Serialize(*parsed).size();
  size_t approx_with = ApproximateBytes(*parsed);
  DropManagedFields(*parsed);
  size_t approx_without = ApproximateBytes(*parsed);
  std::printf("cached Deployment: %zu bytes JSON; %zu bytes/object with managedFields, "
              "%zu without (ApproximateBytes %zu / %zu)\n",
              json_bytes, with, without, approx_with, approx_without);
  RecordProperty("bytes_with_managed_fields", static_cast<int>(with));
  RecordProperty("bytes_without_managed_fields", static_cast<int>(without));
  // The allocator-independent estimate must shrink too.
  EXPECT_LT(approx_without, approx_with);
#if defined(__SANITIZE_ADDRESS__)
  // Under AddressSanitizer glibc's mallinfo2 does not see the sanitizer's heap.
  GTEST_SKIP() << "heap measurement needs glibc malloc (built with AddressSanitizer)";
#else
  EXPECT_LT(without, with);
#endif
}

}  // namespace
}  // namespace kro::kube
