// Which names a CEL expression refers to: the input to the dependency graph.
//
// FindReferences reports the free identifiers of an expression (in first-appearance order),
// the global functions it calls and whether it calls omit(). It uses the CEL parser's AST when
// the parser is built in, and otherwise a conservative lexical scanner that understands string
// literals, field selection, function calls, namespaced functions (`optional.of`, `lists.range`)
// and the variables bound by comprehension macros (`x.map(c, ...)`, `cel.bind(v, ...)`).
// Thread-safe (pure).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"

namespace kro::graph {

struct References {
  // Free identifiers, deduplicated, first-appearance order. Builtin type names used as values
  // (`string` in `type(x) == string`) are included: a declared variable of that name (a resource
  // id `list`) shadows the type, so only the caller knows which it is (see IsTypeName).
  std::vector<std::string> identifiers;
  std::vector<std::string> functions;    // global (non-method) functions called
  bool uses_omit = false;
};

// Error: InvalidArgument with the CEL parse error (only when the parser is available).
Result<References> FindReferences(std::string_view expression);

// The lexical scanner alone (exposed for tests).
References ScanReferences(std::string_view expression);

// True for the builtin type names CEL knows without a declaration (`int`, `list`, `map`, ...):
// an identifier that is one of them and not declared is the type, not an unknown name.
bool IsTypeName(std::string_view name);

// True when FindReferences uses the real CEL parser.
bool HaveCelParser();

}  // namespace kro::graph
