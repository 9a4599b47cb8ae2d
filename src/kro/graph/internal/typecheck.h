// The builder's type pass (private to kro::graph): SimpleSchema -> instance schema and CRD,
// compiling every expression with the CEL Environment against resource schemas, and inferring
// the status schema. A no-op when the CEL checker or schema module is not built in.
#pragma once

#include <vector>

#include "kro/api/diagnostic.h"
#include "kro/api/rgd.h"
#include "kro/graph/graph.h"

namespace kro::graph::internal {

struct TypeCheckOptions {
  // False: only the schemas are built (expressions are not compiled).
  bool check_expressions = true;
  // Declares omit() (feature gate CELOmitFunction); where it may be used is the builder's check.
  bool enable_omit = false;
};

// Fills graph.instance_schema / crd and each Expression::output_type; appends diagnostics.
void TypeCheck(const api::ResourceGraphDefinition& rgd, const TypeCheckOptions& options,
               Graph& graph, std::vector<api::Diagnostic>* diags);

// True when built with the CEL checker and schema module.
bool HaveTypeChecker();

}  // namespace kro::graph::internal
