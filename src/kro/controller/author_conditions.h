// The instance's .status.conditions when its RGD declares author conditions
// (spec.schema.status.conditions; upstream pkg/controller/instance/status.go): only the author's
// conditions are written. Each keeps its previous lastTransitionTime while its status is
// unchanged and carries metadata.generation as observedGeneration; the types an expression did
// not produce this time (data pending, failure) keep their previous entry. While the instance is
// being deleted the previous conditions stand, with kro's ResourcesReady (UnderDeletion) added.
// Pure apart from evaluating the Runtime's expressions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kro/base/status.h"
#include "kro/json/json.h"
#include "kro/runtime/author_conditions.h"
#include "kro/runtime/conditions.h"
#include "kro/runtime/runtime.h"

namespace kro::controller {

struct AuthorStatus {
  json::Array conditions;
  std::vector<Status> errors;  // expression failures (the instance state becomes ERROR)
};

// Stamps `authored` against `previous` (the conditions last written) at `now`.
std::vector<runtime::Condition> StampAuthorConditions(
    const std::vector<runtime::AuthorCondition>& authored, bool incomplete,
    const std::vector<runtime::Condition>& previous, int64_t generation, const std::string& now);

// nullopt when `rt` is null or the RGD declares no author conditions (the built-ins are written).
// `builtins` are kro's conditions for this reconcile; `instance` is the object as read.
std::optional<AuthorStatus> AuthorStatusConditions(runtime::Runtime* rt,
                                                   const std::vector<runtime::Condition>& builtins,
                                                   const json::Value& instance, bool deleting,
                                                   const std::string& now);

}  // namespace kro::controller
