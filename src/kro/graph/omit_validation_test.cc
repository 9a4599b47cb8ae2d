// Where the builder allows omit() (feature gate CELOmitFunction): resource template fields only,
// never on the fields that identify the object.
#include <gtest/gtest.h>

#include <string>

#include "kro/api/rgd.h"
#include "kro/graph/builder.h"

namespace kro::graph {
namespace {

// An RGD whose `config` resource has `field` (YAML under the ConfigMap template) and `extra`
// (YAML under the resource, e.g. includeWhen).
std::string Rgd(const std::string& scope, const std::string& metadata, const std::string& extra,
                const std::string& status = "") {
  return R"(
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: omit}
spec:
  schema:
    apiVersion: v1alpha1
    kind: Omitting
    scope: )" + scope + R"(
    spec: {name: string, ports: "[]integer"}
    status: {)" + status + R"(}
  resources:
  - id: config
)" + extra + R"(
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata: )" + metadata + R"(
      data: {a: '${schema.spec.name == "" ? omit() : "x"}'}
)";
}

// The build's error message, "" when it succeeds.
std::string BuildError(const std::string& yaml, bool enable_omit = true) {
  Result<json::Value> doc = json::ParseYaml(yaml);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  api::ParsedRgd parsed = api::ParseResourceGraphDefinition(*doc);
  BuildOptions opts;
  opts.enable_omit = enable_omit;
  Result<std::shared_ptr<const Graph>> g = Build(parsed.rgd, opts);
  return g.ok() ? "" : g.status().message();
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(OmitValidationTest, TemplateFieldsOnlyWithTheGate) {
  std::string ok = Rgd("Namespaced", "{name: '${schema.spec.name}'}", "");
  EXPECT_EQ(BuildError(ok), "");
  EXPECT_TRUE(Contains(BuildError(ok, false),
                       "omit() requires the CELOmitFunction feature gate to be enabled"));
}

TEST(OmitValidationTest, NotInConditionsForEachOrStatus) {
  const std::string meta = "{name: '${schema.spec.name}'}";
  const std::string where = "omit() can only be used in resource template expressions";
  EXPECT_TRUE(Contains(BuildError(Rgd("Namespaced", meta, "    includeWhen: ['${omit()}']")),
                       where));
  EXPECT_TRUE(Contains(BuildError(Rgd("Namespaced", meta, "    readyWhen: ['${omit()}']")),
                       where));
  EXPECT_TRUE(Contains(
      BuildError(Rgd("Namespaced", "{name: '${schema.spec.name}-${string(p)}'}",
                     "    forEach: [{p: '${schema.spec.ports.size() > 0 ? schema.spec.ports : "
                     "omit()}'}]")),
      where));
  EXPECT_TRUE(Contains(
      BuildError(Rgd("Namespaced", meta, "", "x: '${config.metadata.name == \"\" ? omit() : 1}'")),
      where));
}

TEST(OmitValidationTest, NotOnIdentityFields) {
  EXPECT_TRUE(Contains(
      BuildError(Rgd("Namespaced", "{name: '${schema.spec.name == \"\" ? omit() : \"n\"}'}", "")),
      "resource \"config\": omit() cannot be used at path \"metadata.name\": the field is "
      "required and must resolve to a concrete value"));
  // The namespace of a namespaced resource may be omitted when the instance's namespace is the
  // fallback, not when the instance is cluster-scoped.
  const std::string ns =
      "{name: n, namespace: '${schema.spec.name == \"\" ? omit() : schema.spec.name}'}";
  EXPECT_EQ(BuildError(Rgd("Namespaced", ns, "")), "");
  EXPECT_TRUE(Contains(BuildError(Rgd("Cluster", ns, "")),
                       "omit() cannot be used at path \"metadata.namespace\""));
}

}  // namespace
}  // namespace kro::graph
