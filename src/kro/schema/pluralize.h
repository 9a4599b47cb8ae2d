// English pluralisation of a CRD kind, as upstream kro names the instance CRD's resource.
//
// Upstream kro v0.9.3 `pkg/graph/crd/crd.go` uses github.com/gobuffalo/flect v1.0.3
// `Pluralize(strings.ToLower(kind))`; this reproduces flect's algorithm and word lists (irregular
// words, uncountables, suffix rules, acronyms) for the inputs kro gives it. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace kro::schema {

// "webapp" -> "webapps", "policy" -> "policies", "redis" -> "redis", "database" -> "databases".
std::string Pluralize(std::string_view word);

}  // namespace kro::schema
