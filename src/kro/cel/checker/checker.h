// The CEL type checker: cel-go's checker (checker/checker.go) over kro-cpp's AST.
//
// Check never fails as a call: problems in the user's expression come back as issues inside the
// CheckResult, with cel-go's message texts ("undeclared reference to 'x' (in container '')",
// "found no matching overload for '_+_' applied to '(string, int)'", ...). The AST is not
// rewritten; what cel-go rewrites is recorded in `references` instead:
//  * an identifier, or a select chain `a.b.c` that names a (qualified) variable, gets a Reference
//    with the variable's full name (the evaluator must treat such a select node as that variable
//    and ignore its operand);
//  * a call gets the resolved function name and the ids of all matching overloads; when a member
//    call's target is a namespace (`base64.encode(x)` parsed as receiver `base64`), the Reference's
//    name is the namespaced function and `namespaced` is set (the target is not an argument).
// Thread-safe for concurrent calls on the same (const) env and AST.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "kro/cel/checker/decls.h"
#include "kro/cel/checker/types.h"
#include "kro/cel/common/ast.h"
#include "kro/cel/common/source.h"
#include "kro/cel/parser/parser.h"

namespace kro::cel {

struct Reference {
  std::string name;                       // variable full name or function name
  std::vector<std::string> overload_ids;  // calls only: every overload that may apply
  bool namespaced = false;                // call: target was a namespace, not a receiver
};

struct CheckIssue {
  int32_t offset = 0;  // byte offset in the Source
  std::string message;
};

struct CheckResult {
  std::unordered_map<int64_t, Type> types;  // every node id -> its type (type params -> dyn)
  std::unordered_map<int64_t, Reference> references;
  Type result_type = Type::Error();
  std::vector<CheckIssue> issues;  // in the order found

  bool ok() const { return issues.empty(); }
  // The type of node `id`, or nullptr.
  const Type* TypeOf(int64_t id) const;
  const Reference* ReferenceOf(int64_t id) const;
  // All issues, sorted by position, each as Source::FormatError renders it, joined by "\n"
  // (cel-go's Errors.ToDisplayString; at most 100, then "N more errors were truncated").
  std::string FormatIssues(const Source& source) const;
};

// Type-checks the expression rooted at `root` against `env`.
CheckResult Check(const Expr& root, const CheckerEnv& env);
// Same, for a parsed expression (its Source is what FormatIssues needs).
CheckResult Check(const ParsedExpr& parsed, const CheckerEnv& env);

}  // namespace kro::cel
