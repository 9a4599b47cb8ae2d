// Author conditions: the RGD's spec.schema.status.conditions, a list of CEL expressions that each
// return runtime.newCondition(...) or a list of them (upstream pkg/runtime/conditions.go). The
// Runtime evaluates them (Runtime::EvaluateAuthorConditions) with `schema` bound to the instance
// whose status.conditions holds kro's built-in conditions, so runtime.condition(schema, 'Ready')
// reads kro's own value; the controller stamps and writes the result (controller/author_conditions.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kro/base/status.h"

namespace kro::runtime {

struct AuthorCondition {
  std::string type;
  std::string status;  // "True" | "False" | "Unknown"
  std::string reason;
  std::string message;
};

struct AuthorConditions {
  // Every condition produced, flattened in declaration order; types produced more than once are
  // dropped (and reported in `errors`).
  std::vector<AuthorCondition> conditions;
  // Some expression produced nothing this time (its data is pending, or it failed): the caller
  // keeps the previously written conditions of the types missing.
  bool incomplete = false;
  // Failed expressions, results that are not conditions, duplicate types.
  std::vector<Status> errors;
};

// True for the field path ("status.conditions[0]") of an author condition expression.
bool IsAuthorConditionPath(std::string_view field_path);

}  // namespace kro::runtime
