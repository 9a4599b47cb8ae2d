// OpenAPI schema -> CEL checker types, as kro v0.9.3 does it (`pkg/cel/schemas.go`
// SchemaDeclTypeWithMetadata, `pkg/cel/types.go` DeclTypeProvider, a copy of Kubernetes'
// SchemaDeclType with kro's changes).
//
//   x-kubernetes-int-or-string -> dyn; object with an additionalProperties schema -> map(string, T)
//   (T = dyn when that schema has no type); other objects -> a struct type named
//   `__type_<var>.<path>` (list elements add `.@idx`, map values `.@elem`; field names in paths are
//   escaped); array -> list(T); string -> string, or bytes / duration / timestamp for the formats
//   byte / duration / date, date-time; boolean / integer / number -> bool / int / double.
//   A schema without a type (or an array without items) has no CEL type: such a property is not
//   a field of its object (as upstream). x-kubernetes-embedded-resource adds apiVersion, kind and
//   metadata{name, generateName} unless all are declared. Objects with
//   x-kubernetes-preserve-unknown-fields type undeclared fields as dyn (kro divergence).
//   Property names are escaped like Kubernetes (EscapeFieldName); a CEL reserved word may also be
//   selected unescaped (`metadata.namespace` finds `__namespace__`).
//
// Struct types are resolved lazily: AddVariable only records the variable's schema, and a struct's
// fields are worked out (and cached) the first time the checker asks for them, by walking the
// struct's name back down the schema. So a recursive schema (a CRD template's JSONSchemaProps) costs
// only as much as the expressions use, and no schema is ever copied.
//
// SchemaTypeProvider is thread-compatible while AddVariable is called and thread-safe for const
// use afterwards (the lazily filled cache is guarded by a mutex).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kro/cel/checker/type_provider.h"
#include "kro/cel/checker/types.h"
#include "kro/json/json.h"
#include "kro/schema/schema_view.h"

namespace kro::schema {

// The prefix of struct type names made from schemas ("__type_schema.spec").
inline constexpr std::string_view kTypeNamePrefix = "__type_";

// Kubernetes' CEL property name escaping: reserved words become `__word__`; `__`, `.`, `-`, `/`
// become `__underscores__`, `__dot__`, `__dash__`, `__slash__`. Returns nullopt for names CEL
// cannot select (empty, leading digit, or characters outside [A-Za-z0-9_./-]).
std::optional<std::string> EscapeFieldName(std::string_view name);

// Whether `name` is one of the reserved words Kubernetes escapes.
bool IsCelReservedWord(std::string_view name);

class SchemaTypeProvider : public cel::TypeProvider {
 public:
  struct StructDef {
    std::vector<std::pair<std::string, cel::Type>> fields;  // escaped names, sorted
    bool preserve_unknown_fields = false;
    // The schema node the struct was made from: two structs with the same identity have the
    // same shape (recursive schemas repeat it). nullptr for synthesized structs.
    const void* identity = nullptr;
  };

  // Declares variable `var` with schema `schema` (a CRD's openAPIV3Schema, a resolved resource
  // schema; `as_list`: a list of such objects, for collections). Its struct types are named
  // `__type_<var>...`. Returns the variable's type, or nullopt when the schema has no CEL type
  // (upstream then declares no variable). Replaces an earlier declaration of `var`.
  std::optional<cel::Type> AddVariable(std::string_view var, SchemaView schema,
                                       bool as_list = false);
  // The same for a schema given as a JSON value (copied).
  std::optional<cel::Type> AddVariable(std::string_view var, const json::Value& schema);

  // The struct definition called `name`, or nullptr. The pointer stays valid until the next
  // AddVariable.
  const StructDef* FindStruct(std::string_view name) const;

  std::optional<cel::Type> FindStructType(std::string_view name) const override;
  std::optional<cel::FieldType> FindFieldType(std::string_view struct_name,
                                              std::string_view field) const override;
  bool PreservesUnknownFields(std::string_view struct_name) const override;

 private:
  struct Root {
    SchemaView view;
    bool as_list = false;
  };
  // Where a struct name points in its variable's schema.
  struct Location {
    SchemaView view;
    bool embedded = false;   // x-kubernetes-embedded-resource: gains apiVersion/kind/metadata
    bool meta_stub = false;  // the synthesized metadata{name, generateName} of such a resource
  };
  std::optional<Location> Locate(std::string_view name) const;
  StructDef BuildStruct(const Location& at, const std::string& name) const;

  std::map<std::string, Root, std::less<>> roots_;
  mutable std::mutex mu_;
  mutable std::map<std::string, StructDef, std::less<>> structs_;  // guarded by mu_
};

}  // namespace kro::schema
