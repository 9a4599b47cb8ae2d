// Converting CEL results back into JSON for templates and status fields (upstream
// pkg/cel/conversion): timestamps become RFC 3339 with whole seconds, durations Go's format
// ("1h0m0s"), bytes base64, optional.none() null; opaque values (Quantity, IP, URL, ...) cannot
// be written and are an error. omit() inside a list or map removes that element or entry.
// Pure functions; thread-safe.
#pragma once

#include <optional>

#include "kro/base/result.h"
#include "kro/cel/eval/value.h"
#include "kro/json/json.h"

namespace kro::runtime {

// The JSON form of `v`. Errors: InvalidArgument for error values (the CEL error message),
// opaque values ("unsupported type") and maps with non-scalar keys.
// A top-level omit() is an error here (it is not a value).
Result<json::Value> CelToJson(const cel::Value& v);

// For resource template fields: as CelToJson, but nullopt when `v` is omit() (or an optional
// holding it), meaning the field is removed from the rendered object.
Result<std::optional<json::Value>> CelToJsonField(const cel::Value& v);

// True when a CEL error kind means "the data is not there yet" (a missing key, field, index or
// unbound variable) rather than a bug in the expression. Replaces upstream's matching of error
// text (pkg/runtime/errors.go).
bool IsDataPendingKind(cel::ErrorKind kind);

}  // namespace kro::runtime
