#include "kro/cli/example_instance.h"

namespace kro::cli {

namespace {

const json::Value* Member(const json::Value& v, std::string_view key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

std::string_view TypeOf(const json::Value& schema) {
  const json::Value* t = Member(schema, "type");
  return t != nullptr && t->is_string() ? std::string_view(t->as_string()) : std::string_view();
}

// minimum/maximum as a number of the schema's type (1 when unconstrained).
json::Value Number(const json::Value& schema, bool integer) {
  double v = 1;
  const json::Value* min = Member(schema, "minimum");
  const json::Value* max = Member(schema, "maximum");
  if (min != nullptr && min->is_number()) v = min->to_number<double>();
  if (max != nullptr && max->is_number() && max->to_number<double>() < v) {
    v = max->to_number<double>();
  }
  if (integer) return static_cast<int64_t>(v);
  return v;
}

}  // namespace

json::Value ExampleValue(const json::Value& schema, int depth) {
  const json::Value* def = Member(schema, "default");
  const json::Value* props = Member(schema, "properties");
  if (props != nullptr && props->is_object()) {
    // An object: its default (often {}), then an example for every field still missing.
    json::Object o = def != nullptr && def->is_object() ? def->as_object() : json::Object();
    if (depth < 16) {
      for (const auto& kv : props->as_object()) {
        if (!o.contains(kv.key())) o[kv.key()] = ExampleValue(kv.value(), depth + 1);
      }
    }
    return o;
  }
  if (def != nullptr) return *def;
  if (const json::Value* e = Member(schema, "enum"); e != nullptr && e->is_array() &&
                                                      !e->as_array().empty()) {
    return e->as_array()[0];
  }
  std::string_view type = TypeOf(schema);
  if (type == "string") {
    const json::Value* min = Member(schema, "minLength");
    std::string s = "example";
    if (min != nullptr && min->is_int64() && min->as_int64() > 7) {
      s.append(static_cast<size_t>(min->as_int64() - 7), 'x');
    }
    return json::Value(s);
  }
  if (type == "integer") return Number(schema, true);
  if (type == "number") return Number(schema, false);
  if (type == "boolean") return false;
  if (type == "array") {
    json::Array a;
    const json::Value* min = Member(schema, "minItems");
    const json::Value* items = Member(schema, "items");
    if (min != nullptr && min->is_int64() && min->as_int64() > 0 && items != nullptr &&
        depth < 16) {
      a.push_back(ExampleValue(*items, depth + 1));
    }
    return a;
  }
  return json::Object();
}

json::Value ExampleInstance(const graph::Graph& g) {
  json::Object inst;
  inst["apiVersion"] = g.group.empty() ? g.api_version : g.group + "/" + g.api_version;
  inst["kind"] = g.kind;
  json::Object md;
  md["name"] = "example";
  if (g.instance_namespaced) md["namespace"] = "default";
  inst["metadata"] = std::move(md);
  inst["spec"] = g.instance_schema.is_null() ? json::Value(json::Object())
                                             : ExampleValue(g.instance_schema);
  return inst;
}

}  // namespace kro::cli
