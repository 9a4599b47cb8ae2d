// spec.schema.status.conditions at RGD time: each entry is one ${...} that returns
// runtime.newCondition(...) or a list of them (dyn is checked when evaluated).
#include <gtest/gtest.h>

#include <string>

#include "kro/api/rgd.h"
#include "kro/graph/builder.h"

namespace kro::graph {
namespace {

// The build's error message, "" when it succeeds, for an RGD with `condition` as its only entry.
std::string BuildError(const std::string& condition) {
  std::string yaml = R"(
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: conds}
spec:
  schema:
    apiVersion: v1alpha1
    kind: Conds
    spec: {name: string, zones: "[]string", anything: object}
    status:
      conditions:
      - ")" + condition + R"("
  resources:
  - id: config
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: "${schema.spec.name}"}
)";
  Result<json::Value> doc = json::ParseYaml(yaml);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  api::ParsedRgd parsed = api::ParseResourceGraphDefinition(*doc);
  Result<std::shared_ptr<const Graph>> g = Build(parsed.rgd, BuildOptions{});
  return g.ok() ? "" : g.status().message();
}

TEST(ConditionValidationTest, ConditionAndListOfConditionsAreAccepted) {
  EXPECT_EQ(BuildError("${runtime.newCondition({type: 'A', status: 'True'})}"), "");
  EXPECT_EQ(BuildError("${schema.spec.zones.map(z, runtime.newCondition({type: z, status: "
                       "runtime.condition(schema, 'Ready').status}))}"),
            "");
  EXPECT_EQ(BuildError("${runtime.newCondition({type: 'C', status: config.metadata.name == '' ? "
                       "'False' : 'True'})}"),
            "");
}

TEST(ConditionValidationTest, WrongResultTypeIsAnError) {
  std::string err = BuildError("${schema.spec.name}");
  EXPECT_NE(err.find("condition expressions must return runtime.newCondition(...) or a list of "
                     "them, got \"string\""),
            std::string::npos)
      << err;
  err = BuildError("${schema.spec.zones}");
  EXPECT_NE(err.find("got \"list(string)\""), std::string::npos) << err;
}

TEST(ConditionValidationTest, MustBeOneExpression) {
  std::string err = BuildError("x ${runtime.newCondition({type: 'A', status: 'True'})}");
  EXPECT_NE(err.find("must be a single ${...} expression"), std::string::npos) << err;
}

}  // namespace
}  // namespace kro::graph
