#include "kro/schema/cel_types.h"

#include <algorithm>
#include <array>

namespace kro::schema {
namespace {

constexpr std::array<std::string_view, 21> kReserved = {
    "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
    "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void",
    "while",
};

const json::Object* AsObject(const json::Value* v) {
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

std::string_view StringAt(const json::Object& o, std::string_view key) {
  const json::Value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

bool BoolAt(const json::Object& o, std::string_view key) {
  const json::Value* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

bool HasType(const json::Object* props, std::string_view name, std::string_view type) {
  const json::Object* p = props != nullptr ? AsObject(props->if_contains(name)) : nullptr;
  return p != nullptr && StringAt(*p, "type") == type;
}

json::Object StringSchema() {
  json::Object s;
  s["type"] = "string";
  return s;
}

// Kubernetes' WithTypeAndObjectMeta: the root of a resource always has apiVersion, kind and
// metadata.name/generateName; if any is missing, metadata is replaced by just those two.
json::Object WithTypeAndObjectMeta(const json::Object& s) {
  const json::Object* props = AsObject(s.if_contains("properties"));
  const json::Object* meta = props != nullptr ? AsObject(props->if_contains("metadata")) : nullptr;
  const json::Object* meta_props = meta != nullptr ? AsObject(meta->if_contains("properties"))
                                                   : nullptr;
  if (HasType(props, "kind", "string") && HasType(props, "apiVersion", "string") &&
      HasType(props, "metadata", "object") && HasType(meta_props, "name", "string") &&
      HasType(meta_props, "generateName", "string")) {
    return s;
  }
  json::Object out = s;
  json::Object new_props = props != nullptr ? *props : json::Object();
  new_props["kind"] = StringSchema();
  new_props["apiVersion"] = StringSchema();
  json::Object metadata;
  metadata["type"] = "object";
  json::Object mp;
  mp["name"] = StringSchema();
  mp["generateName"] = StringSchema();
  metadata["properties"] = std::move(mp);
  new_props["metadata"] = std::move(metadata);
  out["properties"] = std::move(new_props);
  return out;
}

}  // namespace

bool IsCelReservedWord(std::string_view name) {
  return std::find(kReserved.begin(), kReserved.end(), name) != kReserved.end();
}

std::optional<std::string> EscapeFieldName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
    return std::nullopt;
  }
  if (IsCelReservedWord(name)) {
    return "__" + std::string(name) + "__";
  }
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (c == '_' && i + 1 < name.size() && name[i + 1] == '_') {
      out += "__underscores__";
      ++i;
    } else if (c == '.') {
      out += "__dot__";
    } else if (c == '-') {
      out += "__dash__";
    } else if (c == '/') {
      out += "__slash__";
    } else if (alnum || c == '_') {
      out.push_back(c);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<cel::Type> SchemaTypeProvider::AddVariable(std::string_view var,
                                                         const json::Value& schema) {
  std::string root = std::string(kTypeNamePrefix) + std::string(var);
  // Drop the variable's earlier types ("__type_x" and "__type_x.*").
  for (auto it = structs_.lower_bound(root); it != structs_.end();) {
    const std::string& n = it->first;
    if (n.compare(0, root.size(), root) != 0) {
      break;
    }
    if (n.size() == root.size() || n[root.size()] == '.') {
      it = structs_.erase(it);
    } else {
      ++it;
    }
  }
  return Convert(schema, root, false);
}

std::optional<cel::Type> SchemaTypeProvider::Convert(const json::Value& value,
                                                     const std::string& name,
                                                     bool resource_root) {
  const json::Object* in = AsObject(&value);
  if (in == nullptr) {
    return std::nullopt;
  }
  if (BoolAt(*in, "x-kubernetes-int-or-string")) {
    return cel::Type::Dyn();
  }
  json::Object rooted;
  const json::Object* s = in;
  if (resource_root) {
    rooted = WithTypeAndObjectMeta(*in);
    s = &rooted;
  }
  std::string_view type = StringAt(*s, "type");
  if (type == "array") {
    const json::Value* items = s->if_contains("items");
    if (items == nullptr || !items->is_object()) {
      return std::nullopt;
    }
    auto elem = Convert(*items, name + ".@idx",
                        BoolAt(items->get_object(), "x-kubernetes-embedded-resource"));
    if (!elem) {
      return std::nullopt;
    }
    return cel::Type::List(*elem);
  }
  if (type == "object") {
    if (const json::Object* additional = AsObject(s->if_contains("additionalProperties"))) {
      auto value_type = Convert(json::Value(*additional), name + ".@elem",
                                BoolAt(*additional, "x-kubernetes-embedded-resource"));
      return cel::Type::Map(cel::Type::String(), value_type.value_or(cel::Type::Dyn()));
    }
    StructDef def;
    def.preserve_unknown_fields = BoolAt(*s, "x-kubernetes-preserve-unknown-fields");
    if (const json::Object* props = AsObject(s->if_contains("properties"))) {
      for (const auto& kv : *props) {
        auto escaped = EscapeFieldName(kv.key());
        if (!escaped) {
          continue;  // not selectable from CEL
        }
        const json::Value& prop = kv.value();
        bool embedded =
            prop.is_object() && BoolAt(prop.get_object(), "x-kubernetes-embedded-resource");
        auto field_type = Convert(prop, name + "." + *escaped, embedded);
        if (field_type) {
          def.fields.emplace_back(*escaped, *field_type);
        }
      }
    }
    std::sort(def.fields.begin(), def.fields.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    structs_[name] = std::move(def);
    return cel::Type::Struct(name);
  }
  if (type == "string") {
    std::string_view format = StringAt(*s, "format");
    if (format == "byte") {
      return cel::Type::Bytes();
    }
    if (format == "duration") {
      return cel::Type::Duration();
    }
    if (format == "date" || format == "date-time") {
      return cel::Type::Timestamp();
    }
    return cel::Type::String();
  }
  if (type == "boolean") {
    return cel::Type::Bool();
  }
  if (type == "number") {
    return cel::Type::Double();
  }
  if (type == "integer") {
    return cel::Type::Int();
  }
  return std::nullopt;
}

const SchemaTypeProvider::StructDef* SchemaTypeProvider::FindStruct(std::string_view name) const {
  auto it = structs_.find(name);
  return it == structs_.end() ? nullptr : &it->second;
}

std::optional<cel::Type> SchemaTypeProvider::FindStructType(std::string_view name) const {
  if (FindStruct(name) == nullptr) {
    return std::nullopt;
  }
  return cel::Type::Struct(std::string(name));
}

std::optional<cel::FieldType> SchemaTypeProvider::FindFieldType(std::string_view struct_name,
                                                                std::string_view field) const {
  const StructDef* def = FindStruct(struct_name);
  if (def == nullptr) {
    return std::nullopt;
  }
  auto lookup = [&](std::string_view f) -> std::optional<cel::FieldType> {
    auto it = std::lower_bound(def->fields.begin(), def->fields.end(), f,
                               [](const auto& a, std::string_view b) { return a.first < b; });
    if (it != def->fields.end() && it->first == f) {
      return cel::FieldType{it->second};
    }
    return std::nullopt;
  };
  if (auto found = lookup(field)) {
    return found;
  }
  // kro: reserved words may be selected without escaping.
  if (IsCelReservedWord(field)) {
    if (auto found = lookup("__" + std::string(field) + "__")) {
      return found;
    }
  }
  if (def->preserve_unknown_fields) {
    return cel::FieldType{cel::Type::Dyn()};
  }
  return std::nullopt;
}

bool SchemaTypeProvider::PreservesUnknownFields(std::string_view struct_name) const {
  const StructDef* def = FindStruct(struct_name);
  return def != nullptr && def->preserve_unknown_fields;
}

}  // namespace kro::schema
