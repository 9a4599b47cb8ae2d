#include "kro/kube/store.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdio>

namespace kro::kube {
namespace {

json::Value Obj(const std::string& ns, const std::string& name) {
  json::Object meta;
  meta["name"] = name;
  if (!ns.empty()) {
    meta["namespace"] = ns;
  }
  json::Object o;
  o["metadata"] = std::move(meta);
  return json::Value(std::move(o));
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

TEST(StoreTest, ReadsAreIndependentCopiesOfTheLatestObject) {
  Store s;
  json::Value v = Obj("a", "x");
  v.as_object()["spec"] = {{"replicas", 1}};
  s.Upsert(v);
  v.as_object()["spec"].as_object()["replicas"] = 2;
  ObjectPtr old = s.Upsert(v);
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->at("spec").at("replicas").as_int64(), 1);
  ObjectPtr a = s.Get("a", "x"), b = s.Get("a", "x");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a.get(), b.get());
  EXPECT_TRUE(json::Equal(*a, v));
  EXPECT_EQ(s.text_bytes(), json::Serialize(v).size());
  ObjectPtr gone = s.Erase("a", "x");
  ASSERT_NE(gone, nullptr);
  EXPECT_TRUE(json::Equal(*gone, v));
  EXPECT_EQ(s.text_bytes(), 0u);
  EXPECT_EQ(a->at("spec").at("replicas").as_int64(), 2);  // readers keep their copy
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

// Measured heap bytes (malloc's in-use counter) per object: kept as a parsed document, or in a
// Store, with and without managedFields. Reported, not asserted beyond "smaller" (size targets
// belong in bench/).
struct PerObject {
  size_t document = 0;
  size_t store = 0;
};

PerObject MeasureBytesPerObject(bool drop_managed_fields, int n) {
  auto parsed = json::Parse(kDeployment);
  EXPECT_TRUE(parsed.ok());
  if (drop_managed_fields) {
    DropManagedFields(*parsed);
  }
  PerObject out;
  {
    std::vector<ObjectPtr> docs;
    docs.reserve(n);
    size_t before = mallinfo2().uordblks;
    for (int i = 0; i < n; ++i) {
      docs.push_back(std::make_shared<const json::Value>(*parsed));
    }
    out.document = (mallinfo2().uordblks - before) / n;
  }
  Store store;
  size_t before = mallinfo2().uordblks;
  for (int i = 0; i < n; ++i) {
    parsed->as_object()["metadata"].as_object()["name"] = "web-" + std::to_string(100000 + i);
    store.Upsert(*parsed);
  }
  out.store = (mallinfo2().uordblks - before) / n;
  return out;
}

TEST(StoreTest, MemoryPerCachedDeployment) {
  PerObject with = MeasureBytesPerObject(false, 2000);
  PerObject without = MeasureBytesPerObject(true, 2000);
  auto parsed = json::Parse(kDeployment);
  DropManagedFields(*parsed);
  size_t json_bytes = json::Serialize(*parsed).size();
  std::printf("cached Deployment, %zu bytes of JSON without managedFields; bytes/object: "
              "document %zu / %zu, store %zu / %zu (with / without managedFields)\n",
              json_bytes, with.document, without.document, with.store, without.store);
  RecordProperty("store_bytes_without_managed_fields", static_cast<int>(without.store));
  RecordProperty("document_bytes_without_managed_fields", static_cast<int>(without.document));
#if defined(__SANITIZE_ADDRESS__)
  // Under AddressSanitizer glibc's mallinfo2 does not see the sanitizer's heap.
  GTEST_SKIP() << "heap measurement needs glibc malloc (built with AddressSanitizer)";
#else
  EXPECT_LT(without.store, with.store);
  EXPECT_LT(without.store, without.document);
#endif
}

}  // namespace
}  // namespace kro::kube
