#include "kro/runtime/runtime.h"

#include <gtest/gtest.h>

#include "kro/api/rgd.h"
#include "kro/graph/builder.h"
#include "kro/runtime/state.h"

namespace kro::runtime {
namespace {

json::Value Y(const char* s) {
  Result<json::Value> v = json::ParseYaml(s);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return *v;
}

std::shared_ptr<const CompiledGraph> CompileRgd(const char* yaml) {
  api::ParsedRgd parsed = api::ParseResourceGraphDefinition(Y(yaml));
  graph::BuildOptions opts;
  Result<std::shared_ptr<const graph::Graph>> g = graph::Build(parsed.rgd, opts);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  if (!g.ok()) return nullptr;
  Result<std::shared_ptr<const CompiledGraph>> c = CompiledGraph::Compile(*g);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : nullptr;
}

constexpr const char* kAppRgd = R"(
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: app}
spec:
  schema:
    apiVersion: v1alpha1
    kind: App
    spec:
      name: string
      replicas: integer | default=1
      withService: boolean | default=true
    status:
      endpoint: ${service.spec.clusterIP}
      deploymentName: ${deployment.metadata.name}
      summary:
        ready: ${deployment.status.readyReplicas}
  resources:
  - id: config
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: "${schema.spec.name}-config"}
      data: {replicas: "${string(schema.spec.replicas)}"}
  - id: deployment
    readyWhen:
    - ${deployment.status.readyReplicas == deployment.spec.replicas}
    template:
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: ${schema.spec.name}
        annotations: {cfg: "${config.metadata.name}"}
      spec:
        replicas: ${schema.spec.replicas}
  - id: service
    includeWhen:
    - ${schema.spec.withService}
    template:
      apiVersion: v1
      kind: Service
      metadata: {name: "${deployment.metadata.name}-svc"}
      spec: {ports: [{port: 80}]}
  - id: monitor
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: "${service.metadata.name}-mon"}
)";

json::Value Instance(bool with_service = true) {
  json::Value inst = Y(R"(
apiVersion: kro.run/v1alpha1
kind: App
metadata: {name: demo, namespace: ns1, uid: u1}
spec: {name: web, replicas: 2, withService: true}
status: {state: ACTIVE}
)");
  inst.as_object()["spec"].as_object()["withService"] = with_service;
  return inst;
}

TEST(RuntimeTest, ResolvesStandaloneAndStringTemplates) {
  auto g = CompileRgd(kAppRgd);
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Instance());
  Result<std::vector<json::Value>> cm = rt.GetDesired("config");
  ASSERT_TRUE(cm.ok()) << cm.status().ToString();
  ASSERT_EQ(cm->size(), 1u);
  EXPECT_EQ(*json::Find((*cm)[0], "metadata.name"), json::Value("web-config"));
  EXPECT_EQ(*json::Find((*cm)[0], "data.replicas"), json::Value("2"));
  // Namespaced kinds default to the instance namespace.
  EXPECT_EQ(*json::Find((*cm)[0], "metadata.namespace"), json::Value("ns1"));
}

TEST(RuntimeTest, MissingDependencyIsDataPendingNotError) {
  auto g = CompileRgd(kAppRgd);
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Instance());
  Result<std::vector<json::Value>> d = rt.GetDesired("deployment");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), ErrorCode::kDataPending) << d.status().ToString();
}

TEST(RuntimeTest, StandaloneKeepsType) {
  auto g = CompileRgd(kAppRgd);
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Instance());
  rt.SetObserved("config", {Y("{metadata: {name: web-config, namespace: ns1}}")});
  Result<std::vector<json::Value>> d = rt.GetDesired("deployment");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const json::Value* replicas = json::Find((*d)[0], "spec.replicas");
  ASSERT_NE(replicas, nullptr);
  EXPECT_TRUE(replicas->is_int64());
  EXPECT_EQ(replicas->as_int64(), 2);
  EXPECT_EQ(*json::Find((*d)[0], "metadata.annotations.cfg"), json::Value("web-config"));
}

