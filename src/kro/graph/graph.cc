#include "kro/graph/graph.h"

namespace kro::graph {

std::string_view NodeTypeName(NodeType t) {
  switch (t) {
    case NodeType::kResource: return "Resource";
    case NodeType::kCollection: return "Collection";
    case NodeType::kExternal: return "External";
    case NodeType::kExternalCollection: return "ExternalCollection";
  }
  return "Unknown";
}

std::string_view ExpressionKindName(ExpressionKind k) {
  switch (k) {
    case ExpressionKind::kTemplate: return "template";
    case ExpressionKind::kIncludeWhen: return "includeWhen";
    case ExpressionKind::kReadyWhen: return "readyWhen";
    case ExpressionKind::kForEach: return "forEach";
    case ExpressionKind::kStatus: return "status";
  }
  return "unknown";
}

const Node* Graph::Find(std::string_view id) const {
  auto it = node_index.find(std::string(id));
  return it == node_index.end() ? nullptr : &nodes[it->second];
}

std::vector<std::string> Graph::DeletionOrder() const {
  return std::vector<std::string>(topological_order.rbegin(), topological_order.rend());
}

}  // namespace kro::graph
