// OpenApi: the server's OpenAPI v3 documents (/openapi/v3), and the schema of a kind.
//
// The index and the schema of each kind asked for are cached until Invalidate() (call it when
// CRDs change). Group-version documents are not kept: a document (api/v1 is 1.6 MB of JSON) is
// parsed into an arena that is freed as soon as the kind's schema has been copied out, so the
// controller's memory holds only the schemas its graphs use. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/json/json.h"
#include "kro/kube/client.h"
#include "kro/kube/gvr.h"

namespace kro::kube {

class OpenApi {
 public:
  // `client` must outlive this object.
  explicit OpenApi(Client& client);

  // The index keys ("api/v1", "apis/apps/v1", ...).
  Result<std::vector<std::string>> Paths();

  // The whole OpenAPI document of a group-version ("" group = core), fetched anew (not cached).
  // Errors: kNotFound when the index does not list it.
  Result<std::shared_ptr<const json::Value>> GroupVersionDocument(std::string_view group,
                                                                  std::string_view version);

  // The components.schemas entry whose x-kubernetes-group-version-kind names `gvk`.
  // With `resolve_refs`, "$ref": "#/components/schemas/..." are replaced by their targets
  // (recursive types keep their $ref at the point of recursion). Errors: kNotFound.
  Result<json::Value> SchemaFor(const Gvk& gvk, bool resolve_refs = true);
  // The same, shared with every other caller (cached until Invalidate()).
  Result<std::shared_ptr<const json::Value>> SharedSchemaFor(const Gvk& gvk,
                                                             bool resolve_refs = true);

  void Invalidate();

 private:
  Result<std::shared_ptr<const json::Value>> Index();
  // The serverRelativeURL of a group-version document ("api/v1"), refreshing the index once
  // when it does not list the key.
  Result<std::string> DocumentUrl(const std::string& key);

  Client& client_;
  std::mutex mu_;
  std::shared_ptr<const json::Value> index_;  // guarded by mu_
  // Keyed by "group/version/kind" plus "#raw" for unresolved schemas.
  std::map<std::string, std::shared_ptr<const json::Value>> schemas_;  // guarded by mu_
};

// Replaces local component $refs in `schema` by the schemas of `document` (see SchemaFor).
json::Value ResolveRefs(const json::Value& schema, const json::Value& document);

}  // namespace kro::kube
