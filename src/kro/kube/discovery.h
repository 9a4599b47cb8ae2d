// Discovery (which groups, versions and resources the server serves) and RestMapper
// (Gvk -> Gvr + scope), both cached.
//
// The cache is per group-version and filled lazily. A kind missing from a cached group-version
// triggers one refresh of that group-version (a CRD may have just been created), so callers
// rarely need Invalidate(); call it when CRDs are deleted or changed. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/kube/client.h"
#include "kro/kube/gvr.h"

namespace kro::kube {

struct ApiResource {
  Gvr gvr;             // resource is the plural ("deployments"); subresources look "pods/status"
  std::string kind;    // "Deployment"
  std::string singular;
  bool namespaced = false;
  std::vector<std::string> verbs;
  std::vector<std::string> short_names;
};

class Discovery {
 public:
  // `client` must outlive this object.
  explicit Discovery(Client& client);

  // Every served group-version ("v1", "apps/v1", ...), from /api and /apis. Not cached.
  Result<std::vector<std::string>> ServerGroupVersions();

  // The resources of one group-version ("apps/v1"), subresources included. Cached.
  // Errors: kNotFound when the server does not serve that group-version.
  Result<std::shared_ptr<const std::vector<ApiResource>>> ServerResources(
      std::string_view group_version);

  // Drops every cached group-version (or just one).
  void Invalidate();
  void Invalidate(std::string_view group_version);

 private:
  Result<std::shared_ptr<const std::vector<ApiResource>>> Fetch(const std::string& gv);

  Client& client_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const std::vector<ApiResource>>> cache_;  // guarded
};

struct RestMapping {
  Gvr gvr;
  Gvk gvk;
  bool namespaced = false;
};

class RestMapper {
 public:
  // `discovery` must outlive this object.
  explicit RestMapper(Discovery& discovery);

  // The resource for a kind. Errors: kNotFound ("no matches for kind ... in version ...").
  Result<RestMapping> Map(const Gvk& gvk);
  // The kind for a resource. Errors: kNotFound.
  Result<RestMapping> KindFor(const Gvr& gvr);

  void Invalidate() { discovery_.Invalidate(); }

 private:
  Discovery& discovery_;
};

}  // namespace kro::kube
