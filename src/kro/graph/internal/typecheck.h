// The builder's type pass (private to kro::graph): SimpleSchema -> instance schema and CRD,
// compiling every expression with the CEL Environment against resource schemas, and inferring
// the status schema. A no-op when the CEL checker or schema module is not built in.
#pragma once

#include <vector>

#include "kro/api/diagnostic.h"
#include "kro/api/rgd.h"
#include "kro/graph/graph.h"

namespace kro::graph::internal {

// Fills graph.instance_schema / crd and each Expression::output_type; appends diagnostics.
// When `check_expressions` is false only the schemas are built (expressions are not compiled).
void TypeCheck(const api::ResourceGraphDefinition& rgd, bool check_expressions, Graph& graph,
               std::vector<api::Diagnostic>* diags);

// True when built with the CEL checker and schema module.
bool HaveTypeChecker();

}  // namespace kro::graph::internal
