// Finding `${...}` expressions in RGD strings and templates (upstream pkg/graph/parser).
//
// A string that is exactly one `${e}` is *standalone*: `e` is evaluated and its value (of any
// type) replaces the string. Otherwise every `${e}` is spliced into a string template, compiled to
// the CEL expression `"a-" + (e1) + "-" + (e2)`. Braces and double-quoted strings inside an
// expression are matched like upstream (`${ {"a": "}"}["a"] }` is one expression); `${` inside an
// expression is an error unless it directly follows a `"`. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/json/json.h"

namespace kro::graph {

// One `${...}` occurrence: expr is the text between `${` and the matching `}`; [start, end) is
// the byte range of the whole `${...}` in the string.
struct ExprMatch {
  std::string expr;
  size_t start = 0;
  size_t end = 0;
};

// Returns all top-level `${...}` in `s` (an unterminated `${` is literal text). Error:
// InvalidArgument "nested expressions are not allowed unless inside string literals".
Result<std::vector<ExprMatch>> ExtractExpressions(std::string_view s);

// True if `s` is exactly one `${...}`.
Result<bool> IsStandaloneExpression(std::string_view s);

// `"lit" + (e1) + "lit"`: literal parts quoted as CEL string literals.
std::string BuildStringTemplate(std::string_view original, const std::vector<ExprMatch>& matches);

// A CEL double-quoted string literal for `s`.
std::string QuoteCelString(std::string_view s);

// One field of a template whose string value holds expressions.
struct FieldExpression {
  std::string path;        // relative to the walked root ("spec.replicas", "data[\"a.b\"]")
  std::string original;    // the string as written
  std::string expression;  // the CEL source to compile (standalone: the inner text)
  bool standalone = false;
  std::vector<ExprMatch> matches;
};

// A problem found while walking.
struct TemplateIssue {
  std::string path;
  std::string message;
};

// Walks `v` (objects, arrays, strings), appending every string that holds `${...}` to `out`
// (document order) and every malformed string to `issues`. Paths use json::AppendField /
// AppendIndex and start with `base`.
void CollectExpressions(const json::Value& v, const std::string& base,
                        std::vector<FieldExpression>* out, std::vector<TemplateIssue>* issues);

// Makes a FieldExpression for string `s` at `path`; returns false (and sets *error) on a
// malformed string, false with empty *error if `s` holds no expression.
bool MakeFieldExpression(std::string_view s, const std::string& path, FieldExpression* out,
                         std::string* error);

}  // namespace kro::graph
