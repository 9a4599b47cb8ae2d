// Graph: the immutable result of compiling a ResourceGraphDefinition (upstream pkg/graph/graph.go
// and node.go).
//
// A Graph holds one Node per resource (declaration order), each with its template, the
// expressions found in it (with RGD field paths and source positions), its includeWhen /
// readyWhen / forEach expressions and its direct dependencies; plus the topological order, the
// apply levels, the instance status expressions and, when the schema module is available, the
// instance schema and CRD. Built once by graph::Build and then shared read-only
// (std::shared_ptr<const Graph>): thread-safe for concurrent readers.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kro/graph/resolver.h"
#include "kro/json/json.h"

namespace kro::graph {

// The instance's own variable in expressions, and the per-item variable of collection readyWhen.
inline constexpr std::string_view kSchemaVarName = "schema";
inline constexpr std::string_view kEachVarName = "each";
inline constexpr std::string_view kRuntimeVarName = "runtime";
inline constexpr std::string_view kInstanceNodeId = "instance";

enum class NodeType {
  kResource,            // a template kro creates
  kCollection,          // a template with forEach: one object per item
  kExternal,            // externalRef by name: read, never written
  kExternalCollection,  // externalRef by selector
};

std::string_view NodeTypeName(NodeType t);

enum class ExpressionKind { kTemplate, kIncludeWhen, kReadyWhen, kForEach, kStatus };

std::string_view ExpressionKindName(ExpressionKind k);

struct Expression {
  ExpressionKind kind = ExpressionKind::kTemplate;
  // Path inside the object being rendered ("spec.replicas"; for status: "status.endpoint").
  std::string field_path;
  // Path in the RGD document ("spec.resources[1].template.spec.replicas").
  std::string rgd_path;
  std::string original;    // the string as written ("db-${schema.spec.name}")
  std::string cel;         // the CEL source compiled (standalone: the inner text)
  bool standalone = true;  // false: a string template, always a string
  size_t first_offset = 0;  // byte offset of the first expression's text in `original`
  std::vector<std::string> references;  // identifiers referenced (ids, schema, iterators, each)
  int line = 0;    // 1-based source position of the first expression (0 = unknown)
  int column = 0;
  SchemaView field_schema;  // schema of the target field, if known (templates only)
  std::string output_type;  // CEL type after checking ("" = not checked)
};

struct ForEachDimension {
  std::string name;
  Expression expression;
};

struct Node {
  std::string id;
  size_t index = 0;  // declaration order
  NodeType type = NodeType::kResource;
  Gvk gvk;
  bool namespaced = true;
  bool has_schema = false;  // false: the kind's schema was not found; not type-checked
  SchemaView schema;        // the kind's schema (valid iff has_schema)
  json::Value template_;     // for external refs: the synthesized {apiVersion, kind, metadata}
  std::vector<Expression> variables;  // expressions inside template_, document order
  std::vector<Expression> include_when;
  std::vector<Expression> ready_when;
  std::vector<ForEachDimension> for_each;
  std::vector<std::string> dependencies;  // direct, declaration order
  std::string rgd_path;                   // "spec.resources[2]"
};

struct Graph {
  std::string name;  // RGD metadata.name
  std::string group;
  std::string api_version;  // instance version, e.g. v1alpha1
  std::string kind;
  bool instance_namespaced = true;
  std::vector<Node> nodes;  // declaration order
  std::map<std::string, size_t> node_index;
  std::vector<std::string> topological_order;        // apply order
  std::vector<std::vector<std::string>> levels;      // parallel apply groups
  std::vector<Expression> status;                    // instance status expressions
  json::Value status_template;                       // spec.schema.status as written
  json::Value instance_schema;  // OpenAPI of the instance (null without the schema module)
  json::Value crd;              // the synthesized CRD (null without the schema module)

  const Node* Find(std::string_view id) const;
  // Reverse topological order: the order in which to delete.
  std::vector<std::string> DeletionOrder() const;
};

}  // namespace kro::graph
