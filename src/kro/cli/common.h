// Shared plumbing of the `kro` subcommands: loading RGD files (multi-document YAML, positions,
// CRDs found alongside), building graphs with the offline schema resolver, and printing
// diagnostics as "file:line:col: error: message" with the source line and a caret.
// Functions here are thread-compatible.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "kro/api/diagnostic.h"
#include "kro/api/feature_gates.h"
#include "kro/api/rgd.h"
#include "kro/graph/builder.h"
#include "kro/graph/resolver.h"

namespace kro::cli {

// Flags shared by the commands that compile an RGD.
struct CompileFlags {
  std::string openapi_dir;           // default: $KRO_OPENAPI_DIR, else the nearest .cache/openapi
  std::vector<std::string> crd_files;  // extra CRDs to resolve custom kinds
  bool strict = false;               // unknown kinds are errors
  api::FeatureGates gates;           // --feature-gates (CELOmitFunction allows omit())
};

struct CompiledRgd {
  api::SourceInfo source;  // the file, with this document's positions
  api::ParsedRgd parsed;
  graph::BuildResult result;
};

struct LoadResult {
  std::vector<CompiledRgd> rgds;            // one per RGD document in the file
  std::vector<api::Diagnostic> diagnostics;  // file-level (unreadable, YAML syntax, no RGD)
  api::SourceInfo file_source;               // for file-level diagnostics
  std::shared_ptr<graph::OfflineResolver> resolver;
};

// Reads `file` and compiles every ResourceGraphDefinition in it.
LoadResult LoadAndCompile(const std::string& file, const CompileFlags& flags);

// Prints every diagnostic of `r` to `os`; returns true if there was an error.
bool PrintDiagnostics(const LoadResult& r, std::ostream& os);

// Reads a whole file; error NotFound / Unavailable.
Result<std::string> ReadFile(const std::string& path);

// The default OpenAPI directory (see CompileFlags::openapi_dir); "" if none found.
std::string DefaultOpenApiDir();

}  // namespace kro::cli
