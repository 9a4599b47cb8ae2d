#include "kro/runtime/author_conditions.h"

#include <gtest/gtest.h>

#include "kro/api/rgd.h"
#include "kro/graph/builder.h"
#include "kro/runtime/runtime.h"

namespace kro::runtime {
namespace {

json::Value Y(const char* s) {
  Result<json::Value> v = json::ParseYaml(s);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return *v;
}

std::shared_ptr<const CompiledGraph> CompileRgd(const char* yaml) {
  api::ParsedRgd parsed = api::ParseResourceGraphDefinition(Y(yaml));
  Result<std::shared_ptr<const graph::Graph>> g = graph::Build(parsed.rgd, graph::BuildOptions{});
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  if (!g.ok()) return nullptr;
  Result<std::shared_ptr<const CompiledGraph>> c = CompiledGraph::Compile(*g);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : nullptr;
}

constexpr const char* kRgd = R"(
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: app}
spec:
  schema:
    apiVersion: v1alpha1
    kind: App
    spec:
      name: string
      zones: "[]string"
    status:
      cmName: ${config.metadata.name}
      conditions:
      - "${runtime.newCondition({type: 'Named', status: schema.spec.name == '' ? 'False' : 'True', reason: 'Checked', message: 'name ' + schema.spec.name})}"
      - "${schema.spec.zones.map(z, runtime.newCondition({type: 'Zone-' + z, status: 'True'}))}"
      - "${runtime.newCondition({type: 'KroReady', status: runtime.condition(schema, 'Ready').status, reason: runtime.condition(schema, 'Ready').reason})}"
      - "${runtime.newCondition({type: 'Config', status: config.data.ok == 'yes' ? 'True' : 'False'})}"
  resources:
  - id: config
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: "${schema.spec.name}"}
      data: {ok: "yes"}
)";

json::Value Instance() {
  return Y(R"(
apiVersion: kro.run/v1alpha1
kind: App
metadata: {name: a, namespace: ns, uid: u1, generation: 3}
spec: {name: web, zones: [a, b]}
status: {conditions: [{type: Named, status: "True"}]}
)");
}

TEST(AuthorConditionsTest, PathsAreTheConditionsList) {
  EXPECT_TRUE(IsAuthorConditionPath("status.conditions"));
  EXPECT_TRUE(IsAuthorConditionPath("status.conditions[2]"));
  EXPECT_FALSE(IsAuthorConditionPath("status.conditionsX"));
  EXPECT_FALSE(IsAuthorConditionPath("status.cmName"));
}

TEST(AuthorConditionsTest, EvaluatesFlattensAndReadsBuiltins) {
  auto g = CompileRgd(kRgd);
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Instance());
  EXPECT_TRUE(rt.HasAuthorConditions());
  Condition ready;
  ready.type = "Ready";
  ready.status = "False";
  ready.reason = "NotReady";
  AuthorConditions ac = rt.EvaluateAuthorConditions({ready});
  // `config` is not observed: its condition is pending, not an error.
  EXPECT_TRUE(ac.incomplete);
  EXPECT_TRUE(ac.errors.empty()) << ac.errors[0].ToString();
  ASSERT_EQ(ac.conditions.size(), 4u);
  EXPECT_EQ(ac.conditions[0].type, "Named");
  EXPECT_EQ(ac.conditions[0].status, "True");
  EXPECT_EQ(ac.conditions[0].reason, "Checked");
  EXPECT_EQ(ac.conditions[0].message, "name web");
  EXPECT_EQ(ac.conditions[1].type, "Zone-a");
  EXPECT_EQ(ac.conditions[2].type, "Zone-b");
  EXPECT_EQ(ac.conditions[3].type, "KroReady");
  EXPECT_EQ(ac.conditions[3].status, "False");
  EXPECT_EQ(ac.conditions[3].reason, "NotReady");

  rt.SetObserved("config", {Y("{apiVersion: v1, kind: ConfigMap, metadata: {name: web}, data: {ok: 'yes'}}")});
  ac = rt.EvaluateAuthorConditions({ready});
  EXPECT_FALSE(ac.incomplete);
  ASSERT_EQ(ac.conditions.size(), 5u);
  EXPECT_EQ(ac.conditions[4].type, "Config");
  EXPECT_EQ(ac.conditions[4].status, "True");
  // The status fields do not include the conditions.
  StatusProjection p = rt.ProjectStatus();
  EXPECT_EQ(p.fields.count("conditions"), 0u);
  EXPECT_TRUE(p.errors.empty());
  EXPECT_EQ(p.fields.at("cmName").as_string(), "web");
}

TEST(AuthorConditionsTest, DuplicateTypesAreDroppedAndReported) {
  auto g = CompileRgd(R"(
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: app}
spec:
  schema:
    apiVersion: v1alpha1
    kind: App
    spec:
      zones: "[]string"
    status:
      conditions:
      - "${schema.spec.zones.map(z, runtime.newCondition({type: 'Z', status: 'True'}))}"
      - "${runtime.newCondition({type: 'Other', status: 'Unknown'})}"
  resources: []
)");
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Y("{apiVersion: kro.run/v1alpha1, kind: App, metadata: {name: a}, spec: {zones: [a, b]}}"));
  AuthorConditions ac = rt.EvaluateAuthorConditions({});
  ASSERT_EQ(ac.conditions.size(), 1u);
  EXPECT_EQ(ac.conditions[0].type, "Other");
  ASSERT_EQ(ac.errors.size(), 1u);
  EXPECT_EQ(ac.errors[0].message(), "duplicate condition type(s) \"Z\" dropped");
}

TEST(AuthorConditionsTest, NoConditionsDeclared) {
  auto g = CompileRgd(R"(
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: app}
spec:
  schema:
    apiVersion: v1alpha1
    kind: App
    spec: {name: string}
    status: {n: "${schema.spec.name}"}
  resources: []
)");
  ASSERT_NE(g, nullptr);
  Runtime rt(g, Y("{apiVersion: kro.run/v1alpha1, kind: App, metadata: {name: a}, spec: {name: x}}"));
  EXPECT_FALSE(rt.HasAuthorConditions());
  EXPECT_TRUE(rt.EvaluateAuthorConditions({}).conditions.empty());
}

}  // namespace
}  // namespace kro::runtime
