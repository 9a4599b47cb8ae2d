// CompiledGraph: a graph::Graph plus one planned CEL Program per expression, built once when an
// RGD is accepted and shared by every reconcile of its instances (upstream compiles the programs
// in the builder; here the graph stays CEL-free and the runtime owns evaluation).
//
// Every identifier an expression may name (`schema`, each resource id, forEach iterators,
// `each`) is declared `dyn`: the builder already type-checked the expressions against the
// schemas, so the run-time environment only needs to resolve names.
// Immutable after Compile(); thread-safe for concurrent readers (Programs are evaluated with a
// per-call Activation).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/cel/eval/program.h"
#include "kro/graph/graph.h"

namespace kro::runtime {

struct CompiledExpression {
  const graph::Expression* source = nullptr;  // points into CompiledGraph::graph()
  std::shared_ptr<const cel::Program> program;
};

struct CompiledForEach {
  std::string name;  // iterator variable
  CompiledExpression expression;
};

struct CompiledNode {
  const graph::Node* node = nullptr;  // points into CompiledGraph::graph()
  std::vector<CompiledExpression> variables;
  std::vector<CompiledExpression> include_when;
  std::vector<CompiledExpression> ready_when;
  std::vector<CompiledForEach> for_each;
};

class CompiledGraph {
 public:
  // Plans every expression of `graph`. Errors: InvalidArgument naming the resource id, the RGD
  // field path and the expression when one cannot be compiled (the builder normally catches
  // these first).
  static Result<std::shared_ptr<const CompiledGraph>> Compile(
      std::shared_ptr<const graph::Graph> graph);

  const graph::Graph& graph() const { return *graph_; }
  const std::shared_ptr<const graph::Graph>& graph_ptr() const { return graph_; }
  // Declaration order (as graph().nodes).
  const std::vector<CompiledNode>& nodes() const { return nodes_; }
  // nullptr when `id` is not a node.
  const CompiledNode* Find(std::string_view id) const;
  const std::vector<CompiledExpression>& status() const { return status_; }
  // Number of planned programs (for metrics and tests).
  size_t num_programs() const { return num_programs_; }

 private:
  CompiledGraph() = default;
  std::shared_ptr<const graph::Graph> graph_;
  std::vector<CompiledNode> nodes_;
  std::map<std::string, size_t, std::less<>> index_;
  std::vector<CompiledExpression> status_;
  size_t num_programs_ = 0;
};

}  // namespace kro::runtime
