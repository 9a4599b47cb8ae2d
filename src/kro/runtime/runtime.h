// Runtime: the per-reconcile evaluation of one instance against a CompiledGraph (upstream
// pkg/runtime). Pure: no API calls, no threads, no clock reads. The controller builds a fresh
// Runtime for every reconcile, feeds it the objects it observes (SetObserved) and asks, node by
// node in topological order:
//
//   IsIgnored(id)      includeWhen; an ignored dependency makes its dependants ignored too
//                      (contagious, as upstream node.go IsIgnored).
//   GetDesired(id)     the rendered object(s): every dependency must be ready first; values that
//                      are not available yet make it fail with kDataPending (never an error).
//                      Collections (forEach) render one object per element of the cartesian
//                      product of their dimensions, labelled kro.run/collection-index.
//   CheckReadiness(id) OK when observed and every readyWhen holds (collections: for `each`
//                      item, and as many observed as desired); kDataPending while waiting.
//   ProjectStatus()    the instance status fields whose data is available.
//
// Errors other than kDataPending are expression bugs or bad values: kInvalidArgument whose
// message names the resource id and the expression and whose location is the RGD field path.
// Thread-compatible: one Runtime belongs to one reconcile.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/cel/eval/value.h"
#include "kro/json/json.h"
#include "kro/runtime/author_conditions.h"
#include "kro/runtime/compiled_graph.h"
#include "kro/runtime/conditions.h"

namespace kro::runtime {

struct RuntimeOptions {
  // Upstream --rgd-max-collection-size. Default: 1000.
  int max_collection_size = 1000;
};

struct StatusProjection {
  // The status fields with resolved values (nested as in spec.schema.status).
  json::Object fields;
  // Field paths ("status.endpoint") skipped because their data is pending.
  std::vector<std::string> pending;
  // Errors of expressions that failed for another reason.
  std::vector<Status> errors;
};

class Runtime {
 public:
  // REQUIRES: graph != nullptr. `instance` is the instance object as read from the cluster.
  Runtime(std::shared_ptr<const CompiledGraph> graph, json::Value instance,
          RuntimeOptions options = {});
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  const CompiledGraph& graph() const { return *graph_; }
  const json::Value& instance() const { return instance_; }
  // Namespace of the instance ("" when cluster-scoped).
  const std::string& instance_namespace() const { return instance_namespace_; }

  // Records what exists in the cluster for node `id` (one object; for collections, every item).
  // Forgets cached readiness/includeWhen results that may depend on it.
  void SetObserved(std::string_view id, std::vector<json::Value> objects);
  bool HasObserved(std::string_view id) const;
  // Empty when not observed.
  const std::vector<json::Value>& Observed(std::string_view id) const;

  // Errors: kDataPending when an includeWhen reads a dependency that is not ready; otherwise
  // InvalidArgument (a failing expression or a non-boolean result). NotFound for unknown ids.
  Result<bool> IsIgnored(std::string_view id);
  // Errors: kDataPending (dependency not ready, value missing), InvalidArgument, NotFound.
  Result<std::vector<json::Value>> GetDesired(std::string_view id);
  // OK when ready (or ignored); kDataPending while waiting; other codes for expression errors.
  Status CheckReadiness(std::string_view id);

  // The status fields (author conditions excluded).
  StatusProjection ProjectStatus();

  // Whether the RGD declares spec.schema.status.conditions (then only those are written).
  bool HasAuthorConditions() const;
  // Evaluates them; `builtins` (kro's conditions for this reconcile) are what
  // runtime.condition(schema, type) reads. Defined in author_conditions.cc.
  AuthorConditions EvaluateAuthorConditions(const std::vector<Condition>& builtins);

  // Number of CEL evaluations done (metrics: cel_expr_eval_total).
  uint64_t evaluations() const { return evaluations_; }

 private:
  struct NodeRt {
    const CompiledNode* compiled = nullptr;
    bool has_observed = false;
    std::vector<json::Value> observed;
    json::Value bound;  // observed[0], or the array of items for collections
    std::optional<Result<bool>> ignored;
    std::optional<Result<std::vector<json::Value>>> desired;
  };
  using Bindings = std::map<std::string, cel::Value, std::less<>>;

  NodeRt* Lookup(std::string_view id);
  const NodeRt* Lookup(std::string_view id) const;
  bool IsCollection(const NodeRt& n) const;
  Status CheckObservedReadiness(NodeRt& n);
  Result<std::vector<json::Value>> Resolve(NodeRt& n);
  // Evaluates `e` with `schema`, the observed objects and `extra`. kDataPending when a
  // referenced resource is not observed or the value is missing.
  Result<cel::Value> Eval(const CompiledExpression& e, std::string_view owner,
                          const Bindings& extra);
  Result<bool> EvalBool(const CompiledExpression& e, std::string_view owner,
                        const Bindings& extra);
  void NormalizeNamespace(const NodeRt& n, json::Value& obj) const;

  std::shared_ptr<const CompiledGraph> graph_;
  RuntimeOptions options_;
  json::Value instance_;
  json::Value schema_;  // instance without status
  std::string instance_namespace_;
  std::vector<NodeRt> nodes_;  // graph order; never resized after construction
  std::map<std::string, size_t, std::less<>> index_;
  uint64_t evaluations_ = 0;
};

// Replaces the expression strings of `tmpl` by `values` (keyed by field path as the graph
// builder writes them, relative to `base`). Expression strings without a value are kept when
// `drop_missing` is false and removed (with objects left empty by that) when true. Fields and
// list elements at `omitted` paths (expressions that returned omit()) are removed, whatever
// they hold; objects they leave empty stay.
json::Value RenderTemplate(const json::Value& tmpl, const std::string& base,
                           const std::map<std::string, json::Value>& values,
                           const std::map<std::string, bool>& expression_paths,
                           bool drop_missing, const std::set<std::string>& omitted = {});

}  // namespace kro::runtime
