#include <gtest/gtest.h>

#include <string>

#include "kro/schema/simpleschema/markers.h"
#include "kro/schema/simpleschema/transform.h"
#include "kro/schema/simpleschema/types.h"

namespace kro::schema::simpleschema {
namespace {

json::Value Yaml(std::string_view text) {
  auto v = json::ParseYaml(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : json::Value();
}

// Converts a SimpleSchema spec (YAML) and returns the compact JSON of the result or the error.
std::string Convert(std::string_view spec, std::string_view types = "") {
  auto out = ToOpenApiSpec(Yaml(spec), types.empty() ? json::Value() : Yaml(types));
  return out.ok() ? json::Serialize(*out) : "error: " + out.status().message();
}

TEST(MarkersTest, SplitsOnSpacesOutsideQuotesAndBrackets) {
  auto m = ParseMarkers(R"( default="a b" description="x | y" enum=a,b validation=[1, 2])");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->size(), 4u);
  EXPECT_EQ((*m)[0].type, MarkerType::kDefault);
  EXPECT_EQ((*m)[0].value, "a b");
  EXPECT_EQ((*m)[1].value, "x | y");
  EXPECT_EQ((*m)[2].value, "a,b");
  EXPECT_EQ((*m)[3].value, "[1, 2]");
}

TEST(MarkersTest, QuotesAndEscapes) {
  auto m = ParseMarkers(R"(description="say \"hi\" \\ \n" pattern="^a=b$")");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)[0].value, R"(say "hi" \ \n)");
  EXPECT_EQ((*m)[1].value, "^a=b$");
  auto braces = ParseMarkers(R"(default={"a": "x y", "b": [1, 2]})");
  ASSERT_TRUE(braces.ok());
  EXPECT_EQ((*braces)[0].value, R"({"a": "x y", "b": [1, 2]})");
}

TEST(MarkersTest, Errors) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"minimun=1", "unknown marker 'minimun'"},
      {"=1", "empty marker key"},
      {"required", "marker key 'required' without a value"},
      {"", "marker key '' without a value"},
      {"description=\"abc", "unclosed quote"},
      {"default={", "unclosed bracket/brace"},
      {"default=}", "unmatched closing bracket/brace"},
      // As upstream: trailing whitespace ends the last marker and leaves an empty key behind.
      {"required=true ", "marker key '' without a value"},
  };
  for (const Case& c : cases) {
    auto m = ParseMarkers(c.text);
    ASSERT_FALSE(m.ok()) << c.text;
    EXPECT_EQ(m.status().message(), c.error) << c.text;
  }
}

TEST(TypesTest, ParsesTypeExpressions) {
  auto t = ParseTypeString(" []map[string] []Port | required=true");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, TypeExpr::Kind::kSlice);
  EXPECT_EQ(t->elem[0].kind, TypeExpr::Kind::kMap);
  EXPECT_EQ(t->elem[0].elem[0].elem[0].name, "Port");
  EXPECT_EQ(ParseTypeString("").status().message(), "empty type");
  EXPECT_EQ(ParseTypeString("[]").status().message(), "empty slice element type");
  EXPECT_EQ(ParseTypeString("map[int]string").status().message(), "map key must be string");
  EXPECT_EQ(ParseTypeString("map[string]").status().message(), "map value type is required");
  std::string deep;
  for (int i = 0; i < 17; ++i) deep += "[]";
  EXPECT_FALSE(ParseTypeString(deep + "string").ok());
  EXPECT_TRUE(ParseTypeString(deep.substr(2) + "string").ok());
}

TEST(TransformTest, AtomicTypes) {
  EXPECT_EQ(Convert("a: string\nb: integer\nc: boolean\nd: float\ne: object"),
            R"({"properties":{"a":{"type":"string"},"b":{"type":"integer"},)"
            R"("c":{"type":"boolean"},"d":{"type":"number"},)"
            R"("e":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},)"
            R"("type":"object"})");
  // Only the four atomic names exist upstream: `int` and `number` are (unknown) custom types.
  EXPECT_EQ(Convert("a: int"), "error: spec.a: unknown type: int");
  EXPECT_EQ(Convert("a: number"), "error: spec.a: unknown type: number");
}

