#include "kro/schema/status_schema.h"

#include <set>
#include <utility>
#include <vector>

#include "kro/schema/simpleschema/transform.h"

namespace kro::schema {
namespace {

json::Object Typed(std::string_view type) {
  json::Object o;
  o["type"] = type;
  return o;
}

json::Object PreserveUnknown(std::string_view description = {}) {
  json::Object o;
  if (!description.empty()) {
    o["description"] = description;
  }
  o["x-kubernetes-preserve-unknown-fields"] = true;
  return o;
}

json::Object ArrayOf(json::Object items) {
  json::Object o = Typed("array");
  o["items"] = std::move(items);
  return o;
}

json::Object MapOf(json::Object values) {
  json::Object o = Typed("object");
  o["additionalProperties"] = std::move(values);
  return o;
}

json::Object PermissiveObject() {
  json::Object o = Typed("object");
  o["additionalProperties"] = true;
  return o;
}

// upstream primitiveTypeToSchema.
bool PrimitiveSchema(const cel::Type& t, json::Object& out) {
  switch (t.kind()) {
    case cel::TypeKind::kBool: out = Typed("boolean"); return true;
    case cel::TypeKind::kInt:
    case cel::TypeKind::kUint: out = Typed("integer"); return true;
    case cel::TypeKind::kDouble: out = Typed("number"); return true;
    case cel::TypeKind::kString: out = Typed("string"); return true;
    case cel::TypeKind::kBytes:
      out = Typed("string");
      out["format"] = "byte";
      return true;
    case cel::TypeKind::kNull: out = PreserveUnknown("null type - any value allowed"); return true;
    default: return false;
  }
}

// upstream extractSchemaFromDeclTypeWithCycleDetection: a type known from a schema, read back.
Result<json::Object> FromSchemaType(const cel::Type& t, const SchemaTypeProvider& provider,
                                    std::set<const void*>& visiting) {
  if (t.kind() == cel::TypeKind::kList) {
    KRO_ASSIGN_OR_RETURN(json::Object items, FromSchemaType(t.params()[0], provider, visiting));
    return ArrayOf(std::move(items));
  }
  if (t.kind() == cel::TypeKind::kMap) {
    KRO_ASSIGN_OR_RETURN(json::Object values, FromSchemaType(t.params()[1], provider, visiting));
    return MapOf(std::move(values));
  }
  const SchemaTypeProvider::StructDef* def =
      t.kind() == cel::TypeKind::kStruct ? provider.FindStruct(t.name()) : nullptr;
  if (def == nullptr) {
    json::Object out;
    return PrimitiveSchema(t, out) ? out : PreserveUnknown();
  }
  // A recursive schema (the same node again below itself) ends in an empty object, as upstream's
  // apiserver PopulateRefs cuts reference cycles.
  if (def->identity != nullptr && !visiting.insert(def->identity).second) {
    return Typed("object");
  }
  json::Object props;
  for (const auto& [name, field_type] : def->fields) {
    auto field = FromSchemaType(field_type, provider, visiting);
    if (!field.ok()) {
      return InvalidArgument("failed to extract schema for field " + name + ": " +
                             field.status().message());
    }
    props[name] = std::move(*field);
  }
  if (def->identity != nullptr) visiting.erase(def->identity);
  json::Object out = Typed("object");
  if (!props.empty()) {  // Go's omitempty
    out["properties"] = std::move(props);
  }
  return out;
}

Result<json::Object> Infer(const cel::Type& t, const SchemaTypeProvider* provider) {
  json::Object out;
  if (PrimitiveSchema(t, out)) {
    return out;
  }
  std::set<const void*> visiting;
  switch (t.kind()) {
    case cel::TypeKind::kList: {
      KRO_ASSIGN_OR_RETURN(json::Object items, Infer(t.params()[0], provider));
      return ArrayOf(std::move(items));
    }
    case cel::TypeKind::kMap: {
      KRO_ASSIGN_OR_RETURN(json::Object values, Infer(t.params()[1], provider));
      return MapOf(std::move(values));
    }
    case cel::TypeKind::kStruct:
      if (provider != nullptr && provider->FindStruct(t.name()) != nullptr) {
        return FromSchemaType(t, *provider, visiting);
      }
      return PermissiveObject();
    case cel::TypeKind::kDyn:
      return PreserveUnknown();
    case cel::TypeKind::kTimestamp: {
      json::Object ts = Typed("string");
      ts["description"] = "Timestamp representing a creation time";
      ts["format"] = "date-time";
      return ts;
    }
    default:
      // cel-go prints google.protobuf.Duration, optional_type(T), ... here.
      return PreserveUnknown("unknown CEL type: " + cel::FormatType(t));
  }
}

struct Segment {
  std::string name;
  bool is_index = false;
};

Result<std::vector<Segment>> ParsePath(std::string_view path) {
  std::vector<Segment> out;
  size_t i = 0;
  auto bad = [&]() { return InvalidArgument("failed to parse path " + std::string(path)); };
  while (i < path.size()) {
    if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string_view::npos) {
        return bad();
      }
      std::string_view inner = path.substr(i + 1, close - i - 1);
      if (inner.size() >= 2 && inner.front() == '"' && inner.back() == '"') {
        out.push_back({std::string(inner.substr(1, inner.size() - 2)), false});
      } else if (!inner.empty() && inner.find_first_not_of("0123456789") == std::string::npos) {
        out.push_back({std::string(inner), true});
      } else {
        return bad();
      }
      i = close + 1;
      if (i < path.size() && path[i] == '.') {
        ++i;
      }
      continue;
    }
    size_t end = path.find_first_of(".[", i);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    if (end == i) {
      return bad();
    }
    out.push_back({std::string(path.substr(i, end - i)), false});
    i = end;
    if (i < path.size() && path[i] == '.') {
      ++i;
      if (i == path.size()) {
        return bad();
      }
    }
  }
  if (out.empty()) {
    return bad();
  }
  return out;
}

