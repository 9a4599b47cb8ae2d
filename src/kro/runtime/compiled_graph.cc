#include "kro/runtime/compiled_graph.h"

#include <set>
#include <utility>

#include "kro/cel/environment.h"

namespace kro::runtime {

namespace {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

const CompiledNode* CompiledGraph::Find(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &nodes_[it->second];
}

Result<std::shared_ptr<const CompiledGraph>> CompiledGraph::Compile(
    std::shared_ptr<const graph::Graph> graph) {
  if (graph == nullptr) {
    return InvalidArgument("no graph to compile");
  }
  // One untyped environment for the whole graph: every name any expression may use.
  std::set<std::string> names = {std::string(graph::kSchemaVarName),
                                 std::string(graph::kEachVarName)};
  for (const graph::Node& n : graph->nodes) {
    names.insert(n.id);
    for (const graph::ForEachDimension& d : n.for_each) {
      names.insert(d.name);
    }
  }
  cel::EnvironmentOptions env_options;
  for (const std::string& name : names) {
    env_options.variables.push_back({name, cel::Type::Dyn()});
  }
  env_options.libraries.runtime = true;
  // The builder has already rejected omit() unless the CELOmitFunction gate is on.
  env_options.libraries.omit = true;
  KRO_ASSIGN_OR_RETURN(cel::Environment env, cel::Environment::New(std::move(env_options)));

  std::shared_ptr<CompiledGraph> out(new CompiledGraph());
  out->graph_ = graph;
  auto compile = [&](const graph::Expression& e,
                     std::string_view owner) -> Result<CompiledExpression> {
    Result<cel::CheckedExpr> checked = env.Compile(e.cel);
    if (!checked.ok()) {
      return InvalidArgument(std::string(owner) + ": failed to compile expression " +
                                 Quote(e.original) + ": " + checked.status().message(),
                             e.rgd_path);
    }
    Result<cel::Program> program = env.Plan(*checked);
    if (!program.ok()) {
      return InvalidArgument(std::string(owner) + ": failed to plan expression " +
                                 Quote(e.original) + ": " + program.status().message(),
                             e.rgd_path);
    }
    ++out->num_programs_;
    return CompiledExpression{&e, std::make_shared<const cel::Program>(std::move(*program))};
  };

  out->nodes_.reserve(graph->nodes.size());
  for (const graph::Node& n : graph->nodes) {
    CompiledNode cn;
    cn.node = &n;
    std::string owner = "resource " + Quote(n.id);
    for (const graph::Expression& e : n.variables) {
      KRO_ASSIGN_OR_RETURN(CompiledExpression ce, compile(e, owner));
      cn.variables.push_back(std::move(ce));
    }
    for (const graph::Expression& e : n.include_when) {
      KRO_ASSIGN_OR_RETURN(CompiledExpression ce, compile(e, owner));
      cn.include_when.push_back(std::move(ce));
    }
    for (const graph::Expression& e : n.ready_when) {
      KRO_ASSIGN_OR_RETURN(CompiledExpression ce, compile(e, owner));
      cn.ready_when.push_back(std::move(ce));
    }
    for (const graph::ForEachDimension& d : n.for_each) {
      KRO_ASSIGN_OR_RETURN(CompiledExpression ce, compile(d.expression, owner));
      cn.for_each.push_back(CompiledForEach{d.name, std::move(ce)});
    }
    out->index_[n.id] = out->nodes_.size();
    out->nodes_.push_back(std::move(cn));
  }
  for (const graph::Expression& e : graph->status) {
    KRO_ASSIGN_OR_RETURN(CompiledExpression ce, compile(e, "instance status"));
    out->status_.push_back(std::move(ce));
  }
  return std::shared_ptr<const CompiledGraph>(std::move(out));
}

}  // namespace kro::runtime
