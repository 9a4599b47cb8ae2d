// Diagnostic: one problem in user input (an RGD), with where it is.
//
// Diagnostics are values: builders collect all of them instead of stopping at the first, and the
// CLI renders them as "file:line:col: message" with the source line and a caret. Thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kro/json/json.h"

namespace kro::api {

enum class Severity { kError, kWarning };

// Error classes, ordered so that sorting by class puts the clearest error first (as upstream
// pkg/graph/builder.go: structure, then naming, then references and cycles, then types).
enum class DiagnosticClass {
  kSyntax = 0,      // YAML / JSON syntax
  kStructure = 1,   // missing or malformed RGD fields
  kNaming = 2,      // invalid or reserved ids, duplicates
  kTemplate = 3,    // ${...} extraction, template vs schema structure
  kReference = 4,   // unknown identifiers, forbidden references
  kCycle = 5,       // dependency cycles
  kType = 6,        // CEL parse and type errors
  kOther = 7,
};

struct Diagnostic {
  Severity severity = Severity::kError;
  DiagnosticClass cls = DiagnosticClass::kOther;
  std::string message;
  // RGD field path ("spec.resources[2].template.spec.replicas"); may be empty.
  std::string path;
  // 1-based; 0 = unknown.
  int line = 0;
  int column = 0;
};

// A parsed source file: its name, text and the field-path positions of one YAML document.
struct SourceInfo {
  std::string file;  // as given by the user
  std::string text;
  json::PositionMap positions;

  // Position of `path` ("spec.resources[0].id") falling back to the nearest ancestor that has
  // one; {0,0} if none. `key` prefers the position of the key rather than the value.
  json::Position Find(std::string_view path, bool key = false) const;

  // Position of byte `offset` inside the string scalar at `path`: adds the offset to the
  // scalar's column when the scalar is on one line (accounting for an opening quote).
  json::Position FindInString(std::string_view path, size_t offset) const;

  // The 1-based line `line` of text, without newline; empty if out of range.
  std::string_view Line(int line) const;
};

// Fills line/column of `d` from `src` using d.path (no change if already set or path empty).
void Locate(Diagnostic& d, const SourceInfo& src);

// "file:line:col: error: message" + source line + caret line (when the position is known).
std::string Format(const Diagnostic& d, const SourceInfo* src);

// Stable sort: errors before warnings, then by class, then by position.
void SortDiagnostics(std::vector<Diagnostic>& diags);

bool HasErrors(const std::vector<Diagnostic>& diags);

}  // namespace kro::api
