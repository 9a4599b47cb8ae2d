// Typed, read-only view of a ResourceGraphDefinition (kro.run/v1alpha1) parsed from JSON/YAML.
//
// Parse() checks structure only (field presence and JSON types, "exactly one of template or
// externalRef", forEach shape); naming, references and types are the graph builder's job. Raw
// sub-documents (templates, SimpleSchema spec/types/status) are kept as json::Value. Every
// element remembers its field path so later stages can point at the source. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kro/api/diagnostic.h"
#include "kro/json/json.h"

namespace kro::api {

inline constexpr std::string_view kRgdApiVersion = "kro.run/v1alpha1";
inline constexpr std::string_view kRgdKind = "ResourceGraphDefinition";
inline constexpr std::string_view kDefaultGroup = "kro.run";

struct ExternalRef {
  std::string api_version;
  std::string kind;
  std::string name;       // metadata.name (may hold ${...})
  std::string namespace_;  // metadata.namespace (may hold ${...}); empty = instance namespace
  std::optional<json::Value> selector;  // metadata.selector (a LabelSelector), if set
};

// One forEach dimension: `- name: ${expr}`.
struct ForEachDimension {
  std::string name;
  std::string expression;  // as written, usually "${...}"
  std::string path;        // "spec.resources[1].forEach[0].name"
};

struct Resource {
  std::string id;
  std::string path;  // "spec.resources[3]"
  size_t index = 0;
  std::optional<json::Value> template_;  // the object template
  std::optional<ExternalRef> external_ref;
  std::vector<std::string> ready_when;
  std::vector<std::string> include_when;
  std::vector<ForEachDimension> for_each;
};

struct PrinterColumn {
  json::Value raw;  // CustomResourceColumnDefinition as written
};

struct Schema {
  std::string api_version;  // e.g. v1alpha1
  std::string kind;
  std::string group = std::string(kDefaultGroup);
  std::string scope = "Namespaced";  // Namespaced | Cluster
  json::Value spec;    // SimpleSchema (object or null)
  json::Value types;   // custom types (object or null)
  json::Value status;  // status CEL template (object or null)
  std::vector<json::Value> additional_printer_columns;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  json::Value metadata;  // {labels, annotations} for the CRD (object or null)
};

struct ResourceGraphDefinition {
  std::string name;  // metadata.name
  json::Value metadata;
  Schema schema;
  std::vector<Resource> resources;
  json::Value raw;  // the whole document
};

struct ParsedRgd {
  ResourceGraphDefinition rgd;
  std::vector<Diagnostic> diagnostics;  // structural problems; rgd is best effort if any
};

// Parses `doc` (one YAML/JSON document). Never fails: problems become diagnostics (class
// kStructure) with field paths; positions are filled from `src` when given.
ParsedRgd ParseResourceGraphDefinition(const json::Value& doc, const SourceInfo* src = nullptr);

// True if `doc` looks like an RGD (apiVersion kro.run/..., kind ResourceGraphDefinition).
bool IsResourceGraphDefinition(const json::Value& doc);

}  // namespace kro::api
