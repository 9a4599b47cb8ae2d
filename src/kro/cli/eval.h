// Offline evaluation of graph expressions for `kro render`.
//
// Expressions are evaluated with kro's CEL dialect (src/kro/cel) against the instance (`schema`)
// and forEach iterators, every variable dyn (the builder type-checked them already). Expressions
// that read other resources' state cannot be known offline and are reported as pending; CEL errors
// (a missing key, a bad conversion) as errors. omit() is declared (the builder has checked where
// it may appear, and only with its feature gate). Pure functions; thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>

#include "kro/graph/graph.h"
#include "kro/json/json.h"

namespace kro::cli {

struct Scope {
  std::map<std::string, json::Value> vars;  // schema, iterators
  std::set<std::string> resources;          // resource ids (their state is unknown offline)
};

struct EvalOutcome {
  // kOmitted: the expression returned omit(), so its field is removed.
  enum State { kValue, kPending, kUnsupported, kError, kOmitted } state = kValue;
  json::Value value;  // kValue
  std::string text;   // otherwise: "<pending: db.status.endpoint>" / reason
};

EvalOutcome Evaluate(const graph::Expression& e, const Scope& scope);

// Evaluates one CEL expression text (no `${}`).
EvalOutcome EvaluateCel(const std::string& cel, const Scope& scope);

}  // namespace kro::cli
