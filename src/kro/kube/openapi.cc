#include "kro/kube/openapi.h"

#include <set>
#include <stop_token>
#include <utility>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/stream_parser.hpp>

namespace kro::kube {
namespace {

constexpr std::string_view kRefPrefix = "#/components/schemas/";

json::Value Resolve(const json::Value& v, const json::Object* schemas,
                    std::vector<std::string>& stack) {
  if (v.is_array()) {
    json::Array out;
    out.reserve(v.get_array().size());
    for (const auto& e : v.get_array()) {
      out.push_back(Resolve(e, schemas, stack));
    }
    return out;
  }
  if (!v.is_object()) {
    return v;
  }
  const json::Object& o = v.get_object();
  if (auto* ref = o.if_contains("$ref"); ref != nullptr && ref->is_string() && schemas) {
    std::string_view r = ref->get_string();
    if (r.starts_with(kRefPrefix)) {
      std::string name(r.substr(kRefPrefix.size()));
      bool cycle = false;
      for (const auto& s : stack) {
        cycle = cycle || s == name;
      }
      auto* target = schemas->if_contains(name);
      if (!cycle && target != nullptr) {
        stack.push_back(name);
        json::Value resolved = Resolve(*target, schemas, stack);
        stack.pop_back();
        // Siblings of $ref (description, default) are kept on top of the target.
        if (resolved.is_object()) {
          for (const auto& kv : o) {
            if (kv.key() != "$ref") {
              resolved.get_object()[kv.key()] = Resolve(kv.value(), schemas, stack);
            }
          }
        }
        return resolved;
      }
    }
  }
  // Kubernetes writes references with siblings as allOf: [{$ref}]; flatten a single entry.
  if (auto* all = o.if_contains("allOf");
      all != nullptr && all->is_array() && all->get_array().size() == 1) {
    json::Value inner = Resolve(all->get_array()[0], schemas, stack);
    if (inner.is_object() && !inner.get_object().contains("$ref")) {
      for (const auto& kv : o) {
        if (kv.key() != "allOf") {
          inner.get_object()[kv.key()] = Resolve(kv.value(), schemas, stack);
        }
      }
      return inner;
    }
  }
  json::Object out;
  out.reserve(o.size());
  for (const auto& kv : o) {
    out[kv.key()] = Resolve(kv.value(), schemas, stack);
  }
  return out;
}

const json::Object* SchemasOf(const json::Value& document) {
  if (!document.is_object()) {
    return nullptr;
  }
  auto* comps = document.get_object().if_contains("components");
  if (comps == nullptr || !comps->is_object()) {
    return nullptr;
  }
  auto* schemas = comps->get_object().if_contains("schemas");
  return schemas != nullptr && schemas->is_object() ? &schemas->get_object() : nullptr;
}

bool NamesGvk(const json::Object& schema, const Gvk& gvk) {
  auto* list = schema.if_contains("x-kubernetes-group-version-kind");
  if (list == nullptr || !list->is_array()) {
    return false;
  }
  for (const auto& e : list->get_array()) {
    if (!e.is_object()) {
      continue;
    }
    const json::Object& o = e.get_object();
    auto str = [&](const char* k) {
      auto* v = o.if_contains(k);
      return v != nullptr && v->is_string() ? std::string_view(v->get_string())
                                            : std::string_view();
    };
    if (str("group") == gvk.group && str("version") == gvk.version && str("kind") == gvk.kind) {
      return true;
    }
  }
  return false;
}

}  // namespace

json::Value ResolveRefs(const json::Value& schema, const json::Value& document) {
  std::vector<std::string> stack;
  return Resolve(schema, SchemasOf(document), stack);
}

OpenApi::OpenApi(Client& client) : client_(client) {}

Result<std::shared_ptr<const json::Value>> OpenApi::Index() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (index_) {
      return index_;
    }
  }
  KRO_ASSIGN_OR_RETURN(json::Value doc, client_.GetPath("/openapi/v3"));
  auto index = std::make_shared<const json::Value>(std::move(doc));
  std::lock_guard<std::mutex> lock(mu_);
  index_ = index;
  return index;
}

Result<std::vector<std::string>> OpenApi::Paths() {
  KRO_ASSIGN_OR_RETURN(auto index, Index());
  std::vector<std::string> out;
  if (index->is_object()) {
    if (auto* paths = index->get_object().if_contains("paths"); paths && paths->is_object()) {
      for (const auto& kv : paths->get_object()) {
        out.emplace_back(kv.key());
      }
    }
  }
  return out;
}

