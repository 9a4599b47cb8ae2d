// The CEL parser: expression text -> macro-expanded AST (kro::cel::Expr).
//
// Hand-written lexer and recursive-descent parser for the whole cel-spec grammar (langdef.md),
// with cel-go's conventions: node offsets of calls and operators point at the operator token,
// `!!x` and `--x` collapse, `&&`/`||` chains become balanced trees, reserved words may be used
// after a dot, macros expand at parse time (standard macros, optMap/optFlatMap, cel.bind,
// two-variable comprehensions, sortBy and kro's runtime.newCondition).
//
// Macro expansions (accumulator "@result"; bind-style folds iterate "#unused" over []):
//   has(a.b)                      a.b with test_only
//   r.all/exists/exists_one/existsOne(x, p), r.map(x, [f,] e), r.filter(x, p)   (cel-go)
//   r.all/exists/existsOne/exists_one(k, v, p), r.transformList(i, v, [f,] e)   iter_var2 set;
//   r.transformMap(k, v, [f,] e), r.transformMapEntry(k, v, [f,] e) step with the global call
//     "cel.@mapInsert"(@result, k, e) / (@result, entry_map)   (cel-go ext/comprehensions.go)
//   cel.bind(v, init, e)          fold with accu_var v = init, result e  (cel-go ext/bindings.go)
//   o.optMap(v, e)                o.hasValue() ? optional.of(bind v = o.value() in e) :
//                                 optional.none();  optFlatMap without optional.of
//   l.sortBy(x, k)                bind @__sortBy_input__ = l in the global 2-argument call
//                                 @sortByAssociatedKeys(@__sortBy_input__, <map(x, k) fold>)
//   runtime.newCondition({type: t, status: s, ...})   keys become string constants (kro)
// all/exists fold conditions use the function "@not_strictly_false".
//
// Parse is a pure function: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "kro/base/result.h"
#include "kro/cel/common/ast.h"
#include "kro/cel/common/source.h"

namespace kro::cel {

struct ParseOptions {
  // Expand has/all/exists/exists_one/map/filter and the extension macros.
  bool enable_macros = true;
  // Accept `a.?b`, `a[?b]`, `[?x]`, `{?k: v}`, `Msg{?f: v}` (and the optMap/optFlatMap macros).
  bool enable_optional_syntax = true;
  // Maximum nesting of the parse tree (each nested expression, and each operator of a chain of
  // selects, indexes, calls, unary or non-logical binary operators, counts one level); deeper
  // input is an error. Values <= 0 mean the default; values above 1000 are treated as 1000 so
  // that parsing (and recursive walks over the AST) cannot exhaust the stack.
  int max_recursion_depth = 250;
  // Maximum length of the expression text, in bytes.
  size_t max_expression_size = 100000;
};

struct ParsedExpr {
  ExprPtr expr;
  std::shared_ptr<const Source> source;
  int64_t next_id = 1;  // every id in `expr` is in [1, next_id)
};

// Parses `source`. On failure returns kInvalidArgument whose message holds every error, each
// formatted by Source::FormatError, ordered by position and joined by "\n"; location() is
// "line:col" of the first. REQUIRES: source is not null.
Result<ParsedExpr> Parse(std::shared_ptr<const Source> source, const ParseOptions& options = {});

// Parses `text` (described as "<input>" in messages).
Result<ParsedExpr> Parse(std::string_view text, const ParseOptions& options = {});

}  // namespace kro::cel
