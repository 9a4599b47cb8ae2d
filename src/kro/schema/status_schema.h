// Instance status schema inference: CEL output types -> OpenAPI, as upstream kro v0.9.3
// `pkg/graph/schema/conversion_cel_type.go` (GenerateSchemaFromCELTypes) and
// `field_descriptor.go`.
//
// bool -> boolean; int, uint -> integer; double -> number; string -> string; bytes -> string with
// format byte; timestamp -> string with format date-time; null -> preserve-unknown-fields; dyn ->
// preserve-unknown-fields; list(T) -> array of T; map(K, V) -> object with additionalProperties V;
// a schema struct type -> object with its fields (nested fields typed from the schema; there
// timestamp, duration and int-or-string become preserve-unknown-fields, as upstream); other types
// (duration, optional_type(T), opaque types, ...) -> preserve-unknown-fields with a description
// naming the type. Pure; thread-safe.
#pragma once

#include <map>
#include <string>

#include "kro/base/result.h"
#include "kro/cel/checker/types.h"
#include "kro/json/json.h"
#include "kro/schema/cel_types.h"

namespace kro::schema {

// The OpenAPI schema for values of `type`. `provider` (may be null) describes struct types.
Result<json::Value> SchemaFromCelType(const cel::Type& type, const SchemaTypeProvider* provider);

// Builds the status object schema from status field paths (relative to `status`, in FieldPath
// syntax: "endpoint", "db.host", "urls[0]", "labels[\"a.b\"]") and their expressions' output
// types. Intermediate path segments become objects (names) or arrays (indexes). Fails on an
// unparsable path.
Result<json::Value> GenerateStatusSchema(const std::map<std::string, cel::Type>& fields,
                                         const SchemaTypeProvider* provider);

}  // namespace kro::schema