TEST(TransformTest, DefaultsAndRequired) {
  EXPECT_EQ(Convert("name: string | required=true\nreplicas: integer | default=3"),
            R"({"properties":{"name":{"type":"string"},"replicas":{"default":3,)"
            R"("type":"integer"}},"required":["name"],"type":"object"})");
  // No required fields and a child default: the object defaults to {}.
  EXPECT_EQ(Convert("o:\n  x: string | default=\"a b\""),
            R"({"default":{},"properties":{"o":{"default":{},"properties":{"x":)"
            R"({"default":"a b","type":"string"}},"type":"object"}},"type":"object"})");
  EXPECT_EQ(Convert("a: float | default=1.5\nb: boolean | default=true\nc: '[]string | "
                    "default=[\"x\"]'"),
            R"({"default":{},"properties":{"a":{"default":1.5E0,"type":"number"},)"
            R"("b":{"default":true,"type":"boolean"},"c":{"default":["x"],)"
            R"("items":{"type":"string"},"type":"array"}},"type":"object"})");
  EXPECT_EQ(Convert("a: integer | default=abc"),
            "error: spec.a: default value must be a valid integer, got: abc");
}

TEST(TransformTest, RequiredListsAreSorted) {
  // Written zeta, alpha, mid (custom required type); the CRD lists them in byte order, nested too.
  EXPECT_EQ(Convert("zeta: string | required=true\nalpha: string | required=true\nmid: Id\n"
                    "o:\n  y: string | required=true\n  b: string | required=true",
                    "Id: string | required=true"),
            R"({"properties":{"alpha":{"type":"string"},"mid":{"type":"string"},)"
            R"("o":{"properties":{"b":{"type":"string"},"y":{"type":"string"}},)"
            R"("required":["b","y"],"type":"object"},"zeta":{"type":"string"}},)"
            R"("required":["alpha","mid","zeta"],"type":"object"})");
}

TEST(TransformTest, MarkerErrorsNameThePath) {
  EXPECT_EQ(Convert("spec:\n  replicas: integer | minimun=1"),
            "error: spec.spec.replicas: unknown marker 'minimun'");
  EXPECT_EQ(Convert("a: integer | minLength=1"),
            "error: spec.a: minLength marker is only valid for string types, got type: integer");
  EXPECT_EQ(Convert("a: boolean | enum=true,false"),
            "error: spec.a: enum values only supported for string and integer types, got type: "
            "boolean");
  EXPECT_EQ(Convert("a: string | pattern=\"[a-\""),
            "error: spec.a: invalid pattern regex: missing ]: [a-");
  EXPECT_EQ(Convert("a: '[]string | listMapKey=name'"),
            "error: spec.a: listMapKey set while listType is unset, listType must be set to map");
  EXPECT_EQ(Convert("a: '[]string | uniqueItems=true listType=map'").substr(0, 48),
            "error: spec.a: listType attempting to overwrite ");
  EXPECT_EQ(Convert("a: 3"), "error: spec.a: unexpected type: float64");
}

TEST(TransformTest, CustomTypes) {
  EXPECT_EQ(Convert("p: Port\nps: '[]Port'", "Port:\n  n: integer | default=80\nName: string"),
            R"({"default":{},"properties":{"p":{"default":{},"properties":{"n":{"default":80,)"
            R"("type":"integer"}},"type":"object"},"ps":{"items":{"default":{},"properties":)"
            R"({"n":{"default":80,"type":"integer"}},"type":"object"},"type":"array"}},)"
            R"("type":"object"})");
  // An alias with required=true makes each field of that type required.
  EXPECT_EQ(Convert("a: Id", "Id: string | required=true minLength=3"),
            R"({"properties":{"a":{"minLength":3,"type":"string"}},"required":["a"],)"
            R"("type":"object"})");
  EXPECT_EQ(Convert("a: string", "A: B\nB: '[]A'"),
            "error: types.A: cyclic dependency between custom types: A -> B -> A");
  EXPECT_EQ(Convert("a: string", "A:\n  x: Missing"), "error: types.A.x: unknown type: Missing");
}

TEST(TransformTest, ImmutableValidationAndLists) {
  EXPECT_EQ(
      Convert("a: string | immutable=true validation=\"self.size() > 1\"\n"
              "l: '[]string | uniqueItems=true minItems=1 maxItems=3'"),
      R"({"properties":{"a":{"type":"string","x-kubernetes-validations":[{"message":)"
      R"("field is immutable","rule":"self == oldSelf"},{"message":"validation failed",)"
      R"("rule":"self.size() > 1"}]},"l":{"items":{"type":"string"},"maxItems":3,"minItems":1,)"
      R"("type":"array","x-kubernetes-list-type":"set"}},"type":"object"})");
}

}  // namespace
}  // namespace kro::schema::simpleschema