void EnsureObject(json::Object& s) {
  if (!s.contains("type")) {
    s["type"] = "object";
  }
  if (!s.contains("properties") || !s.at("properties").is_object()) {
    s["properties"] = json::Object();
  }
}

// upstream addFieldToSchemaSegments.
void AddField(json::Object& current, const std::vector<Segment>& segs, size_t k,
              const json::Object& leaf) {
  const Segment& seg = segs[k];
  bool last = k + 1 == segs.size();
  if (seg.is_index) {
    current["type"] = "array";
    // An object schema made for this segment's parent has no properties; Go omits the empty map.
    if (const json::Value* p = current.if_contains("properties");
        p != nullptr && p->is_object() && p->get_object().empty()) {
      current.erase("properties");
    }
    json::Value& items = current["items"];
    if (!items.is_object()) {
      items = json::Object();
    }
    if (last) {
      items = leaf;
      return;
    }
    EnsureObject(items.get_object());
    AddField(items.get_object(), segs, k + 1, leaf);
    return;
  }
  EnsureObject(current);
  json::Object& props = current["properties"].get_object();
  if (last) {
    props[seg.name] = leaf;
    return;
  }
  json::Value& child = props[seg.name];
  if (!child.is_object()) {
    child = json::Object();
  }
  EnsureObject(child.get_object());
  AddField(child.get_object(), segs, k + 1, leaf);
}

}  // namespace

Result<json::Value> SchemaFromCelType(const cel::Type& type, const SchemaTypeProvider* provider) {
  KRO_ASSIGN_OR_RETURN(json::Object s, Infer(type, provider));
  return simpleschema::SortKeys(s);
}

Result<json::Value> GenerateStatusSchema(const std::map<std::string, cel::Type>& fields,
                                         const SchemaTypeProvider* provider) {
  json::Object root = Typed("object");
  root["properties"] = json::Object();
  for (const auto& [path, type] : fields) {
    auto leaf = Infer(type, provider);
    if (!leaf.ok()) {
      return InvalidArgument("failed to infer schema from type at " + path + ": " +
                             leaf.status().message());
    }
    KRO_ASSIGN_OR_RETURN(std::vector<Segment> segs, ParsePath(path));
    AddField(root, segs, 0, *leaf);
  }
  if (root.at("properties").get_object().empty()) {
    root.erase("properties");
  }
  return simpleschema::SortKeys(root);
}

}  // namespace kro::schema
