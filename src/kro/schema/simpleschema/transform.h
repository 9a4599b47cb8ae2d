// SimpleSchema -> OpenAPI v3 (structural) schema, as upstream kro v0.9.3
// `pkg/simpleschema/transform.go` (ToOpenAPISpec).
//
// Input is the RGD's `spec.schema.spec` (a map of field name -> type string or nested map) and
// `spec.schema.types` (custom type name -> type string alias or map of fields). Output is a JSON
// object in the CRD `openAPIV3Schema` shape with keys sorted (the order `kubectl get -o yaml`
// shows). Semantics kept from upstream on purpose:
//   - an object gets `default: {}` when it has no required fields and some child has a default;
//   - a custom type alias with `required=true` makes every field of that type required;
//   - `required` lists fields in source order (upstream's order is Go map order, i.e. random);
//   - custom types are all built (and validated) even when unused; reference cycles are errors.
// Pure; thread-safe.
#pragma once

#include <string_view>

#include "kro/base/result.h"
#include "kro/json/json.h"

namespace kro::schema::simpleschema {

// Builds the OpenAPI schema for `spec`. `types` may be null (no custom types). Errors are
// InvalidArgument with the message prefixed by the field path, e.g.
// "spec.replicas: unknown marker 'minimun'" or "types.Port.number: unknown type: Int";
// `spec_path` names the root of `spec` in those messages.
Result<json::Value> ToOpenApiSpec(const json::Value& spec, const json::Value& types,
                                  std::string_view spec_path = "spec");

// Returns `v` with every object's keys sorted (recursively), as Go's JSON/YAML encoders write maps.
json::Value SortKeys(const json::Value& v);

}  // namespace kro::schema::simpleschema