TEST(RuntimeTest, ReadyWhenGatesDependants) {
  auto g = CompileRgd(kAppRgd);
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Instance());
  rt.SetObserved("config", {Y("{metadata: {name: web-config}}")});
  rt.SetObserved("deployment",
                 {Y("{metadata: {name: web}, spec: {replicas: 2}, status: {readyReplicas: 1}}")});
  Status ready = rt.CheckReadiness("deployment");
  EXPECT_EQ(ready.code(), ErrorCode::kDataPending) << ready.ToString();
  EXPECT_EQ(rt.GetDesired("service").status().code(), ErrorCode::kDataPending);

  rt.SetObserved("deployment",
                 {Y("{metadata: {name: web}, spec: {replicas: 2}, status: {readyReplicas: 2}}")});
  EXPECT_TRUE(rt.CheckReadiness("deployment").ok());
  Result<std::vector<json::Value>> svc = rt.GetDesired("service");
  ASSERT_TRUE(svc.ok()) << svc.status().ToString();
  EXPECT_EQ(*json::Find((*svc)[0], "metadata.name"), json::Value("web-svc"));
}

TEST(RuntimeTest, ReadyWhenMissingFieldIsWaiting) {
  auto g = CompileRgd(kAppRgd);
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Instance());
  rt.SetObserved("deployment", {Y("{metadata: {name: web}, spec: {replicas: 2}}")});
  EXPECT_EQ(rt.CheckReadiness("deployment").code(), ErrorCode::kDataPending);
}

TEST(RuntimeTest, IncludeWhenFalseIsContagious) {
  auto g = CompileRgd(kAppRgd);
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Instance(/*with_service=*/false));
  Result<bool> svc = rt.IsIgnored("service");
  ASSERT_TRUE(svc.ok()) << svc.status().ToString();
  EXPECT_TRUE(*svc);
  Result<bool> mon = rt.IsIgnored("monitor");
  ASSERT_TRUE(mon.ok());
  EXPECT_TRUE(*mon);  // depends on an ignored node
  EXPECT_FALSE(*rt.IsIgnored("deployment"));
  // Ignored nodes count as ready for their dependants.
  EXPECT_TRUE(rt.CheckReadiness("service").ok());
}

TEST(RuntimeTest, StatusProjectionSkipsPendingFields) {
  auto g = CompileRgd(kAppRgd);
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Instance());
  rt.SetObserved("deployment",
                 {Y("{metadata: {name: web}, spec: {replicas: 2}, status: {readyReplicas: 2}}")});
  StatusProjection p = rt.ProjectStatus();
  EXPECT_TRUE(p.errors.empty());
  EXPECT_EQ(json::Serialize(json::Value(p.fields)),
            R"({"deploymentName":"web","summary":{"ready":2}})");
  EXPECT_EQ(p.pending, std::vector<std::string>{"status.endpoint"});
  rt.SetObserved("service", {Y("{metadata: {name: web-svc}, spec: {clusterIP: 10.0.0.1}}")});
  p = rt.ProjectStatus();
  EXPECT_EQ(json::Serialize(json::Value(p.fields)),
            R"({"endpoint":"10.0.0.1","deploymentName":"web","summary":{"ready":2}})");
}

constexpr const char* kCollectionRgd = R"(
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: coll}
spec:
  schema:
    apiVersion: v1alpha1
    kind: Coll
    spec:
      regions: "[]string"
      tiers: "[]string"
  resources:
  - id: cms
    forEach:
    - region: ${schema.spec.regions}
    - tier: ${schema.spec.tiers}
    readyWhen:
    - ${each.metadata.?ready.orValue("") == "yes"}
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${"cm-" + region + "-" + tier}
      data:
        region: ${region}
        owner: ${schema.metadata.name}
)";

TEST(RuntimeTest, ForEachIsCartesianProductWithIndexLabels) {
  auto g = CompileRgd(kCollectionRgd);
  ASSERT_NE(g, nullptr);
  json::Value inst = Y(R"(
metadata: {name: c1, namespace: ns}
spec: {regions: [eu, us], tiers: [a, b, c]}
)");
  Runtime rt(g, inst);
  Result<std::vector<json::Value>> items = rt.GetDesired("cms");
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 6u);
  EXPECT_EQ(*json::Find((*items)[0], "metadata.name"), json::Value("cm-eu-a"));
  EXPECT_EQ(*json::Find((*items)[1], "metadata.name"), json::Value("cm-eu-b"));
  EXPECT_EQ(*json::Find((*items)[5], "metadata.name"), json::Value("cm-us-c"));
  EXPECT_EQ(*json::Find((*items)[5], R"(metadata.labels["kro.run/collection-index"])"),
            json::Value("5"));
  EXPECT_EQ(*json::Find((*items)[3], "data.owner"), json::Value("c1"));

  // Readiness: every item observed and `each` readyWhen true.
  std::vector<json::Value> observed(items->begin(), items->end());
  rt.SetObserved("cms", observed);
  EXPECT_EQ(rt.CheckReadiness("cms").code(), ErrorCode::kDataPending);
  for (json::Value& o : observed) {
    o.as_object()["metadata"].as_object()["ready"] = "yes";
  }
  rt.SetObserved("cms", observed);
  EXPECT_TRUE(rt.CheckReadiness("cms").ok());
}

