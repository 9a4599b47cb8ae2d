#include "kro/schema/crd.h"

#include <string_view>
#include <utility>

#include "kro/schema/pluralize.h"
#include "kro/schema/simpleschema/transform.h"

namespace kro::schema {
namespace {

json::Object TypeOnly(std::string_view type) {
  json::Object o;
  o["type"] = type;
  return o;
}

json::Object Column(std::string_view name, std::string_view type, std::string_view description,
                    std::string_view json_path) {
  json::Object c;
  c["description"] = description;
  c["jsonPath"] = json_path;
  c["name"] = name;
  c["type"] = type;
  return c;
}

// A printer column as Go's typed CustomResourceColumnDefinition would round-trip it: known
// fields only, zero values (priority 0, empty strings) omitted.
json::Value NormalizeColumn(const json::Value& in) {
  if (!in.is_object()) {
    return in;
  }
  json::Object out;
  for (const char* key : {"description", "format", "jsonPath", "name", "type"}) {
    const json::Value* v = in.get_object().if_contains(key);
    if (v != nullptr && !(v->is_string() && v->get_string().empty()) && !v->is_null()) {
      out[key] = *v;
    }
  }
  const json::Value* p = in.get_object().if_contains("priority");
  if (p != nullptr && p->is_int64() && p->get_int64() != 0) {
    out["priority"] = *p;
  }
  return out;
}

json::Value StatusWithDefaults(const json::Value& status_schema, bool add_defaults) {
  json::Object status = status_schema.is_object() ? status_schema.get_object() : json::Object();
  if (add_defaults) {
    json::Value& props = status["properties"];
    if (!props.is_object()) {
      props = json::Object();
    }
    json::Object& p = props.get_object();
    if (!p.contains("state")) {
      p["state"] = TypeOnly("string");
    }
    if (!p.contains("conditions")) {
      p["conditions"] = DefaultConditionsSchema();
    }
  }
  if (const json::Value* props = status.if_contains("properties");
      props != nullptr && props->is_object() && props->get_object().empty()) {
    status.erase("properties");  // omitempty
  }
  return simpleschema::SortKeys(status);
}

Result<std::string> StringField(const json::Object& o, std::string_view key, bool required) {
  const json::Value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) {
      return InvalidArgument("schema." + std::string(key) + ": required");
    }
    return std::string();
  }
  if (!v->is_string()) {
    return InvalidArgument("schema." + std::string(key) + ": must be a string");
  }
  return std::string(v->get_string());
}

Result<std::map<std::string, std::string>> StringMap(const json::Object& o, std::string_view key,
                                                     std::string_view path) {
  std::map<std::string, std::string> out;
  const json::Value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  if (!v->is_object()) {
    return InvalidArgument(std::string(path) + ": must be a map of strings");
  }
  for (const auto& kv : v->get_object()) {
    if (!kv.value().is_string()) {
      return InvalidArgument(json::AppendField(path, kv.key()) + ": must be a string");
    }
    out[std::string(kv.key())] = std::string(kv.value().get_string());
  }
  return out;
}

Result<std::vector<std::string>> StringList(const json::Object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::Value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  if (!v->is_array()) {
    return InvalidArgument("schema." + std::string(key) + ": must be a list of strings");
  }
  for (const json::Value& e : v->get_array()) {
    if (!e.is_string()) {
      return InvalidArgument("schema." + std::string(key) + ": must be a list of strings");
    }
    out.emplace_back(e.get_string());
  }
  return out;
}

json::Array ToArray(const std::vector<std::string>& v) {
  json::Array a;
  for (const std::string& s : v) {
    a.emplace_back(s);
  }
  return a;
}

}  // namespace

json::Array DefaultPrinterColumns() {
  json::Array cols;
  cols.push_back(Column("State", "string", "The state of a ResourceGraphDefinition instance",
                        ".status.state"));
  cols.push_back(Column("Ready", "string", "Whether a ResourceGraphDefinition instance is ready",
                        ".status.conditions[?(@.type==\"Ready\")].status"));
  cols.push_back(Column("Age", "date", "Age of the resource", ".metadata.creationTimestamp"));
  return cols;
}

json::Value DefaultConditionsSchema() {
  json::Object props;
  props["lastTransitionTime"] = TypeOnly("string");
  props["message"] = TypeOnly("string");
  props["observedGeneration"] = TypeOnly("integer");
  props["reason"] = TypeOnly("string");
  props["status"] = TypeOnly("string");
  props["type"] = TypeOnly("string");
  json::Object item = TypeOnly("object");
  item["properties"] = std::move(props);
  json::Object list;
  list["items"] = std::move(item);
  list["type"] = "array";
  return simpleschema::SortKeys(list);
}

