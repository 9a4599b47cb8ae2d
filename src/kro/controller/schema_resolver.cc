#include "kro/controller/schema_resolver.h"

namespace kro::controller {

Result<graph::ResolvedSchema> ClusterSchemaResolver::Resolve(const graph::Gvk& gvk) const {
  kube::Gvk kg{gvk.group, gvk.version, gvk.kind};
  Result<kube::RestMapping> mapping = mapper_->Map(kg);
  if (mapping.ok()) {
    // Shared: every node of every graph with this kind points at one copy of its schema.
    Result<std::shared_ptr<const json::Value>> schema = openapi_->SharedSchemaFor(kg);
    if (!schema.ok() && schema.status().code() == ErrorCode::kNotFound) {
      openapi_->Invalidate();
      schema = openapi_->SharedSchemaFor(kg);
    }
    if (schema.ok()) {
      std::shared_ptr<const json::Value> doc = *schema;
      graph::ResolvedSchema out;
      out.schema = graph::SchemaView(doc, doc.get());
      out.namespaced = mapping->namespaced;
      return out;
    }
  }
  if (fallback_ != nullptr) {
    return fallback_->Resolve(gvk);
  }
  if (!mapping.ok()) {
    return mapping.status();
  }
  return NotFound("schema not found for " + gvk.ToString());
}

}  // namespace kro::controller