namespace {

std::string GroupVersionKey(std::string_view group, std::string_view version) {
  return group.empty() ? "api/" + std::string(version)
                       : "apis/" + std::string(group) + "/" + std::string(version);
}

std::string UrlOf(const json::Value& index, const std::string& key) {
  if (auto* paths = index.is_object() ? index.get_object().if_contains("paths") : nullptr;
      paths != nullptr && paths->is_object()) {
    if (auto* entry = paths->get_object().if_contains(key); entry && entry->is_object()) {
      if (auto* u = entry->get_object().if_contains("serverRelativeURL"); u && u->is_string()) {
        return std::string(u->get_string());
      }
    }
  }
  return "";
}

}  // namespace

Result<std::string> OpenApi::DocumentUrl(const std::string& key) {
  KRO_ASSIGN_OR_RETURN(auto index, Index());
  std::string url = UrlOf(*index, key);
  if (!url.empty()) {
    return url;
  }
  // The index may predate a new CRD; fetch it again once.
  {
    std::lock_guard<std::mutex> lock(mu_);
    index_.reset();
  }
  KRO_ASSIGN_OR_RETURN(auto fresh, Index());
  url = UrlOf(*fresh, key);
  if (url.empty()) {
    return NotFound("the OpenAPI v3 index has no document for " + key);
  }
  return url;
}

Result<std::shared_ptr<const json::Value>> OpenApi::GroupVersionDocument(
    std::string_view group, std::string_view version) {
  KRO_ASSIGN_OR_RETURN(std::string url, DocumentUrl(GroupVersionKey(group, version)));
  KRO_ASSIGN_OR_RETURN(json::Value doc, client_.GetPath(url));
  return std::make_shared<const json::Value>(std::move(doc));
}

Result<json::Value> OpenApi::SchemaFor(const Gvk& gvk, bool resolve_refs) {
  KRO_ASSIGN_OR_RETURN(auto shared, SharedSchemaFor(gvk, resolve_refs));
  return *shared;
}

Result<std::shared_ptr<const json::Value>> OpenApi::SharedSchemaFor(const Gvk& gvk,
                                                                    bool resolve_refs) {
  std::string cache_key = gvk.group + "/" + gvk.version + "/" + gvk.kind +
                          (resolve_refs ? "" : "#raw");
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = schemas_.find(cache_key);
    if (it != schemas_.end()) {
      return it->second;
    }
  }
  KRO_ASSIGN_OR_RETURN(std::string url, DocumentUrl(GroupVersionKey(gvk.group, gvk.version)));
  std::shared_ptr<const json::Value> out;
  {
    // The document is parsed as it arrives (no copy of the body) into an arena that lives only
    // while the schema is found and copied out: one allocation stream instead of a heap node
    // per JSON value, all returned at once.
    boost::json::monotonic_resource arena;
    boost::json::stream_parser parser;
    parser.reset(boost::json::storage_ptr(&arena));
    boost::system::error_code ec;
    Status s = client_.StreamPath(url, "get", std::stop_token(), [&](std::string_view chunk) {
      parser.write(chunk.data(), chunk.size(), ec);
      return !ec;
    });
    if (!ec && s.ok()) {
      parser.finish(ec);
    }
    if (ec) {
      return Internal("get " + url + ": malformed JSON from the server: " + ec.message());
    }
    KRO_RETURN_IF_ERROR(s);
    json::Value doc = parser.release();
    const json::Object* schemas = SchemasOf(doc);
    if (schemas != nullptr) {
      for (const auto& kv : *schemas) {
        if (kv.value().is_object() && NamesGvk(kv.value().get_object(), gvk)) {
          // Copies into the default storage, so nothing refers to the arena afterwards.
          out = std::make_shared<const json::Value>(
              resolve_refs ? ResolveRefs(kv.value(), doc) : kv.value(),
              boost::json::storage_ptr());
          break;
        }
      }
    }
  }
  if (out == nullptr) {
    return NotFound("no OpenAPI schema for " + gvk.ToString());
  }
  std::lock_guard<std::mutex> lock(mu_);
  schemas_[cache_key] = out;
  return out;
}

void OpenApi::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  index_.reset();
  schemas_.clear();
}

}  // namespace kro::kube
