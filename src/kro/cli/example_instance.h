// An example instance of an RGD's kind, for `kro render FILE` without --instance: every spec
// field gets its default, or else a placeholder of its type ("example", the first enum value,
// the minimum or 1, false, one item when minItems asks for it). Pure; thread-safe.
#pragma once

#include "kro/graph/graph.h"
#include "kro/json/json.h"

namespace kro::cli {

// {apiVersion, kind, metadata{name: "example"[, namespace: "default"]}, spec} for `g`'s kind.
json::Value ExampleInstance(const graph::Graph& g);

// A value that `schema` (OpenAPI v3, as the generated instance schema) accepts.
json::Value ExampleValue(const json::Value& schema, int depth = 0);

}  // namespace kro::cli
