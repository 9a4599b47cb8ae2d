// omit() (feature gate CELOmitFunction) from RGD to rendered objects.
#include <gtest/gtest.h>

#include "kro/api/rgd.h"
#include "kro/graph/builder.h"
#include "kro/runtime/runtime.h"
#include "kro/cel/lib/omit.h"
#include "kro/runtime/value_json.h"

namespace kro::runtime {
namespace {

json::Value Y(const char* s) {
  Result<json::Value> v = json::ParseYaml(s);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return *v;
}

constexpr const char* kOmitRgd = R"(
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: omit}
spec:
  schema:
    apiVersion: v1alpha1
    kind: Omitting
    spec:
      name: string
      policy: string | default=""
      extra: boolean | default=false
      ports: "[]integer"
  resources:
  - id: config
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${schema.spec.name}
        labels:
          policy: '${schema.spec.policy != "" ? schema.spec.policy : omit()}'
      data:
        keep: "yes"
        extra: '${schema.spec.extra ? "on" : omit()}'
  - id: svc
    template:
      apiVersion: v1
      kind: Service
      metadata: {name: "${schema.spec.name}-svc"}
      spec:
        ports:
        - port: 80
        - '${schema.spec.extra ? {"port": 81} : omit()}'
        - port: 82
        selector: '${ {"app": schema.spec.name, "tier": omit()} }'
        clusterIPs: '${["a", omit(), "b"]}'
        sessionAffinity: '${schema.spec.extra ? "ClientIP" : omit()}'
  - id: cms
    forEach:
    - port: ${schema.spec.ports}
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: "${schema.spec.name}-${string(port)}"}
      data:
        even: '${port % 2 == 0 ? "yes" : omit()}'
)";

Result<std::shared_ptr<const CompiledGraph>> Compile(const char* yaml, bool enable_omit) {
  api::ParsedRgd parsed = api::ParseResourceGraphDefinition(Y(yaml));
  graph::BuildOptions opts;
  opts.enable_omit = enable_omit;
  KRO_ASSIGN_OR_RETURN(std::shared_ptr<const graph::Graph> g, graph::Build(parsed.rgd, opts));
  return CompiledGraph::Compile(g);
}

json::Value Instance(bool extra) {
  json::Value inst = Y(R"(
apiVersion: kro.run/v1alpha1
kind: Omitting
metadata: {name: demo, namespace: ns1, uid: u1}
spec: {name: web, policy: "", ports: [1, 2]}
)");
  inst.as_object()["spec"].as_object()["extra"] = extra;
  return inst;
}

std::string Desired(Runtime& rt, std::string_view id, size_t i = 0) {
  Result<std::vector<json::Value>> d = rt.GetDesired(id);
  if (!d.ok()) return d.status().ToString();
  if (i >= d->size()) return "no item " + std::to_string(i);
  return json::Serialize((*d)[i]);
}

TEST(OmitTest, NeedsTheFeatureGate) {
  Result<std::shared_ptr<const CompiledGraph>> g = Compile(kOmitRgd, false);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find(
                "omit() requires the CELOmitFunction feature gate to be enabled"),
            std::string::npos)
      << g.status().message();
}

TEST(OmitTest, RemovesFieldsEntriesAndListElements) {
  Result<std::shared_ptr<const CompiledGraph>> g = Compile(kOmitRgd, true);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  Runtime rt(*g, Instance(false));
  // An object emptied by omit() stays (as upstream's cleanup pass leaves it).
  EXPECT_EQ(Desired(rt, "config"),
            R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web","labels":{},)"
            R"("namespace":"ns1"},"data":{"keep":"yes"}})");
  EXPECT_EQ(Desired(rt, "svc"),
            R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web-svc",)"
            R"("namespace":"ns1"},"spec":{"ports":[{"port":80},{"port":82}],)"
            R"("selector":{"app":"web"},"clusterIPs":["a","b"]}})");
  // Per collection item.
  EXPECT_EQ(json::Serialize(*json::Find(Y(Desired(rt, "cms", 0).c_str()), "data")), "{}");
  EXPECT_EQ(json::Serialize(*json::Find(Y(Desired(rt, "cms", 1).c_str()), "data")),
            R"({"even":"yes"})");
}

TEST(OmitTest, ValuesAreWrittenWhenNotOmitted) {
  Result<std::shared_ptr<const CompiledGraph>> g = Compile(kOmitRgd, true);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  json::Value inst = Instance(true);
  inst.as_object()["spec"].as_object()["policy"] = "strict";
  Runtime rt(*g, inst);
  EXPECT_EQ(Desired(rt, "config"),
            R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web","labels":)"
            R"({"policy":"strict"},"namespace":"ns1"},"data":{"keep":"yes","extra":"on"}})");
  EXPECT_EQ(Desired(rt, "svc"),
            R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web-svc",)"
            R"("namespace":"ns1"},"spec":{"ports":[{"port":80},{"port":81},{"port":82}],)"
            R"("selector":{"app":"web"},"clusterIPs":["a","b"],"sessionAffinity":"ClientIP"}})");
}

TEST(OmitTest, StringTemplateWithOmitIsAnError) {
  Result<std::shared_ptr<const CompiledGraph>> g = Compile(R"(
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: omit}
spec:
  schema:
    apiVersion: v1alpha1
    kind: Omitting
    spec: {name: string}
  resources:
  - id: config
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: "${schema.spec.name}"}
      data: {x: "prefix-${omit()}"}
)",
                                                           true);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  Runtime rt(*g, Instance(false));
  Result<std::vector<json::Value>> d = rt.GetDesired("config");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), ErrorCode::kInvalidArgument) << d.status().ToString();
}

TEST(OmitTest, CelToJson) {
  EXPECT_FALSE(CelToJson(cel::OmitValue()).ok());
  Result<std::optional<json::Value>> f = CelToJsonField(cel::OmitValue());
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->has_value());
  f = CelToJsonField(cel::Value::OptionalOf(cel::OmitValue()));
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->has_value());
  f = CelToJsonField(cel::Value::List({cel::Value::Int(1), cel::OmitValue()}));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ(json::Serialize(**f), "[1]");
}

}  // namespace
}  // namespace kro::runtime
