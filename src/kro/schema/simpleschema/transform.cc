#include "kro/schema/simpleschema/transform.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kro/schema/simpleschema/markers.h"
#include "kro/schema/simpleschema/types.h"

namespace kro::schema::simpleschema {
namespace {

// The Go type name upstream reports for an unexpected YAML value.
std::string GoTypeName(const json::Value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "<nil>";
    case boost::json::kind::bool_: return "bool";
    case boost::json::kind::array: return "[]interface {}";
    case boost::json::kind::string: return "string";
    case boost::json::kind::object: return "map[string]interface {}";
    default: return "float64";
  }
}

Status AtPath(std::string_view path, const Status& s) {
  return InvalidArgument(std::string(path) + ": " + s.message());
}

// Generated CRDs list `required` in byte order, whatever the field order in the RGD (upstream
// main sorts them so that reordering fields is not a schema change).
void SortRequired(json::Object& schema) {
  json::Value* req = schema.if_contains("required");
  if (req == nullptr || !req->is_array()) {
    return;
  }
  json::Array& a = req->get_array();
  std::sort(a.begin(), a.end(), [](const json::Value& x, const json::Value& y) {
    return x.is_string() && y.is_string() && x.get_string() < y.get_string();
  });
}

struct CustomType {
  json::Object schema;
  bool required = false;
};

// Builds schemas for one ToOpenApiSpec call. Custom types are built on first use (depth-first),
// which orders them by dependency like upstream's DAG and detects cycles.
class Transformer {
 public:
  explicit Transformer(const json::Object* types) : types_(types) {}

  Status LoadAllCustomTypes() {
    if (types_ == nullptr) {
      return Status::Ok();
    }
    for (const auto& [name, spec] : *types_) {
      (void)spec;
      KRO_RETURN_IF_ERROR(Resolve(name, "types").status());
    }
    return Status::Ok();
  }

  Result<json::Object> BuildObject(const json::Object& spec, const std::string& path) {
    json::Object schema;
    schema["type"] = "object";
    json::Object properties;
    bool child_has_default = false;
    for (const auto& [name, field_spec] : spec) {
      std::string field_path = json::AppendField(path, name);
      KRO_ASSIGN_OR_RETURN(json::Object field,
                           BuildField(name, field_spec, schema, field_path));
      child_has_default = child_has_default || field.contains("default");
      properties[name] = std::move(field);
    }
    if (!properties.empty()) {
      schema["properties"] = std::move(properties);
    }
    SortRequired(schema);
    // `default: {}` lets the apiserver materialise the object so the children's defaults apply;
    // it would violate the schema if the object had required fields.
    const json::Value* req = schema.if_contains("required");
    bool has_required = req != nullptr && !req->get_array().empty();
    if (!has_required && child_has_default && !schema.contains("default")) {
      schema["default"] = json::Object();
    }
    return schema;
  }

 private:
  Result<json::Object> BuildField(std::string_view name, const json::Value& spec,
                                  json::Object& parent, const std::string& path) {
    if (spec.is_string()) {
      return BuildFieldFromString(name, spec.get_string(), parent, path);
    }
    if (spec.is_object()) {
      return BuildObject(spec.get_object(), path);
    }
    return InvalidArgument(path + ": unexpected type: " + GoTypeName(spec));
  }

  Result<json::Object> BuildFieldFromString(std::string_view name, std::string_view text,
                                            json::Object& parent, const std::string& path) {
    auto field = ParseField(text);
    if (!field.ok()) {
      return AtPath(path, field.status());
    }
    KRO_ASSIGN_OR_RETURN(json::Object schema, TypeSchema(field->type, path));
    if (field->type.kind == TypeExpr::Kind::kCustom) {
      auto it = built_.find(field->type.name);
      if (it != built_.end() && it->second.required) {
        json::Value& req = parent["required"];
        if (!req.is_array()) {
          req = json::Array();
        }
        req.get_array().emplace_back(name);
      }
    }
    Status s = ApplyMarkers(field->markers, name, schema, parent);
    if (!s.ok()) {
      return AtPath(path, s);
    }
    return schema;
  }

