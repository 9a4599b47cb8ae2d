#include "kro/graph/resolver.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kro::graph {

std::string Gvk::ToString() const { return ApiVersion() + ", Kind=" + kind; }

bool Gvk::operator<(const Gvk& o) const {
  if (group != o.group) return group < o.group;
  if (version != o.version) return version < o.version;
  return kind < o.kind;
}

Gvk MakeGvk(std::string_view api_version, std::string_view kind) {
  Gvk g;
  size_t slash = api_version.rfind('/');
  if (slash == std::string_view::npos) {
    g.version = std::string(api_version);
  } else {
    g.group = std::string(api_version.substr(0, slash));
    g.version = std::string(api_version.substr(slash + 1));
  }
  g.kind = std::string(kind);
  return g;
}

namespace {

const json::Value* Member(const json::Value* v, std::string_view key) {
  if (v == nullptr || !v->is_object()) return nullptr;
  return v->as_object().if_contains(key);
}

bool BoolMember(const json::Value* v, std::string_view key) {
  const json::Value* m = Member(v, key);
  return m != nullptr && m->is_bool() && m->as_bool();
}

}  // namespace

SchemaView::SchemaView(std::shared_ptr<const json::Value> doc, const json::Value* node)
    : doc_(std::move(doc)) {
  node_ = Wrap(node).node_;
}

SchemaView SchemaView::Wrap(const json::Value* n) const {
  SchemaView out;
  out.doc_ = doc_;
  // Follow $ref and allOf:[{$ref}] chains (bounded, in case of silly documents).
  for (int hops = 0; n != nullptr && hops < 16; ++hops) {
    const json::Value* ref = Member(n, "$ref");
    if (ref == nullptr) {
      const json::Value* all = Member(n, "allOf");
      if (all != nullptr && all->is_array() && all->as_array().size() == 1 &&
          !HasMember(n, "properties") && !HasMember(n, "type")) {
        n = &all->as_array()[0];
        continue;
      }
      break;
    }
    if (!ref->is_string() || doc_ == nullptr) return out;
    std::string_view r = ref->as_string();
    constexpr std::string_view kPrefix = "#/components/schemas/";
    if (r.substr(0, kPrefix.size()) != kPrefix) return out;
    const json::Value* schemas = Member(Member(doc_.get(), "components"), "schemas");
    n = Member(schemas, r.substr(kPrefix.size()));
  }
  out.node_ = n;
  return out;
}

bool SchemaView::HasMember(const json::Value* v, std::string_view key) {
  return Member(v, key) != nullptr;
}

std::string SchemaView::Type() const {
  const json::Value* t = Member(node_, "type");
  if (t == nullptr) return {};
  if (t->is_string()) return std::string(t->as_string());
  if (t->is_array() && !t->as_array().empty() && t->as_array()[0].is_string()) {
    return std::string(t->as_array()[0].as_string());
  }
  return {};
}

bool SchemaView::PreserveUnknownFields() const {
  return BoolMember(node_, "x-kubernetes-preserve-unknown-fields");
}

bool SchemaView::IntOrString() const { return BoolMember(node_, "x-kubernetes-int-or-string"); }

bool SchemaView::HasProperties() const {
  const json::Value* p = Member(node_, "properties");
  return p != nullptr && p->is_object();
}

SchemaView SchemaView::Property(std::string_view name) const {
  return Wrap(Member(Member(node_, "properties"), name));
}

SchemaView SchemaView::AdditionalProperties() const {
  const json::Value* ap = Member(node_, "additionalProperties");
  if (ap == nullptr || !ap->is_object()) return SchemaView();
  return Wrap(ap);
}

SchemaView SchemaView::Field(std::string_view name) const {
  SchemaView p = Property(name);
  if (p.valid()) return p;
  return AdditionalProperties();
}

SchemaView SchemaView::Items() const { return Wrap(Member(node_, "items")); }

std::vector<std::string> SchemaView::CompositeTypes() const {
  std::vector<std::string> out;
  for (std::string_view key : {"oneOf", "anyOf"}) {
    const json::Value* arr = Member(node_, key);
    if (arr == nullptr || !arr->is_array()) continue;
    for (const json::Value& sub : arr->as_array()) {
      SchemaView v = Wrap(&sub);
      std::string t = v.Type();
      if (!t.empty()) out.push_back(t);
      if (HasMember(v.node(), "required") || HasMember(v.node(), "not")) out.push_back("object");
    }
  }
  return out;
}

json::Value SchemaView::Inline(int max_depth) const {
  if (node_ == nullptr || !node_->is_object()) {
    json::Object any;
    any["x-kubernetes-preserve-unknown-fields"] = true;
    return any;
  }
  if (max_depth <= 0) {
    json::Object any;
    any["type"] = "object";
    any["x-kubernetes-preserve-unknown-fields"] = true;
    return any;
  }
  json::Object out;
  for (const auto& kv : node_->as_object()) {
    std::string_view k = kv.key();
    if (k == "$ref" || k == "allOf" || k == "description" || k == "default") continue;
    if (k == "properties" && kv.value().is_object()) {
      json::Object props;
      for (const auto& p : kv.value().as_object()) {
        props[p.key()] = Wrap(&p.value()).Inline(max_depth - 1);
      }
      out["properties"] = std::move(props);
    } else if ((k == "items" || k == "additionalProperties") && kv.value().is_object()) {
      out[k] = Wrap(&kv.value()).Inline(max_depth - 1);
    } else if ((k == "oneOf" || k == "anyOf") && kv.value().is_array()) {
      json::Array arr;
      for (const json::Value& e : kv.value().as_array()) arr.push_back(Wrap(&e).Inline(max_depth - 1));
      out[k] = std::move(arr);
    } else {
      out[k] = kv.value();
    }
  }
  return out;
}

