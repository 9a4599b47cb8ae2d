// Macro expansion: rewrites calls such as `list.all(x, p)` or `has(a.b)` into comprehensions and
// presence tests while parsing, as cel-go's parser/macro.go and its extension libraries do.
//
// Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kro/cel/common/ast.h"
#include "kro/cel/parser/internal/expr_factory.h"

namespace kro::cel::internal {

// The hidden accumulator variable of macro comprehensions (cel-go HiddenAccumulatorName).
inline constexpr const char* kAccumulatorName = "@result";
// The iteration variable of bind-style comprehensions that never iterate.
inline constexpr const char* kUnusedIterVar = "#unused";

enum class MacroOutcome {
  kNotMacro,  // no macro matched; `target` and `args` are untouched
  kExpanded,  // *out holds the expansion; target and args were consumed
  kError,     // *error_offset / *error describe the problem; target and args were consumed
};

struct MacroSet {
  bool optional = true;  // optMap / optFlatMap
};

// Tries to expand the call `[target.]function(args)` whose open parenthesis is at `offset`.
// `target` is null for global calls.
MacroOutcome ExpandMacro(ExprFactory& factory, const MacroSet& set, int32_t offset,
                         std::string_view function, ExprPtr& target, std::vector<ExprPtr>& args,
                         ExprPtr* out, int32_t* error_offset, std::string* error);

}  // namespace kro::cel::internal
