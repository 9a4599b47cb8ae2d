#include "kro/schema/cel_types.h"

#include <gtest/gtest.h>

#include "kro/schema/status_schema.h"

namespace kro::schema {
namespace {

json::Value Yaml(std::string_view text) { return json::ParseYaml(text).value(); }

std::string FieldType(const SchemaTypeProvider& p, std::string_view s, std::string_view f) {
  auto ft = p.FindFieldType(s, f);
  return ft ? cel::FormatType(ft->type) : "<none>";
}

constexpr std::string_view kSchema = R"(
type: object
properties:
  spec:
    type: object
    properties:
      replicas: {type: integer}
      ratio: {type: number}
      on: {type: boolean}
      name: {type: string}
      data: {type: string, format: byte}
      timeout: {type: string, format: duration}
      at: {type: string, format: date-time}
      day: {type: string, format: date}
      port: {x-kubernetes-int-or-string: true}
      labels: {type: object, additionalProperties: {type: string}}
      anyMap: {type: object, additionalProperties: {x-kubernetes-preserve-unknown-fields: true}}
      ports:
        type: array
        items:
          type: object
          properties:
            containerPort: {type: integer}
      free: {type: object, x-kubernetes-preserve-unknown-fields: true}
      untyped: {x-kubernetes-preserve-unknown-fields: true}
      my-field: {type: string}
      a.b/c__d: {type: string}
      namespace: {type: string}
      9lives: {type: string}
      template: {type: object, x-kubernetes-embedded-resource: true}
)";

TEST(CelTypesTest, ConvertsSchemas) {
  SchemaTypeProvider p;
  auto t = p.AddVariable("schema", Yaml(kSchema));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(cel::FormatType(*t), "__type_schema");
  EXPECT_EQ(FieldType(p, "__type_schema", "spec"), "__type_schema.spec");
  const std::string spec = "__type_schema.spec";
  EXPECT_EQ(FieldType(p, spec, "replicas"), "int");
  EXPECT_EQ(FieldType(p, spec, "ratio"), "double");
  EXPECT_EQ(FieldType(p, spec, "on"), "bool");
  EXPECT_EQ(FieldType(p, spec, "name"), "string");
  EXPECT_EQ(FieldType(p, spec, "data"), "bytes");
  EXPECT_EQ(FieldType(p, spec, "timeout"), "google.protobuf.Duration");
  EXPECT_EQ(FieldType(p, spec, "at"), "google.protobuf.Timestamp");
  EXPECT_EQ(FieldType(p, spec, "day"), "google.protobuf.Timestamp");
  EXPECT_EQ(FieldType(p, spec, "port"), "dyn");
  EXPECT_EQ(FieldType(p, spec, "labels"), "map(string, string)");
  EXPECT_EQ(FieldType(p, spec, "anyMap"), "map(string, dyn)");
  EXPECT_EQ(FieldType(p, spec, "ports"), "list(__type_schema.spec.ports.@idx)");
  EXPECT_EQ(FieldType(p, "__type_schema.spec.ports.@idx", "containerPort"), "int");
  EXPECT_EQ(FieldType(p, spec, "untyped"), "<none>");  // no type: not a field (as upstream)
  EXPECT_EQ(FieldType(p, spec, "my__dash__field"), "string");
  EXPECT_EQ(FieldType(p, spec, "a__dot__b__slash__c__underscores__d"), "string");
  EXPECT_EQ(FieldType(p, spec, "__namespace__"), "string");
  EXPECT_EQ(FieldType(p, spec, "namespace"), "string");  // kro: reserved word unescaped
  EXPECT_EQ(FieldType(p, spec, "9lives"), "<none>");
  EXPECT_EQ(FieldType(p, spec, "nope"), "<none>");
  EXPECT_FALSE(p.PreservesUnknownFields(spec));
  EXPECT_TRUE(p.PreservesUnknownFields(spec + ".free"));
  EXPECT_EQ(FieldType(p, spec + ".free", "anything"), "dyn");
  // Embedded resources gain apiVersion, kind and metadata.name/generateName.
  EXPECT_EQ(FieldType(p, spec + ".template", "kind"), "string");
  EXPECT_EQ(FieldType(p, spec + ".template.metadata", "generateName"), "string");
  EXPECT_TRUE(p.FindStructType(spec).has_value());
  EXPECT_FALSE(p.FindStructType("__type_other").has_value());
  EXPECT_FALSE(p.AddVariable("x", Yaml("description: no type")).has_value());
}

TEST(CelTypesTest, Escaping) {
  EXPECT_EQ(EscapeFieldName("in").value(), "__in__");
  EXPECT_EQ(EscapeFieldName("x-y.z").value(), "x__dash__y__dot__z");
  EXPECT_EQ(EscapeFieldName("a___b").value(), "a__underscores___b");
  EXPECT_FALSE(EscapeFieldName("a b").has_value());
  EXPECT_FALSE(EscapeFieldName("").has_value());
}

TEST(StatusSchemaTest, InfersFromCelTypes) {
  SchemaTypeProvider p;
  ASSERT_TRUE(p.AddVariable("schema", Yaml(kSchema)).has_value());
  std::map<std::string, cel::Type> fields = {
      {"ready", cel::Type::Bool()},
      {"count", cel::Type::Uint()},
      {"ratio", cel::Type::Double()},
      {"raw", cel::Type::Bytes()},
      {"at", cel::Type::Timestamp()},
      {"took", cel::Type::Duration()},
      {"any", cel::Type::Dyn()},
      {"nothing", cel::Type::Null()},
      {"names", cel::Type::List(cel::Type::String())},
      {"byName", cel::Type::Map(cel::Type::String(), cel::Type::Int())},
      {"maybe", cel::Type::Optional(cel::Type::String())},
      {"db.endpoint.host", cel::Type::String()},
      {"urls[0]", cel::Type::String()},
      {"ports", cel::Type::List(cel::Type::Struct("__type_schema.spec.ports.@idx"))},
      {"unknownStruct", cel::Type::Struct("nope")},
  };
  auto s = GenerateStatusSchema(fields, &p);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(
      json::Serialize(*s),
      R"x({"properties":{"any":{"x-kubernetes-preserve-unknown-fields":true},)x"
      R"x("at":{"description":"Timestamp representing a creation time","format":"date-time",)x"
      R"x("type":"string"},"byName":{"additionalProperties":{"type":"integer"},"type":"object"},)x"
      R"x("count":{"type":"integer"},"db":{"properties":{"endpoint":{"properties":{"host":)x"
      R"x({"type":"string"}},"type":"object"}},"type":"object"},"maybe":{"description":)x"
      R"x("unknown CEL type: optional_type(string)","x-kubernetes-preserve-unknown-fields":true},)x"
      R"x("names":{"items":{"type":"string"},"type":"array"},"nothing":{"description":)x"
      R"x("null type - any value allowed","x-kubernetes-preserve-unknown-fields":true},)x"
      R"x("ports":{"items":{"properties":{"containerPort":{"type":"integer"}},"type":"object"},)x"
      R"x("type":"array"},"ratio":{"type":"number"},"raw":{"format":"byte","type":"string"},)x"
      R"x("ready":{"type":"boolean"},"took":{"description":)x"
      R"x("unknown CEL type: google.protobuf.Duration","x-kubernetes-preserve-unknown-fields":)x"
      R"x(true},"unknownStruct":{"additionalProperties":true,"type":"object"},"urls":{"items":)x"
      R"x({"type":"string"},"type":"array"}},"type":"object"})x");
  // A schema struct read back: nested timestamps become preserve-unknown-fields (as upstream).
  auto spec = SchemaFromCelType(cel::Type::Struct("__type_schema.spec"), &p);
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(json::Serialize(*json::Find(*spec, "properties.at")),
            R"({"x-kubernetes-preserve-unknown-fields":true})");
  EXPECT_FALSE(GenerateStatusSchema({{"a..b", cel::Type::Int()}}, &p).ok());
}

// Issue 4: a self-referential schema (apiextensions' JSONSchemaProps) once made the provider copy
// the schema to a fixed depth, which grows exponentially with its branching. Types are now
// resolved lazily, as deep as they are used, and read back with the cycle cut to an object.
TEST(CelTypesTest, Issue4RecursiveSchemasResolveLazily) {
  auto doc = std::make_shared<const json::Value>(Yaml(R"(
components:
  schemas:
    Props:
      type: object
      properties:
        type: {type: string}
        items: {$ref: "#/components/schemas/Props"}
        not: {$ref: "#/components/schemas/Props"}
        allOf: {type: array, items: {$ref: "#/components/schemas/Props"}}
        properties:
          type: object
          additionalProperties: {allOf: [{$ref: "#/components/schemas/Props"}]}
)"));
  const json::Value* root = json::Find(*doc, "components.schemas.Props");
  ASSERT_NE(root, nullptr);
  SchemaTypeProvider p;
  auto t = p.AddVariable("crd", SchemaView(doc, root));
  ASSERT_TRUE(t.has_value());
  std::string deep = "__type_crd";
  for (int i = 0; i < 200; ++i) deep += i % 2 == 0 ? ".properties.@elem" : ".allOf.@idx";
  EXPECT_EQ(FieldType(p, deep, "type"), "string");
  EXPECT_EQ(FieldType(p, deep, "items"), deep + ".items");
  EXPECT_EQ(FieldType(p, deep, "not"), deep + ".not");
  // Same node, same identity: the cycle is visible to callers that walk types.
  EXPECT_EQ(p.FindStruct(deep)->identity, p.FindStruct("__type_crd")->identity);
  auto s = SchemaFromCelType(cel::Type::Struct("__type_crd"), &p);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(json::Serialize(*json::Find(*s, "properties.items")), R"({"type":"object"})");
  EXPECT_EQ(json::Serialize(*json::Find(*s, "properties.type")), R"({"type":"string"})");
  // A list variable (a collection) names its element type "<var>.@idx".
  auto list = p.AddVariable("each", SchemaView(doc, root), true);
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(cel::FormatType(*list), "list(__type_each.@idx)");
  EXPECT_EQ(FieldType(p, "__type_each.@idx.items", "type"), "string");
  EXPECT_FALSE(p.FindStructType("__type_each").has_value());
}

}  // namespace
}  // namespace kro::schema
