// OpenApi: the server's OpenAPI v3 documents (/openapi/v3), and the schema of a kind.
//
// The index and each group-version document are fetched once and cached until Invalidate()
// (call it when CRDs change). Thread-safe.
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

  // The whole OpenAPI document of a group-version ("" group = core). Errors: kNotFound when
  // the index does not list it.
  Result<std::shared_ptr<const json::Value>> GroupVersionDocument(std::string_view group,
                                                                  std::string_view version);

  // The components.schemas entry whose x-kubernetes-group-version-kind names `gvk`.
  // With `resolve_refs`, "$ref": "#/components/schemas/..." are replaced by their targets
  // (recursive types keep their $ref at the point of recursion). Errors: kNotFound.
  Result<json::Value> SchemaFor(const Gvk& gvk, bool resolve_refs = true);

  void Invalidate();

 private:
  Result<std::shared_ptr<const json::Value>> Index();

  Client& client_;
  std::mutex mu_;
  std::shared_ptr<const json::Value> index_;                           // guarded by mu_
  std::map<std::string, std::shared_ptr<const json::Value>> documents_;  // guarded by mu_
};

// Replaces local component $refs in `schema` by the schemas of `document` (see SchemaFor).
json::Value ResolveRefs(const json::Value& schema, const json::Value& document);

}  // namespace kro::kube
