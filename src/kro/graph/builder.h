// graph::Build: compiles a ResourceGraphDefinition into an immutable Graph (upstream
// pkg/graph/builder.go NewResourceGraphDefinition).
//
// The passes run in upstream's order so that the clearest error wins: structure and naming,
// then per-resource templates against their schemas, then the dependency graph (unknown
// identifiers, self references, cycles) *before* any type check, then includeWhen / readyWhen /
// forEach restrictions and types, then the instance status. Unlike upstream, every pass runs
// even after an error and all diagnostics are returned, sorted clearest first.
// Thread-safe: Build has no shared state (the resolver must be thread-safe).
#pragma once

#include <memory>
#include <vector>

#include "kro/api/diagnostic.h"
#include "kro/api/rgd.h"
#include "kro/base/result.h"
#include "kro/graph/graph.h"
#include "kro/graph/resolver.h"

namespace kro::graph {

struct BuildOptions {
  // Where resource schemas come from. nullptr: no schemas at all (nothing is type-checked).
  const SchemaResolver* resolver = nullptr;
  // A kind whose schema cannot be found is a warning (its expressions are treated as dyn) when
  // true, an error (as upstream, which asks the API server) when false. Default: true.
  bool allow_unknown_kinds = true;
  // Upstream --rgd-max-collection-dimension-size. Default: 10.
  int max_collection_dimension_size = 10;
  // The CELOmitFunction feature gate (alpha, default off upstream).
  bool enable_omit = false;
  // For line:column of diagnostics and expressions; may be nullptr. Must outlive Build().
  const api::SourceInfo* source = nullptr;
};

struct BuildResult {
  std::shared_ptr<const Graph> graph;     // null if any error
  std::vector<api::Diagnostic> diagnostics;  // errors and warnings, clearest first
};

// Compiles `rgd`, collecting every diagnostic. `parse_diagnostics` (from api::Parse...) are
// merged in; any error there also fails the build.
BuildResult Compile(const api::ResourceGraphDefinition& rgd, const BuildOptions& options,
                    std::vector<api::Diagnostic> parse_diagnostics = {});

// Convenience: the graph, or InvalidArgument whose message lists every error (one per line,
// "line:col: message") and whose location is the first error's position.
Result<std::shared_ptr<const Graph>> Build(const api::ResourceGraphDefinition& rgd,
                                           const BuildOptions& options);

// Upstream's naming rules (pkg/graph/validation.go).
bool IsValidResourceId(std::string_view id);    // lowerCamelCase: ^[a-z][a-zA-Z0-9]*$
bool IsValidKindName(std::string_view kind);    // UpperCamelCase: ^[A-Z][a-zA-Z0-9]*$
bool IsReservedWord(std::string_view word);     // kro keywords + CEL reserved symbols
bool IsValidKubernetesVersion(std::string_view v);  // ^v\d+((alpha|beta)\d+)?$

}  // namespace kro::graph