  Result<json::Object> TypeSchema(const TypeExpr& t, const std::string& path) {
    json::Object schema;
    switch (t.kind) {
      case TypeExpr::Kind::kAtomic:
        schema["type"] = t.name == "float" ? "number" : t.name;
        return schema;
      case TypeExpr::Kind::kObject:
        schema["type"] = "object";
        schema["x-kubernetes-preserve-unknown-fields"] = true;
        return schema;
      case TypeExpr::Kind::kSlice: {
        KRO_ASSIGN_OR_RETURN(json::Object items, TypeSchema(t.elem.front(), path));
        schema["type"] = "array";
        schema["items"] = std::move(items);
        return schema;
      }
      case TypeExpr::Kind::kMap: {
        KRO_ASSIGN_OR_RETURN(json::Object values, TypeSchema(t.elem.front(), path));
        schema["type"] = "object";
        schema["additionalProperties"] = std::move(values);
        return schema;
      }
      case TypeExpr::Kind::kCustom: {
        KRO_ASSIGN_OR_RETURN(const CustomType* ct, Resolve(t.name, path));
        return ct->schema;
      }
    }
    return Internal("unhandled type kind");
  }

  // Returns the built custom type `name`, building it (and its dependencies) first if needed.
  // `path` is where the reference was made (for the "unknown type" message).
  Result<const CustomType*> Resolve(const std::string& name, const std::string& path) {
    if (auto it = built_.find(name); it != built_.end()) {
      return &it->second;
    }
    const json::Value* spec = types_ != nullptr ? types_->if_contains(name) : nullptr;
    if (spec == nullptr) {
      return InvalidArgument(path + ": unknown type: " + name);
    }
    if (auto it = std::find(building_.begin(), building_.end(), name); it != building_.end()) {
      std::string cycle;
      for (; it != building_.end(); ++it) {
        cycle += *it + " -> ";
      }
      return InvalidArgument("types." + building_.front() +
                             ": cyclic dependency between custom types: " + cycle + name);
    }
    building_.push_back(name);
    std::string type_path = json::AppendField("types", name);
    CustomType ct;
    if (spec->is_string()) {
      json::Object dummy_parent;
      KRO_ASSIGN_OR_RETURN(ct.schema,
                           BuildFieldFromString(name, spec->get_string(), dummy_parent, type_path));
      const json::Value* req = dummy_parent.if_contains("required");
      ct.required = req != nullptr && !req->get_array().empty();
    } else if (spec->is_object()) {
      KRO_ASSIGN_OR_RETURN(ct.schema, BuildObject(spec->get_object(), type_path));
    } else {
      return InvalidArgument(type_path + ": unexpected type: " + GoTypeName(*spec));
    }
    building_.pop_back();
    return &built_.emplace(name, std::move(ct)).first->second;
  }

  const json::Object* types_;
  std::map<std::string, CustomType, std::less<>> built_;
  std::vector<std::string> building_;
};

}  // namespace

json::Value SortKeys(const json::Value& v) {
  if (v.is_object()) {
    std::vector<std::pair<std::string_view, const json::Value*>> entries;
    for (const auto& kv : v.get_object()) {
      entries.emplace_back(kv.key(), &kv.value());
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    json::Object out;
    for (const auto& [k, child] : entries) {
      out[k] = SortKeys(*child);
    }
    return out;
  }
  if (v.is_array()) {
    json::Array out;
    for (const json::Value& e : v.get_array()) {
      out.push_back(SortKeys(e));
    }
    return out;
  }
  return v;
}

Result<json::Value> ToOpenApiSpec(const json::Value& spec, const json::Value& types,
                                  std::string_view spec_path) {
  static const json::Object kEmpty;
  const json::Object* spec_obj = &kEmpty;
  if (spec.is_object()) {
    spec_obj = &spec.get_object();
  } else if (!spec.is_null()) {
    return InvalidArgument(std::string(spec_path) +
                           ": must be a map of field names to SimpleSchema types");
  }
  const json::Object* types_obj = nullptr;
  if (types.is_object()) {
    types_obj = &types.get_object();
  } else if (!types.is_null()) {
    return InvalidArgument("types: must be a map of type names to SimpleSchema types");
  }
  Transformer t(types_obj);
  KRO_RETURN_IF_ERROR(t.LoadAllCustomTypes());
  KRO_ASSIGN_OR_RETURN(json::Object schema, t.BuildObject(*spec_obj, std::string(spec_path)));
  return SortKeys(schema);
}

}  // namespace kro::schema::simpleschema
