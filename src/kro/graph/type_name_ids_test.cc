// Resource ids that are CEL type names (`list`, `map`, ...): in expressions they are variables,
// as in cel-go, so they are dependencies like any other id.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "kro/api/rgd.h"
#include "kro/graph/builder.h"

namespace kro::graph {
namespace {

TEST(TypeNameIdsTest, ResourceNamedListIsADependency) {
  std::ifstream in(std::string(KRO_SOURCE_DIR) + "/test/testdata/rgds/valid/list_identifier.yaml");
  std::stringstream text;
  text << in.rdbuf();
  Result<json::Value> doc = json::ParseYaml(text.str());
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  api::ParsedRgd parsed = api::ParseResourceGraphDefinition(*doc);
  Result<std::shared_ptr<const Graph>> g = Build(parsed.rgd, {});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  const Node* user = (*g)->Find("user");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->dependencies, std::vector<std::string>{"list"});
  EXPECT_EQ((*g)->topological_order, (std::vector<std::string>{"list", "user"}));
}

TEST(TypeNameIdsTest, TypeNamesWithoutSuchAResourceAreTypes) {
  Result<json::Value> doc = json::ParseYaml(R"(
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: types}
spec:
  schema:
    apiVersion: v1alpha1
    kind: Types
    spec: {n: integer}
    status:
      isInt: ${type(schema.spec.n) == int}
  resources:
  - id: config
    includeWhen: ['${type(schema.spec.n) == int}']
    readyWhen: ['${type(config.data) == map}']
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: x}
      data: {t: '${string(type(schema.spec.n) == int)}'}
)");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  api::ParsedRgd parsed = api::ParseResourceGraphDefinition(*doc);
  Result<std::shared_ptr<const Graph>> g = Build(parsed.rgd, {});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_TRUE((*g)->Find("config")->dependencies.empty());
}

}  // namespace
}  // namespace kro::graph
