// SimpleSchema type expressions: the part of a field before `|` ("string", "[]map[string]Port").
//
// Matches upstream kro v0.9.3 `pkg/simpleschema/parse.go` and `types/`: the atomic types are
// exactly string, integer, boolean and float (float becomes OpenAPI "number"); "object" is an
// object that keeps unknown fields; `[]T` and `map[string]T` nest up to 16 levels; every other
// name refers to a custom type from `spec.schema.types`. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/schema/simpleschema/markers.h"

namespace kro::schema::simpleschema {

struct TypeExpr {
  enum class Kind { kAtomic, kObject, kSlice, kMap, kCustom };
  Kind kind = Kind::kAtomic;
  std::string name;             // kAtomic: string|integer|boolean|float; kCustom: the type name
  std::vector<TypeExpr> elem;   // kSlice / kMap: exactly one element (or value) type

  // The custom type names this expression refers to (for dependency ordering).
  void CollectCustomTypes(std::vector<std::string>& out) const;
};

// Parses the type before the first `|` (surrounding spaces ignored). Fails on an empty type,
// an empty `[]` element, a map key other than string, a missing map value type or nesting deeper
// than 16. Unknown names parse as custom types; they are resolved later.
Result<TypeExpr> ParseTypeString(std::string_view field);

// Parses a whole field: the type and, after the first `|`, its markers.
struct Field {
  TypeExpr type;
  std::vector<Marker> markers;
};
Result<Field> ParseField(std::string_view field);

}  // namespace kro::schema::simpleschema
