// Converting CEL results back into JSON for templates and status fields (upstream
// pkg/cel/conversion): timestamps become RFC 3339 with whole seconds, durations Go's format
// ("1h0m0s"), bytes base64, optional.none() null; opaque values (Quantity, IP, URL, ...) cannot
// be written and are an error. Pure functions; thread-safe.
#pragma once

#include "kro/base/result.h"
#include "kro/cel/eval/value.h"
#include "kro/json/json.h"

namespace kro::runtime {

// The JSON form of `v`. Errors: InvalidArgument for error values (the CEL error message),
// opaque values ("unsupported type") and maps with non-scalar keys.
Result<json::Value> CelToJson(const cel::Value& v);

// True when a CEL error kind means "the data is not there yet" (a missing key, field, index or
// unbound variable) rather than a bug in the expression. Replaces upstream's matching of error
// text (pkg/runtime/errors.go).
bool IsDataPendingKind(cel::ErrorKind kind);

}  // namespace kro::runtime
