// Resource schemas for the graph builder: GVK -> OpenAPI v3 schema (upstream
// pkg/graph/schema/resolver).
//
// SchemaResolver is the seam between the builder (offline, pure) and where schemas come from
// (an API server's /openapi/v3, bundled documents, CRDs). Implementations must be thread-safe for
// concurrent Resolve calls. OfflineResolver reads the bundled documents written by
// scripts/gen-openapi (<dir>/api/v1.json, <dir>/apis/<group>/<version>.json) and any CRDs added
// to it; it caches loaded documents (guarded by a mutex).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kro/base/result.h"
#include "kro/json/json.h"
#include "kro/schema/schema_view.h"

namespace kro::graph {

struct Gvk {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;

  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  std::string ToString() const;  // "apps/v1, Kind=Deployment"
  bool operator<(const Gvk& o) const;
};

// Splits "apps/v1" into group and version.
Gvk MakeGvk(std::string_view api_version, std::string_view kind);

// The schema view the graph stores (kro/schema/schema_view.h): graph code and its callers
// spell it graph::SchemaView.
using SchemaView = schema::SchemaView;

struct ResolvedSchema {
  SchemaView schema;
  bool namespaced = true;
};

class SchemaResolver {
 public:
  virtual ~SchemaResolver() = default;
  // The schema of `gvk`; NotFound if unknown.
  virtual Result<ResolvedSchema> Resolve(const Gvk& gvk) const = 0;
};

class OfflineResolver : public SchemaResolver {
 public:
  // `openapi_dir` may be empty or missing (then only added CRDs resolve).
  explicit OfflineResolver(std::string openapi_dir);

  // Registers every served version of a CustomResourceDefinition (apiextensions.k8s.io/v1).
  // Error InvalidArgument if `crd` is not a CRD.
  Status AddCrd(const json::Value& crd);

  Result<ResolvedSchema> Resolve(const Gvk& gvk) const override;

 private:
  struct Entry {
    ResolvedSchema schema;
  };
  Status LoadGroupVersion(const std::string& group, const std::string& version) const;

  std::string dir_;
  mutable std::mutex mu_;
  mutable std::map<Gvk, Entry> entries_;             // guarded by mu_
  mutable std::map<std::string, bool> loaded_files_;  // guarded by mu_
};

}  // namespace kro::graph
