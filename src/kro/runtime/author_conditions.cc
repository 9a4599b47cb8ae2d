#include "kro/runtime/author_conditions.h"

#include <map>
#include <utility>

#include "kro/graph/graph.h"
#include "kro/runtime/runtime.h"

namespace kro::runtime {

namespace {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string StringEntry(const cel::Value& m, std::string_view key) {
  std::optional<cel::Value> v = m.map_find_string(key);
  return v && v->is(cel::ValueKind::kString) ? std::string(v->str()) : std::string();
}

bool IsConditionValue(const cel::Value& v) {
  return v.is(cel::ValueKind::kMap) && v.map_find_string("type") &&
         v.map_find_string("status");
}

// The conditions `v` holds (one, or a list of them); InvalidArgument for anything else.
Result<std::vector<AuthorCondition>> Flatten(const cel::Value& v, const graph::Expression& src) {
  auto one = [](const cel::Value& c) {
    return AuthorCondition{StringEntry(c, "type"), StringEntry(c, "status"),
                           StringEntry(c, "reason"), StringEntry(c, "message")};
  };
  std::vector<AuthorCondition> out;
  if (IsConditionValue(v)) {
    out.push_back(one(v));
    return out;
  }
  if (v.is(cel::ValueKind::kList)) {
    for (size_t i = 0; i < v.list_size(); ++i) {
      cel::Value e = v.list_at(i);
      if (!IsConditionValue(e)) {
        return InvalidArgument("condition " + Quote(src.original) +
                                   ": list element is not a condition (got " +
                                   std::string(e.TypeName()) + ")",
                               src.rgd_path);
      }
      out.push_back(one(e));
    }
    return out;
  }
  return InvalidArgument("condition " + Quote(src.original) +
                             " must return runtime.newCondition(...) or a list of them, got " +
                             std::string(v.TypeName()),
                         src.rgd_path);
}

}  // namespace

bool IsAuthorConditionPath(std::string_view field_path) {
  constexpr std::string_view kPath = "status.conditions";
  if (field_path.substr(0, kPath.size()) != kPath) return false;
  return field_path.size() == kPath.size() || field_path[kPath.size()] == '[' ||
         field_path[kPath.size()] == '.';
}

bool Runtime::HasAuthorConditions() const {
  for (const CompiledExpression& e : graph_->status()) {
    if (IsAuthorConditionPath(e.source->field_path)) return true;
  }
  return false;
}

AuthorConditions Runtime::EvaluateAuthorConditions(const std::vector<Condition>& builtins) {
  AuthorConditions out;
  // `schema`: the instance without its status, plus status.conditions = kro's built-ins.
  json::Array list;
  for (const Condition& c : builtins) {
    json::Object o;
    o["type"] = c.type;
    o["status"] = c.status;
    o["reason"] = c.reason;
    o["message"] = c.message;
    list.push_back(json::Value(std::move(o)));
  }
  json::Value schema = schema_;
  if (schema.is_object()) {
    json::Object status;
    status["conditions"] = json::Value(std::move(list));
    schema.as_object()["status"] = json::Value(std::move(status));
  }
  Bindings extra;
  extra[std::string(graph::kSchemaVarName)] = cel::Value::FromJson(schema);
  extra["runtime"] = cel::Value::Map({});
  std::vector<AuthorCondition> all;
  for (const CompiledExpression& e : graph_->status()) {
    if (!IsAuthorConditionPath(e.source->field_path)) continue;
    Result<cel::Value> v = Eval(e, "instance condition", extra);
    if (!v.ok()) {
      out.incomplete = true;
      if (v.status().code() != ErrorCode::kDataPending) out.errors.push_back(v.status());
      continue;
    }
    Result<std::vector<AuthorCondition>> conds = Flatten(*v, *e.source);
    if (!conds.ok()) {
      out.incomplete = true;
      out.errors.push_back(conds.status());
      continue;
    }
    for (AuthorCondition& c : *conds) all.push_back(std::move(c));
  }
  std::map<std::string, int> counts;
  for (const AuthorCondition& c : all) ++counts[c.type];
  std::string dups;
  for (const auto& [type, n] : counts) {
    if (n > 1) dups += (dups.empty() ? "" : ", ") + Quote(type);
  }
  for (AuthorCondition& c : all) {
    if (counts[c.type] == 1) out.conditions.push_back(std::move(c));
  }
  if (!dups.empty()) {
    out.incomplete = true;
    out.errors.push_back(InvalidArgument("duplicate condition type(s) " + dups + " dropped",
                                         "spec.schema.status.conditions"));
  }
  return out;
}

}  // namespace kro::runtime
