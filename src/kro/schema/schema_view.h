// SchemaView: a cheap, read-only view of one node of an OpenAPI v3 schema document that follows
// `$ref: "#/components/schemas/X"` and single-element `allOf` wrappers transparently.
//
// Views never copy the document: recursive schemas (apiextensions' JSONSchemaProps refers to
// itself) are walked only as deep as a caller asks. Thread-safe: a view is immutable and the
// document it shares is const.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kro/json/json.h"

namespace kro::schema {

class SchemaView {
 public:
  SchemaView() = default;
  // `node` must point into `*doc` (or be nullptr); `doc` is kept alive by every copy.
  SchemaView(std::shared_ptr<const json::Value> doc, const json::Value* node);

  bool valid() const { return node_ != nullptr; }
  const json::Value* node() const { return node_; }

  // The first "type" ("object", "string", ...), or "" if none.
  std::string Type() const;
  bool PreserveUnknownFields() const;
  bool IntOrString() const;
  bool EmbeddedResource() const;
  bool HasProperties() const;
  // Property `name`, or additionalProperties' schema; invalid view if neither.
  SchemaView Field(std::string_view name) const;
  SchemaView Property(std::string_view name) const;
  SchemaView AdditionalProperties() const;
  SchemaView Items() const;
  // The string member `key` ("format", ...), or "" if absent.
  std::string_view StringMember(std::string_view key) const;
  // The `properties` object, or nullptr.
  const json::Object* Properties() const;
  // Wraps a node of the same document (e.g. a value of Properties()), following $refs.
  SchemaView Wrap(const json::Value* n) const;
  // Types allowed by oneOf/anyOf members (Quantity-style string|number), empty if none.
  std::vector<std::string> CompositeTypes() const;

 private:
  static bool HasMember(const json::Value* v, std::string_view key);
  std::shared_ptr<const json::Value> doc_;
  const json::Value* node_ = nullptr;
};

}  // namespace kro::schema