TEST(RuntimeTest, ForEachEmptyDimensionGivesNoItemsAndIsReady) {
  auto g = CompileRgd(kCollectionRgd);
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Y("{metadata: {name: c1, namespace: ns}, spec: {regions: [], tiers: [a]}}"));
  Result<std::vector<json::Value>> items = rt.GetDesired("cms");
  ASSERT_TRUE(items.ok());
  EXPECT_TRUE(items->empty());
  EXPECT_TRUE(rt.CheckReadiness("cms").ok());
}

TEST(RuntimeTest, CollectionSizeLimit) {
  auto g = CompileRgd(kCollectionRgd);
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Y("{metadata: {name: c1, namespace: ns}, spec: {regions: [a, b], tiers: [a, b]}}"),
             RuntimeOptions{.max_collection_size = 3});
  Result<std::vector<json::Value>> items = rt.GetDesired("cms");
  ASSERT_FALSE(items.ok());
  EXPECT_EQ(items.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(items.status().message().find("maximum collection size of 3"), std::string::npos);
}

TEST(RuntimeTest, RuntimeErrorNamesResourceAndExpression) {
  auto g = CompileRgd(R"(
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: bad}
spec:
  schema:
    apiVersion: v1alpha1
    kind: Bad
    spec: {n: integer}
  resources:
  - id: cm
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: x}
      data: {v: "${string(10 / schema.spec.n)}"}
)");
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Y("{metadata: {name: b, namespace: ns}, spec: {n: 0}}"));
  Result<std::vector<json::Value>> d = rt.GetDesired("cm");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("resource \"cm\""), std::string::npos)
      << d.status().message();
  EXPECT_NE(d.status().message().find("10 / schema.spec.n"), std::string::npos);
  EXPECT_EQ(d.status().location(), "spec.resources[0].template.data.v");
}

TEST(StateManagerTest, InstanceStateFromNodes) {
  StateManager sm;
  sm.Set("a", NodeState::kSynced);
  sm.Set("b", NodeState::kSkipped);
  EXPECT_EQ(sm.Update(), InstanceState::kActive);
  sm.Set("c", NodeState::kWaitingForReadiness, DataPending("c not ready"));
  EXPECT_EQ(sm.Update(), InstanceState::kInProgress);
  EXPECT_EQ(sm.NodeErrors(), "c not ready");
  sm.Set("c", NodeState::kError, InvalidArgument("boom"));
  EXPECT_EQ(sm.Update(), InstanceState::kError);
  EXPECT_EQ(InstanceStateName(sm.state()), "ERROR");
  sm.Set("c", NodeState::kSynced);
  sm.SetDeleting();
  EXPECT_EQ(sm.Update(), InstanceState::kDeleting);
}

}  // namespace
}  // namespace kro::runtime

namespace kro::runtime {
namespace {

TEST(CompiledGraphTest, PlansEveryExpressionOnce) {
  auto g = CompileRgd(kAppRgd);
  ASSERT_NE(g, nullptr);
  // config: 2 vars; deployment: 3 vars + 1 readyWhen; service: 1 var + 1 includeWhen;
  // monitor: 1 var; status: 3.
  EXPECT_EQ(g->num_programs(), 12u);
  // Runtimes share the programs: evaluating twice plans nothing new.
  Runtime a(g, Instance());
  Runtime b(g, Instance());
  ASSERT_TRUE(a.GetDesired("config").ok());
  ASSERT_TRUE(b.GetDesired("config").ok());
  EXPECT_EQ(a.evaluations(), 2u);
  EXPECT_EQ(g->num_programs(), 12u);
}

TEST(RenderTemplateTest, DropMissingRemovesEmptiedObjects) {
  json::Value tmpl = Y("{a: '${x}', b: {c: '${y}'}, d: lit}");
  std::map<std::string, bool> paths = {{"a", true}, {"b.c", true}};
  std::map<std::string, json::Value> values = {{"a", json::Value(1)}};
  EXPECT_EQ(json::Serialize(RenderTemplate(tmpl, "", values, paths, true)),
            R"({"a":1,"d":"lit"})");
  EXPECT_EQ(json::Serialize(RenderTemplate(tmpl, "", values, paths, false)),
            R"({"a":1,"b":{"c":"${y}"},"d":"lit"})");
}

}  // namespace
}  // namespace kro::runtime
