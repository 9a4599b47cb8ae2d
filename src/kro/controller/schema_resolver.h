// ClusterSchemaResolver: resource schemas for the graph builder from the API server's OpenAPI v3
// (upstream pkg/graph/schema/resolver), falling back to an offline resolver for kinds the
// server does not describe. A kind missing from the cached documents triggers one refresh (a CRD
// may have just been created). Thread-safe.
#pragma once

#include <memory>

#include "kro/graph/resolver.h"
#include "kro/kube/discovery.h"
#include "kro/kube/openapi.h"

namespace kro::controller {

class ClusterSchemaResolver : public graph::SchemaResolver {
 public:
  // Every pointer must outlive this object; `fallback` may be null.
  ClusterSchemaResolver(kube::OpenApi* openapi, kube::RestMapper* mapper,
                        const graph::SchemaResolver* fallback)
      : openapi_(openapi), mapper_(mapper), fallback_(fallback) {}

  Result<graph::ResolvedSchema> Resolve(const graph::Gvk& gvk) const override;

 private:
  kube::OpenApi* openapi_;
  kube::RestMapper* mapper_;
  const graph::SchemaResolver* fallback_;
};

}  // namespace kro::controller