Result<CrdOptions> CrdOptionsFromRgdSchema(const json::Value& rgd_schema) {
  if (!rgd_schema.is_object()) {
    return InvalidArgument("schema: must be an object");
  }
  const json::Object& o = rgd_schema.get_object();
  CrdOptions opts;
  KRO_ASSIGN_OR_RETURN(opts.kind, StringField(o, "kind", true));
  KRO_ASSIGN_OR_RETURN(opts.api_version, StringField(o, "apiVersion", true));
  KRO_ASSIGN_OR_RETURN(std::string group, StringField(o, "group", false));
  if (!group.empty()) {
    opts.group = group;
  }
  KRO_ASSIGN_OR_RETURN(std::string scope, StringField(o, "scope", false));
  if (!scope.empty()) {
    if (scope != "Namespaced" && scope != "Cluster") {
      return InvalidArgument("schema.scope: must be Namespaced or Cluster, got " + scope);
    }
    opts.scope = scope;
  }
  if (const json::Value* cols = o.if_contains("additionalPrinterColumns");
      cols != nullptr && !cols->is_null()) {
    if (!cols->is_array()) {
      return InvalidArgument("schema.additionalPrinterColumns: must be a list");
    }
    opts.printer_columns = cols->get_array();
  }
  KRO_ASSIGN_OR_RETURN(opts.short_names, StringList(o, "shortNames"));
  KRO_ASSIGN_OR_RETURN(opts.categories, StringList(o, "categories"));
  if (const json::Value* md = o.if_contains("metadata"); md != nullptr && !md->is_null()) {
    if (!md->is_object()) {
      return InvalidArgument("schema.metadata: must be an object");
    }
    KRO_ASSIGN_OR_RETURN(opts.labels,
                         StringMap(md->get_object(), "labels", "schema.metadata.labels"));
    KRO_ASSIGN_OR_RETURN(opts.annotations, StringMap(md->get_object(), "annotations",
                                                     "schema.metadata.annotations"));
  }
  return opts;
}

json::Value SynthesizeCrd(const CrdOptions& options, const json::Value& spec_schema,
                          const json::Value& status_schema, bool add_default_status_fields) {
  std::string singular = options.kind;
  for (char& c : singular) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string plural = Pluralize(singular);
  std::string group = options.group.empty() ? "kro.run" : options.group;

  json::Object metadata;
  metadata["name"] = plural + "." + group;
  if (!options.labels.empty()) {
    json::Object labels;
    for (const auto& [k, v] : options.labels) {
      labels[k] = v;
    }
    metadata["labels"] = std::move(labels);
  }
  if (!options.annotations.empty()) {
    json::Object annotations;
    for (const auto& [k, v] : options.annotations) {
      annotations[k] = v;
    }
    metadata["annotations"] = std::move(annotations);
  }

  json::Object props;
  props["apiVersion"] = TypeOnly("string");
  props["kind"] = TypeOnly("string");
  props["metadata"] = TypeOnly("object");
  props["spec"] = spec_schema.is_object() ? spec_schema : json::Value(json::Object());
  props["status"] = StatusWithDefaults(status_schema, add_default_status_fields);
  json::Object root = TypeOnly("object");
  root["properties"] = std::move(props);

  json::Array columns;
  if (options.printer_columns.empty()) {
    columns = DefaultPrinterColumns();
  } else {
    for (const json::Value& c : options.printer_columns) {
      columns.push_back(NormalizeColumn(c));
    }
  }

  json::Object version;
  version["name"] = options.api_version;
  version["served"] = true;
  version["storage"] = true;
  json::Object schema;
  schema["openAPIV3Schema"] = std::move(root);
  version["schema"] = std::move(schema);
  json::Object subresources;
  subresources["status"] = json::Object();
  version["subresources"] = std::move(subresources);
  version["additionalPrinterColumns"] = std::move(columns);

  json::Object names;
  names["kind"] = options.kind;
  names["listKind"] = options.kind + "List";
  names["plural"] = plural;
  names["singular"] = singular;
  if (!options.short_names.empty()) {
    names["shortNames"] = ToArray(options.short_names);
  }
  if (!options.categories.empty()) {
    names["categories"] = ToArray(options.categories);
  }

  json::Object spec;
  spec["group"] = group;
  spec["names"] = std::move(names);
  spec["scope"] = options.scope.empty() ? "Namespaced" : options.scope;
  spec["versions"] = json::Array{json::Value(std::move(version))};

  json::Object crd;
  crd["apiVersion"] = "apiextensions.k8s.io/v1";
  crd["kind"] = "CustomResourceDefinition";
  crd["metadata"] = std::move(metadata);
  crd["spec"] = std::move(spec);
  return simpleschema::SortKeys(crd);
}

void SetCrdStatus(json::Value& crd, const json::Value& status_schema,
                  bool add_default_status_fields) {
  json::Value* props = nullptr;
  if (crd.is_object()) {
    if (json::Value* versions = crd.get_object().contains("spec")
                                    ? crd.at("spec").get_object().if_contains("versions")
                                    : nullptr;
        versions != nullptr && versions->is_array() && !versions->get_array().empty()) {
      json::Value& v0 = versions->get_array()[0];
      if (v0.is_object() && v0.get_object().contains("schema")) {
        props = v0.at("schema").get_object().if_contains("openAPIV3Schema");
        if (props != nullptr && props->is_object()) {
          props = props->get_object().if_contains("properties");
        }
      }
    }
  }
  if (props == nullptr || !props->is_object()) {
    return;
  }
  props->get_object()["status"] = StatusWithDefaults(status_schema, add_default_status_fields);
}

}  // namespace kro::schema
