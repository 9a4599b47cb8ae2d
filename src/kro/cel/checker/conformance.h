// Type checking for the conformance front end (shared/cel/PROTOCOL.md): builds a CheckerEnv from a
// request's `container` and `type_env` and checks a parsed expression against it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/cel/checker/checker.h"
#include "kro/cel/checker/types.h"
#include "kro/cel/parser/parser.h"
#include "kro/json/json.h"

namespace kro::cel {

// Builds the conformance CheckerEnv (AddConformanceLibraries + `type_env`, PROTOCOL.md §5).
// `extra_dyn_variables` (e.g. binding names missing from type_env) are declared as dyn.
// kUnimplemented when an entry cannot be understood (bad type string, unknown entry kind).
Result<CheckerEnv> ConformanceCheckerEnv(std::string_view container, const json::Value& type_env,
                                         const std::vector<std::string>& extra_dyn_variables = {});

// Checks `parsed` for a conformance request. Returns the deduced type; kInvalidArgument with all
// issues formatted (cel-go style) when the expression does not type-check; kUnimplemented when
// type_env cannot be understood.
Result<Type> CheckForConformance(const ParsedExpr& parsed, std::string_view container,
                                 const json::Value& type_env,
                                 const std::vector<std::string>& extra_dyn_variables = {});

}  // namespace kro::cel
