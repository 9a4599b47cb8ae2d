#include "kro/runtime/runtime.h"

#include <algorithm>
#include <set>
#include <utility>

#include "kro/api/labels.h"
#include "kro/runtime/value_json.h"

namespace kro::runtime {

namespace {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Walks `v` with the same paths as graph::CollectExpressions.
json::Value Render(const json::Value& v, const std::string& path,
                   const std::map<std::string, json::Value>& values,
                   const std::map<std::string, bool>& expression_paths, bool drop_missing,
                   const std::set<std::string>& omitted, bool* dropped) {
  *dropped = false;
  if (!omitted.empty() && omitted.count(path) != 0) {
    *dropped = true;
    return v;
  }
  if (v.is_string()) {
    if (expression_paths.count(path) != 0) {
      auto it = values.find(path);
      if (it != values.end()) {
        return it->second;
      }
      if (drop_missing) {
        *dropped = true;
      }
    }
    return v;
  }
  if (v.is_object()) {
    json::Object out;
    bool had = !v.as_object().empty();
    for (const auto& kv : v.as_object()) {
      bool child_dropped = false;
      json::Value c = Render(kv.value(), json::AppendField(path, kv.key()), values,
                             expression_paths, drop_missing, omitted, &child_dropped);
      if (!child_dropped) {
        out[kv.key()] = std::move(c);
      }
    }
    if (drop_missing && had && out.empty()) {
      *dropped = true;
    }
    return json::Value(std::move(out));
  }
  if (v.is_array()) {
    json::Array out;
    size_t i = 0;
    for (const json::Value& e : v.as_array()) {
      bool child_dropped = false;
      json::Value c = Render(e, json::AppendIndex(path, i++), values, expression_paths,
                             drop_missing, omitted, &child_dropped);
      if (!child_dropped) {
        out.push_back(std::move(c));
      }
    }
    return json::Value(std::move(out));
  }
  return v;
}

std::string StringAt(const json::Value& obj, std::string_view path) {
  const json::Value* v = json::Find(obj, path);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

json::Value RenderTemplate(const json::Value& tmpl, const std::string& base,
                           const std::map<std::string, json::Value>& values,
                           const std::map<std::string, bool>& expression_paths,
                           bool drop_missing, const std::set<std::string>& omitted) {
  bool dropped = false;
  json::Value out =
      Render(tmpl, base, values, expression_paths, drop_missing, omitted, &dropped);
  if (dropped) {
    return json::Value(json::Object());
  }
  return out;
}

Runtime::Runtime(std::shared_ptr<const CompiledGraph> graph, json::Value instance,
                 RuntimeOptions options)
    : graph_(std::move(graph)), options_(options), instance_(std::move(instance)) {
  schema_ = instance_;
  if (schema_.is_object()) {
    schema_.as_object().erase("status");
  }
  instance_namespace_ = StringAt(instance_, "metadata.namespace");
  nodes_.resize(graph_->nodes().size());
  for (size_t i = 0; i < graph_->nodes().size(); ++i) {
    nodes_[i].compiled = &graph_->nodes()[i];
    index_[graph_->nodes()[i].node->id] = i;
  }
}

Runtime::NodeRt* Runtime::Lookup(std::string_view id) {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &nodes_[it->second];
}

const Runtime::NodeRt* Runtime::Lookup(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &nodes_[it->second];
}

bool Runtime::IsCollection(const NodeRt& n) const {
  graph::NodeType t = n.compiled->node->type;
  return t == graph::NodeType::kCollection || t == graph::NodeType::kExternalCollection;
}

void Runtime::SetObserved(std::string_view id, std::vector<json::Value> objects) {
  NodeRt* n = Lookup(id);
  if (n == nullptr) {
    return;
  }
  n->has_observed = true;
  n->observed = std::move(objects);
  if (IsCollection(*n)) {
    json::Array arr;
    for (const json::Value& o : n->observed) {
      arr.push_back(o);
    }
    n->bound = json::Value(std::move(arr));
  } else {
    n->bound = n->observed.empty() ? json::Value(nullptr) : n->observed.front();
    if (n->observed.empty()) {
      n->has_observed = false;
    }
  }
  // includeWhen and desired values of dependants may read this node: recompute lazily.
  for (NodeRt& other : nodes_) {
    if (&other != n) {
      other.ignored.reset();
      if (Contains(other.compiled->node->dependencies, id)) {
        other.desired.reset();
      }
    }
  }
}

bool Runtime::HasObserved(std::string_view id) const {
  const NodeRt* n = Lookup(id);
  return n != nullptr && n->has_observed;
}

const std::vector<json::Value>& Runtime::Observed(std::string_view id) const {
  static const std::vector<json::Value>* const kEmpty = new std::vector<json::Value>();
  const NodeRt* n = Lookup(id);
  return n == nullptr ? *kEmpty : n->observed;
}

Result<cel::Value> Runtime::Eval(const CompiledExpression& e, std::string_view owner,
                                 const Bindings& extra) {
  const graph::Expression& src = *e.source;
  // A referenced resource that has not been observed: its data is pending.
  for (const std::string& ref : src.references) {
    if (extra.count(ref) != 0) {
      continue;
    }
    const NodeRt* dep = Lookup(ref);
    if (dep != nullptr && !dep->has_observed) {
      return DataPending(std::string(owner) + ": expression " + Quote(src.original) +
                             " waits for resource " + Quote(ref),
                         src.rgd_path);
    }
  }
  cel::Activation act(*e.program);
  const std::vector<std::string>& vars = e.program->variables();
  for (size_t slot = 0; slot < vars.size(); ++slot) {
    const std::string& name = vars[slot];
    if (auto it = extra.find(name); it != extra.end()) {
      act.BindSlot(static_cast<int>(slot), it->second);
    } else if (name == graph::kSchemaVarName) {
      act.BindSlot(static_cast<int>(slot), cel::Value::FromJson(schema_));
    } else if (const NodeRt* dep = Lookup(name); dep != nullptr && dep->has_observed) {
      act.BindSlot(static_cast<int>(slot), cel::Value::FromJson(dep->bound));
    }
  }
  ++evaluations_;
  cel::Value v = e.program->Evaluate(act);
  if (v.is_error()) {
    std::string msg = std::string(owner) + ": expression " + Quote(src.original) + ": " +
                      v.error_message();
    if (v.error_kind() == cel::ErrorKind::kBudgetExceeded) {
      msg += " (more than " + std::to_string(e.program->max_iterations()) +
             " comprehension iterations and cost units; evaluation stopped)";
    }
    if (IsDataPendingKind(v.error_kind())) {
      return DataPending(std::move(msg), src.rgd_path);
    }
    return InvalidArgument(std::move(msg), src.rgd_path);
  }
  return v;
}

Result<bool> Runtime::EvalBool(const CompiledExpression& e, std::string_view owner,
                               const Bindings& extra) {
  KRO_ASSIGN_OR_RETURN(cel::Value v, Eval(e, owner, extra));
  if (v.is(cel::ValueKind::kOptional)) {
    if (!v.optional_has_value()) {
      return false;
    }
    v = v.optional_value();
  }
  if (!v.is(cel::ValueKind::kBool)) {
    return InvalidArgument(std::string(owner) + ": expression " + Quote(e.source->original) +
                               " did not return bool (got " + std::string(v.TypeName()) + ")",
                           e.source->rgd_path);
  }
  return v.bool_value();
}

Result<bool> Runtime::IsIgnored(std::string_view id) {
  NodeRt* n = Lookup(id);
  if (n == nullptr) {
    return NotFound("unknown resource " + Quote(id));
  }
  if (n->ignored.has_value()) {
    return *n->ignored;
  }
  auto finish = [&](Result<bool> r) {
    n->ignored = r;
    return r;
  };
  const graph::Node& node = *n->compiled->node;
  // An ignored dependency makes this node ignored (upstream node.go IsIgnored).
  for (const std::string& dep : node.dependencies) {
    Result<bool> di = IsIgnored(dep);
    if (!di.ok()) {
      return finish(di.status());
    }
    if (*di) {
      return finish(true);
    }
  }
  if (n->compiled->include_when.empty()) {
    return finish(false);
  }
  std::string owner = "resource " + Quote(node.id) + " includeWhen";
  std::set<std::string> resource_refs;
  for (const CompiledExpression& e : n->compiled->include_when) {
    for (const std::string& ref : e.source->references) {
      if (Lookup(ref) != nullptr) {
        resource_refs.insert(ref);
      }
    }
  }
  for (const std::string& ref : resource_refs) {
    NodeRt* dep = Lookup(ref);
    Status st = CheckObservedReadiness(*dep);
    if (st.code() == ErrorCode::kDataPending) {
      return finish(DataPending(owner + ": dependency " + Quote(ref) + " not ready: " +
                                    st.message(),
                                node.rgd_path));
    }
    if (!st.ok()) {
      return finish(st);
    }
  }
  for (const CompiledExpression& e : n->compiled->include_when) {
    Result<bool> v = EvalBool(e, owner, {});
    if (!v.ok()) {
      // A condition on the instance alone that fails is a bug, never pending.
      if (v.status().code() == ErrorCode::kDataPending && resource_refs.empty()) {
        return finish(InvalidArgument(v.status().message(), v.status().location()));
      }
      return finish(v.status());
    }
    if (!*v) {
      return finish(true);
    }
  }
  return finish(false);
}

Status Runtime::CheckReadiness(std::string_view id) {
  NodeRt* n = Lookup(id);
  if (n == nullptr) {
    return NotFound("unknown resource " + Quote(id));
  }
  Result<bool> ignored = IsIgnored(id);
  if (!ignored.ok()) {
    return ignored.status();
  }
  if (*ignored) {
    return Status::Ok();
  }
  return CheckObservedReadiness(*n);
}

Status Runtime::CheckObservedReadiness(NodeRt& n) {
  const graph::Node& node = *n.compiled->node;
  std::string owner = "resource " + Quote(node.id) + " readyWhen";
  if (node.type == graph::NodeType::kExternalCollection) {
    if (n.compiled->ready_when.empty() || !n.has_observed) {
      return Status::Ok();
    }
  } else if (node.type == graph::NodeType::kCollection) {
    Result<std::vector<json::Value>> desired = GetDesired(node.id);
    if (!desired.ok()) {
      if (desired.status().code() == ErrorCode::kDataPending) {
        return DataPending("resource " + Quote(node.id) + ": collection not computed yet");
      }
      return desired.status();
    }
    if (desired->empty()) {
      return Status::Ok();
    }
    if (n.observed.size() < desired->size()) {
      return DataPending("resource " + Quote(node.id) + ": collection not ready: observed " +
                         std::to_string(n.observed.size()) + " but desired " +
                         std::to_string(desired->size()));
    }
  } else if (!n.has_observed) {
    return DataPending("resource " + Quote(node.id) + ": no observed state");
  }
  if (n.compiled->ready_when.empty()) {
    return Status::Ok();
  }
  if (IsCollection(n)) {
    for (size_t i = 0; i < n.observed.size(); ++i) {
      Bindings b;
      b.emplace(std::string(graph::kEachVarName), cel::Value::FromJson(n.observed[i]));
      for (const CompiledExpression& e : n.compiled->ready_when) {
        Result<bool> v = EvalBool(e, owner, b);
        if (!v.ok()) {
          return v.status();
        }
        if (!*v) {
          return DataPending("readyWhen condition evaluated to false: " +
                             Quote(e.source->original) + " (item " + std::to_string(i) + ")");
        }
      }
    }
    return Status::Ok();
  }
  for (const CompiledExpression& e : n.compiled->ready_when) {
    Result<bool> v = EvalBool(e, owner, {});
    if (!v.ok()) {
      return v.status();
    }
    if (!*v) {
      return DataPending("readyWhen condition evaluated to false: " + Quote(e.source->original));
    }
  }
  return Status::Ok();
}

Result<std::vector<json::Value>> Runtime::GetDesired(std::string_view id) {
  NodeRt* n = Lookup(id);
  if (n == nullptr) {
    return NotFound("unknown resource " + Quote(id));
  }
  if (n->desired.has_value()) {
    return *n->desired;
  }
  const graph::Node& node = *n->compiled->node;
  for (const std::string& dep : node.dependencies) {
    Status st = CheckReadiness(dep);
    if (st.code() == ErrorCode::kDataPending) {
      return DataPending("resource " + Quote(node.id) + ": dependency " + Quote(dep) +
                             " not ready: " + st.message(),
                         node.rgd_path);
    }
    if (!st.ok()) {
      return st;
    }
  }
  Result<std::vector<json::Value>> r = Resolve(*n);
  // Pending results are not cached: a later SetObserved may unblock them.
  if (r.ok() || r.status().code() != ErrorCode::kDataPending) {
    n->desired = r;
  }
  return r;
}

void Runtime::NormalizeNamespace(const NodeRt& n, json::Value& obj) const {
  if (!n.compiled->node->namespaced || instance_namespace_.empty() || !obj.is_object()) {
    return;
  }
  json::Value& md = obj.as_object()["metadata"];
  if (!md.is_object()) {
    md = json::Object();
  }
  const json::Value* ns = md.as_object().if_contains("namespace");
  if (ns == nullptr || !ns->is_string() || ns->as_string().empty()) {
    md.as_object()["namespace"] = json::String(instance_namespace_);
  }
}

Result<std::vector<json::Value>> Runtime::Resolve(NodeRt& n) {
  const CompiledNode& cn = *n.compiled;
  const graph::Node& node = *cn.node;
  std::string owner = "resource " + Quote(node.id);
  std::map<std::string, bool> expression_paths;
  std::vector<std::string> iterator_names;
  for (const CompiledForEach& d : cn.for_each) {
    iterator_names.push_back(d.name);
  }
  auto uses_iterator = [&](const CompiledExpression& e) {
    for (const std::string& ref : e.source->references) {
      if (Contains(iterator_names, ref)) {
        return true;
      }
    }
    return false;
  };
  // The value of template expression `e`, or the field's path in `omitted` for omit().
  auto field_value = [&](const CompiledExpression& e, const Bindings& b,
                         std::map<std::string, json::Value>& values,
                         std::set<std::string>& omitted) -> Status {
    KRO_ASSIGN_OR_RETURN(cel::Value v, Eval(e, owner, b));
    Result<std::optional<json::Value>> j = CelToJsonField(v);
    if (!j.ok()) {
      return InvalidArgument(owner + ": expression " + Quote(e.source->original) + ": " +
                                 j.status().message(),
                             e.source->rgd_path);
    }
    if (j->has_value()) {
      values[e.source->field_path] = std::move(**j);
    } else {
      omitted.insert(e.source->field_path);
    }
    return Status::Ok();
  };
  // Expressions that do not read an iterator are evaluated once.
  std::map<std::string, json::Value> base_values;
  std::set<std::string> base_omitted;
  for (const CompiledExpression& e : cn.variables) {
    expression_paths[e.source->field_path] = true;
    if (uses_iterator(e)) {
      continue;
    }
    KRO_RETURN_IF_ERROR(field_value(e, {}, base_values, base_omitted));
  }
  std::vector<json::Value> out;
  if (node.type != graph::NodeType::kCollection) {
    json::Value obj = RenderTemplate(node.template_, "", base_values, expression_paths, false,
                                     base_omitted);
    if (node.type != graph::NodeType::kExternalCollection) {
      NormalizeNamespace(n, obj);
    }
    out.push_back(std::move(obj));
    return out;
  }

  // forEach: the cartesian product of every dimension (upstream collection.go), first
  // dimension outermost.
  std::vector<cel::Value> dims;
  size_t total = 1;
  for (const CompiledForEach& d : cn.for_each) {
    KRO_ASSIGN_OR_RETURN(cel::Value v, Eval(d.expression, owner + " forEach", {}));
    if (!v.is(cel::ValueKind::kList)) {
      return InvalidArgument(owner + ": forEach " + Quote(d.name) + " did not return a list (got " +
                                 std::string(v.TypeName()) + ")",
                             d.expression.source->rgd_path);
    }
    if (v.list_size() == 0) {
      return out;
    }
    total *= v.list_size();
    if (total > static_cast<size_t>(options_.max_collection_size)) {
      return InvalidArgument(owner + ": collection size of " + std::to_string(total) +
                                 " is over the maximum collection size of " +
                                 std::to_string(options_.max_collection_size),
                             node.rgd_path);
    }
    dims.push_back(std::move(v));
  }
  std::vector<size_t> idx(dims.size(), 0);
  std::set<std::string> identities;
  for (size_t item = 0; item < total; ++item) {
    Bindings b;
    for (size_t d = 0; d < dims.size(); ++d) {
      b.emplace(cn.for_each[d].name, dims[d].list_at(idx[d]));
    }
    std::map<std::string, json::Value> values = base_values;
    std::set<std::string> omitted = base_omitted;
    for (const CompiledExpression& e : cn.variables) {
      if (!uses_iterator(e)) {
        continue;
      }
      KRO_RETURN_IF_ERROR(field_value(e, b, values, omitted));
    }
    json::Value obj =
        RenderTemplate(node.template_, "", values, expression_paths, false, omitted);
    NormalizeNamespace(n, obj);
    if (obj.is_object()) {
      json::Value& md = obj.as_object()["metadata"];
      if (!md.is_object()) {
        md = json::Object();
      }
      json::Value& labels = md.as_object()["labels"];
      if (!labels.is_object()) {
        labels = json::Object();
      }
      labels.as_object()[api::kCollectionIndexLabel] = json::String(std::to_string(item));
    }
    std::string identity = StringAt(obj, "metadata.namespace") + "/" + StringAt(obj, "metadata.name");
    if (!identities.insert(identity).second) {
      return InvalidArgument(owner + " identity collision: two items render to " + identity,
                             node.rgd_path);
    }
    out.push_back(std::move(obj));
    for (size_t d = dims.size(); d-- > 0;) {
      if (++idx[d] < dims[d].list_size()) {
        break;
      }
      idx[d] = 0;
    }
  }
  return out;
}

StatusProjection Runtime::ProjectStatus() {
  StatusProjection p;
  std::map<std::string, json::Value> values;
  std::map<std::string, bool> expression_paths;
  constexpr std::string_view kPrefix = "status.";
  for (const CompiledExpression& e : graph_->status()) {
    if (IsAuthorConditionPath(e.source->field_path)) continue;  // EvaluateAuthorConditions
    std::string rel = e.source->field_path.substr(
        e.source->field_path.rfind(kPrefix, 0) == 0 ? kPrefix.size() : 0);
    expression_paths[rel] = true;
    Result<cel::Value> v = Eval(e, "instance status field " + Quote(rel), {});
    if (!v.ok()) {
      if (v.status().code() == ErrorCode::kDataPending) {
        p.pending.push_back(e.source->field_path);
      } else {
        p.errors.push_back(v.status());
      }
      continue;
    }
    Result<json::Value> j = CelToJson(*v);
    if (!j.ok()) {
      p.errors.push_back(InvalidArgument("instance status field " + Quote(rel) + ": " +
                                             j.status().message(),
                                         e.source->rgd_path));
      continue;
    }
    values[rel] = std::move(*j);
  }
  const json::Value& tmpl = graph_->graph().status_template;
  if (!tmpl.is_object()) {
    return p;
  }
  json::Value rendered = RenderTemplate(tmpl, "", values, expression_paths, true);
  if (rendered.is_object()) {
    p.fields = std::move(rendered.as_object());
  }
  // kro owns these two (author conditions come from EvaluateAuthorConditions).
  p.fields.erase("state");
  p.fields.erase("conditions");
  return p;
}

}  // namespace kro::runtime
