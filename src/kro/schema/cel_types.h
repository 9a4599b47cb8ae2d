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
// SchemaTypeProvider is thread-compatible while AddVariable is called and thread-safe for const
// use afterwards.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kro/cel/checker/type_provider.h"
#include "kro/cel/checker/types.h"
#include "kro/json/json.h"

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
  };

  // Converts `schema` (an OpenAPI v3 schema object, e.g. a CRD's openAPIV3Schema or a resolved
  // resource schema) for variable `var`, registers its struct types under
  // `__type_<var>...` and returns the variable's type, or nullopt when the schema has no CEL type
  // (upstream then declares no variable). Replaces an earlier registration of the same variable's
  // types.
  std::optional<cel::Type> AddVariable(std::string_view var, const json::Value& schema);

  // The struct definition called `name`, or nullptr.
  const StructDef* FindStruct(std::string_view name) const;

  std::optional<cel::Type> FindStructType(std::string_view name) const override;
  std::optional<cel::FieldType> FindFieldType(std::string_view struct_name,
                                              std::string_view field) const override;
  bool PreservesUnknownFields(std::string_view struct_name) const override;

 private:
  std::optional<cel::Type> Convert(const json::Value& schema, const std::string& name,
                                   bool resource_root);

  std::map<std::string, StructDef, std::less<>> structs_;
};

}  // namespace kro::schema