OfflineResolver::OfflineResolver(std::string openapi_dir) : dir_(std::move(openapi_dir)) {}

Status OfflineResolver::AddCrd(const json::Value& crd) {
  const json::Value* kind = Member(&crd, "kind");
  if (kind == nullptr || !kind->is_string() || kind->as_string() != "CustomResourceDefinition") {
    return InvalidArgument("not a CustomResourceDefinition");
  }
  auto doc = std::make_shared<const json::Value>(crd);
  const json::Value* spec = Member(doc.get(), "spec");
  const json::Value* group = Member(spec, "group");
  const json::Value* names_kind = Member(Member(spec, "names"), "kind");
  const json::Value* versions = Member(spec, "versions");
  if (group == nullptr || !group->is_string() || names_kind == nullptr ||
      !names_kind->is_string() || versions == nullptr || !versions->is_array()) {
    return InvalidArgument("CustomResourceDefinition without spec.group/names.kind/versions");
  }
  const json::Value* scope = Member(spec, "scope");
  bool namespaced = scope == nullptr || !scope->is_string() || scope->as_string() != "Cluster";
  std::lock_guard<std::mutex> lock(mu_);
  for (const json::Value& v : versions->as_array()) {
    const json::Value* name = Member(&v, "name");
    const json::Value* schema = Member(Member(&v, "schema"), "openAPIV3Schema");
    if (name == nullptr || !name->is_string()) continue;
    Gvk gvk{std::string(group->as_string()), std::string(name->as_string()),
            std::string(names_kind->as_string())};
    entries_[gvk] = Entry{ResolvedSchema{SchemaView(doc, schema), namespaced}};
  }
  return Status::Ok();
}

Status OfflineResolver::LoadGroupVersion(const std::string& group,
                                         const std::string& version) const {
  // REQUIRES: mu_ held.
  std::string rel = group.empty() ? "api/" + version + ".json"
                                  : "apis/" + group + "/" + version + ".json";
  if (loaded_files_.count(rel) != 0) return Status::Ok();
  loaded_files_[rel] = true;
  if (dir_.empty()) return Status::Ok();
  std::filesystem::path p = std::filesystem::path(dir_) / rel;
  std::ifstream in(p);
  if (!in) return Status::Ok();
  std::stringstream ss;
  ss << in.rdbuf();
  Result<json::Value> parsed = json::Parse(ss.str());
  if (!parsed.ok()) return parsed.status().WithPrefix(p.string());
  auto doc = std::make_shared<const json::Value>(std::move(*parsed));
  // Namespaced kinds: some path under /namespaces/{namespace}/ serves the GVK.
  std::map<Gvk, bool> namespaced;
  if (const json::Value* paths = Member(doc.get(), "paths"); paths && paths->is_object()) {
    for (const auto& kv : paths->as_object()) {
      bool ns = std::string_view(kv.key()).find("/namespaces/{namespace}/") != std::string::npos;
      if (!kv.value().is_object()) continue;
      for (const auto& op : kv.value().as_object()) {
        const json::Value* g = Member(&op.value(), "x-kubernetes-group-version-kind");
        if (g == nullptr || !g->is_object()) continue;
        auto s = [&](std::string_view k) {
          const json::Value* f = Member(g, k);
          return f && f->is_string() ? std::string(f->as_string()) : std::string();
        };
        Gvk gvk{s("group"), s("version"), s("kind")};
        if (ns) {
          namespaced[gvk] = true;
        } else {
          namespaced.emplace(gvk, false);
        }
      }
    }
  }
  const json::Value* schemas = Member(Member(doc.get(), "components"), "schemas");
  if (schemas == nullptr || !schemas->is_object()) return Status::Ok();
  for (const auto& kv : schemas->as_object()) {
    const json::Value* gvks = Member(&kv.value(), "x-kubernetes-group-version-kind");
    if (gvks == nullptr || !gvks->is_array()) continue;
    for (const json::Value& g : gvks->as_array()) {
      auto s = [&](std::string_view k) {
        const json::Value* f = Member(&g, k);
        return f && f->is_string() ? std::string(f->as_string()) : std::string();
      };
      Gvk gvk{s("group"), s("version"), s("kind")};
      if (gvk.group != group || gvk.version != version) continue;
      auto ns = namespaced.find(gvk);
      bool is_ns = ns == namespaced.end() ? true : ns->second;
      entries_.emplace(gvk, Entry{ResolvedSchema{SchemaView(doc, &kv.value()), is_ns}});
    }
  }
  return Status::Ok();
}

Result<ResolvedSchema> OfflineResolver::Resolve(const Gvk& gvk) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(gvk);
  if (it != entries_.end()) return it->second.schema;
  KRO_RETURN_IF_ERROR(LoadGroupVersion(gvk.group, gvk.version));
  it = entries_.find(gvk);
  if (it != entries_.end()) return it->second.schema;
  return NotFound("schema not found for " + gvk.ToString());
}

}  // namespace kro::graph
