#include "kro/kube/discovery.h"

#include <utility>

namespace kro::kube {
namespace {

std::string GetString(const json::Object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::vector<std::string> GetStrings(const json::Object& o, const char* key) {
  std::vector<std::string> out;
  auto* v = o.if_contains(key);
  if (v != nullptr && v->is_array()) {
    for (const auto& e : v->get_array()) {
      if (e.is_string()) {
        out.emplace_back(e.get_string());
      }
    }
  }
  return out;
}

}  // namespace

Discovery::Discovery(Client& client) : client_(client) {}

Result<std::vector<std::string>> Discovery::ServerGroupVersions() {
  std::vector<std::string> out;
  KRO_ASSIGN_OR_RETURN(json::Value core, client_.GetPath("/api"));
  if (core.is_object()) {
    for (auto& v : GetStrings(core.get_object(), "versions")) {
      out.push_back(v);
    }
  }
  KRO_ASSIGN_OR_RETURN(json::Value groups, client_.GetPath("/apis"));
  if (groups.is_object()) {
    if (auto* list = groups.get_object().if_contains("groups"); list && list->is_array()) {
      for (const auto& g : list->get_array()) {
        if (!g.is_object()) {
          continue;
        }
        if (auto* vs = g.get_object().if_contains("versions"); vs && vs->is_array()) {
          for (const auto& v : vs->get_array()) {
            if (v.is_object()) {
              out.push_back(GetString(v.get_object(), "groupVersion"));
            }
          }
        }
      }
    }
  }
  return out;
}

Result<std::shared_ptr<const std::vector<ApiResource>>> Discovery::Fetch(const std::string& gv) {
  std::string group, version;
  size_t slash = gv.find('/');
  if (slash == std::string::npos) {
    version = gv;
  } else {
    group = gv.substr(0, slash);
    version = gv.substr(slash + 1);
  }
  std::string path = group.empty() ? "/api/" + version : "/apis/" + gv;
  auto doc = client_.GetPath(path);
  if (!doc.ok()) {
    if (doc.status().code() == ErrorCode::kNotFound) {
      return NotFound("the server does not serve group-version " + gv);
    }
    return doc.status();
  }
  auto out = std::make_shared<std::vector<ApiResource>>();
  if (doc->is_object()) {
    if (auto* rs = doc->get_object().if_contains("resources"); rs && rs->is_array()) {
      for (const auto& r : rs->get_array()) {
        if (!r.is_object()) {
          continue;
        }
        const json::Object& o = r.get_object();
        ApiResource ar;
        ar.gvr = Gvr{group, version, GetString(o, "name")};
        ar.kind = GetString(o, "kind");
        ar.singular = GetString(o, "singularName");
        if (auto* ns = o.if_contains("namespaced"); ns && ns->is_bool()) {
          ar.namespaced = ns->get_bool();
        }
        ar.verbs = GetStrings(o, "verbs");
        ar.short_names = GetStrings(o, "shortNames");
        out->push_back(std::move(ar));
      }
    }
  }
  return std::shared_ptr<const std::vector<ApiResource>>(std::move(out));
}

Result<std::shared_ptr<const std::vector<ApiResource>>> Discovery::ServerResources(
    std::string_view group_version) {
  std::string gv(group_version);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(gv);
    if (it != cache_.end()) {
      return it->second;
    }
  }
  // Fetched without the lock: concurrent misses may both fetch; the results are equivalent.
  KRO_ASSIGN_OR_RETURN(auto resources, Fetch(gv));
  std::lock_guard<std::mutex> lock(mu_);
  cache_[gv] = resources;
  return resources;
}

void Discovery::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.clear();
}

void Discovery::Invalidate(std::string_view group_version) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(std::string(group_version));
}

RestMapper::RestMapper(Discovery& discovery) : discovery_(discovery) {}

Result<RestMapping> RestMapper::Map(const Gvk& gvk) {
  std::string gv = gvk.GroupVersion();
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto resources = discovery_.ServerResources(gv);
    if (!resources.ok()) {
      if (resources.status().code() == ErrorCode::kNotFound && attempt == 0) {
        discovery_.Invalidate(gv);
        continue;
      }
      if (resources.status().code() == ErrorCode::kNotFound) {
        return NotFound("no matches for kind \"" + gvk.kind + "\" in version \"" + gv +
                        "\": " + resources.status().message());
      }
      return resources.status();
    }
    for (const ApiResource& r : **resources) {
      if (r.kind == gvk.kind && r.gvr.resource.find('/') == std::string::npos) {
        return RestMapping{r.gvr, gvk, r.namespaced};
      }
    }
    // A cached list may predate a new CRD: refresh once.
    discovery_.Invalidate(gv);
  }
  return NotFound("no matches for kind \"" + gvk.kind + "\" in version \"" + gv + "\"");
}

Result<RestMapping> RestMapper::KindFor(const Gvr& gvr) {
  std::string gv = gvr.GroupVersion();
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto resources = discovery_.ServerResources(gv);
    if (!resources.ok()) {
      if (resources.status().code() == ErrorCode::kNotFound && attempt == 0) {
        discovery_.Invalidate(gv);
        continue;
      }
      return resources.status();
    }
    for (const ApiResource& r : **resources) {
      if (r.gvr.resource == gvr.resource) {
        return RestMapping{r.gvr, Gvk{gvr.group, gvr.version, r.kind}, r.namespaced};
      }
    }
    discovery_.Invalidate(gv);
  }
  return NotFound("the server does not serve resource " + gvr.ToString());
}

}  // namespace kro::kube
