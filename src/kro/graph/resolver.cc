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

}  // namespace

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
