// A compact, single-line rendering of a CEL AST for tests, logs and debugging.
//
//   _+_(a, 1)          calls and operators by function name; receiver calls as `t.f(x)`
//   a.b  a.b~test-only select; has() presence tests carry ~test-only
//   [1, ?x]  {"k": v, ?k2: v2}  pkg.Msg{f: 1, ?g: x}
//   __comprehension__(iter_var[, iter_var2], range, accu_var, init, condition, step, result)
//   constants: 1  1u  1.5  "s"  b"\x00"  true  null
//
// Pure functions; thread-safe. Recursion follows the tree depth (bounded by the parser's limit).
#pragma once

#include <string>

#include "kro/cel/common/ast.h"

namespace kro::cel {

struct AstPrintOptions {
  bool ids = false;      // append ^#id to every node (and entry)
  bool offsets = false;  // append @offset to every node (and entry)
};

// Renders `expr` as described above.
std::string AstToString(const Expr& expr, const AstPrintOptions& options = {});

// Renders a constant as a CEL literal ("\"a\\n\"", "b\"\\xff\"", "1u", "2.0").
std::string ConstantToString(const Constant& constant);

}  // namespace kro::cel
