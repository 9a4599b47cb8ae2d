#include "kro/schema/cel_types.h"

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>

namespace kro::schema {
namespace {

constexpr std::array<std::string_view, 21> kReserved = {
    "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
    "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void",
    "while",
};

// Kubernetes' WithTypeAndObjectMeta: the root of an embedded resource always has apiVersion,
// kind and metadata.name/generateName; if any is missing, metadata is replaced by just those two.
bool HasTypeAndObjectMeta(const SchemaView& s) {
  SchemaView md = s.Property("metadata");
  return s.Property("kind").Type() == "string" && s.Property("apiVersion").Type() == "string" &&
         md.Type() == "object" && md.Property("name").Type() == "string" &&
         md.Property("generateName").Type() == "string";
}

// The CEL type of schema node `s` for a value whose struct type (if it is an object) is called
// `name`. nullopt: no CEL type. Never descends into struct fields (those are lazy).
std::optional<cel::Type> CelTypeOf(const SchemaView& s, const std::string& name) {
  if (!s.valid() || !s.node()->is_object()) {
    return std::nullopt;
  }
  if (s.IntOrString()) {
    return cel::Type::Dyn();
  }
  std::string type = s.Type();
  if (type == "array") {
    auto elem = CelTypeOf(s.Items(), name + ".@idx");
    if (!elem) {
      return std::nullopt;
    }
    return cel::Type::List(*elem);
  }
  if (type == "object") {
    SchemaView additional = s.AdditionalProperties();
    if (additional.valid()) {
      auto value_type = CelTypeOf(additional, name + ".@elem");
      return cel::Type::Map(cel::Type::String(), value_type.value_or(cel::Type::Dyn()));
    }
    return cel::Type::Struct(name);
  }
  if (type == "string") {
    std::string_view format = s.StringMember("format");
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
                                                         SchemaView schema, bool as_list) {
  std::string root = std::string(kTypeNamePrefix) + std::string(var);
  {
    // Drop the variable's earlier types ("__type_x" and "__type_x.*").
    std::lock_guard<std::mutex> lock(mu_);
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
  }
  roots_[root] = Root{schema, as_list};
  if (as_list) {
    auto elem = CelTypeOf(schema, root + ".@idx");
    if (!elem) {
      return std::nullopt;
    }
    return cel::Type::List(*elem);
  }
  return CelTypeOf(schema, root);
}

std::optional<cel::Type> SchemaTypeProvider::AddVariable(std::string_view var,
                                                         const json::Value& schema) {
  auto doc = std::make_shared<const json::Value>(schema);
  return AddVariable(var, SchemaView(doc, doc.get()), false);
}

std::optional<SchemaTypeProvider::Location> SchemaTypeProvider::Locate(
    std::string_view name) const {
  if (name.substr(0, kTypeNamePrefix.size()) != kTypeNamePrefix) {
    return std::nullopt;
  }
  size_t dot = name.find('.', kTypeNamePrefix.size());
  auto root = roots_.find(name.substr(0, dot));
  if (root == roots_.end()) {
    return std::nullopt;
  }
  Location at{root->second.view, false, false};
  bool list_root = root->second.as_list;
  // Walk the rest of the name: ".field" (escaped), ".@idx" (list element), ".@elem" (map value).
  while (dot != std::string_view::npos) {
    size_t next = name.find('.', dot + 1);
    std::string_view seg = next == std::string_view::npos ? name.substr(dot + 1)
                                                          : name.substr(dot + 1, next - dot - 1);
    dot = next;
    if (at.meta_stub) {
      return std::nullopt;  // the stub's fields are strings
    }
    if (list_root) {
      if (seg != "@idx") {
        return std::nullopt;
      }
      list_root = false;  // the root view is already the element's schema
    } else if (seg == "@idx") {
      at.view = at.view.Items();
    } else if (seg == "@elem") {
      at.view = at.view.AdditionalProperties();
    } else if (seg == "metadata" && at.embedded && !HasTypeAndObjectMeta(at.view)) {
      at.meta_stub = true;
      continue;
    } else {
      const json::Object* props = at.view.Properties();
      if (props == nullptr) {
        return std::nullopt;
      }
      SchemaView found;
      for (const auto& kv : *props) {
        auto escaped = EscapeFieldName(kv.key());
        if (escaped && *escaped == seg) {
          found = at.view.Wrap(&kv.value());
          break;
        }
      }
      at.view = found;
    }
    if (!at.view.valid()) {
      return std::nullopt;
    }
    at.embedded = at.view.EmbeddedResource();
  }
  if (list_root) {
    return std::nullopt;  // the variable itself is a list
  }
  return at;
}

SchemaTypeProvider::StructDef SchemaTypeProvider::BuildStruct(const Location& at,
                                                              const std::string& name) const {
  StructDef def;
  if (at.meta_stub) {
    def.fields = {{"generateName", cel::Type::String()}, {"name", cel::Type::String()}};
    return def;
  }
  def.identity = at.view.node();
  def.preserve_unknown_fields = at.view.PreserveUnknownFields();
  bool add_meta = at.embedded && !HasTypeAndObjectMeta(at.view);
  if (const json::Object* props = at.view.Properties()) {
    def.fields.reserve(props->size() + (add_meta ? 3 : 0));
    for (const auto& kv : *props) {
      auto escaped = EscapeFieldName(kv.key());
      if (!escaped) {
        continue;  // not selectable from CEL
      }
      if (add_meta && (*escaped == "kind" || *escaped == "apiVersion" || *escaped == "metadata")) {
        continue;
      }
      auto field_type = CelTypeOf(at.view.Wrap(&kv.value()), name + "." + *escaped);
      if (field_type) {
        def.fields.emplace_back(std::move(*escaped), std::move(*field_type));
      }
    }
  }
  if (add_meta) {
    def.fields.emplace_back("kind", cel::Type::String());
    def.fields.emplace_back("apiVersion", cel::Type::String());
    def.fields.emplace_back("metadata", cel::Type::Struct(name + ".metadata"));
  }
  std::sort(def.fields.begin(), def.fields.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return def;
}

const SchemaTypeProvider::StructDef* SchemaTypeProvider::FindStruct(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = structs_.find(name);
  if (it != structs_.end()) {
    return &it->second;
  }
  std::optional<Location> at = Locate(name);
  if (!at) {
    return nullptr;
  }
  std::string key(name);
  if (!at->meta_stub) {
    // Only objects without an additionalProperties schema are structs.
    std::optional<cel::Type> t = CelTypeOf(at->view, key);
    if (!t || t->kind() != cel::TypeKind::kStruct) {
      return nullptr;
    }
  }
  StructDef def = BuildStruct(*at, key);
  return &structs_.emplace(std::move(key), std::move(def)).first->second;
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
