// CRD synthesis for an RGD's instance kind, as upstream kro v0.9.3 `pkg/graph/crd` does it.
//
// The CRD is named `<plural>.<group>` (plural = flect-style Pluralize of the lower-cased kind),
// has one served+storage version with the status subresource, an instance schema of
// {apiVersion, kind, metadata: object, spec, status}, the RGD's additionalPrinterColumns or kro's
// defaults (State, Ready, Age), the RGD's `schema.metadata` labels/annotations and its
// `schema.shortNames`/`schema.categories` as spec.names aliases (upstream main). kro's own
// labels and owner references are not added here: upstream's RGD controller applies them when it
// applies the CRD, and so does ours. Output is JSON with keys sorted (the shape `kubectl get -o
// yaml` shows), without the fields Go adds as zero values (creationTimestamp: null, an empty
// status). Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kro/base/result.h"
#include "kro/json/json.h"

namespace kro::schema {

// The parts of an RGD's `spec.schema` that shape the CRD.
struct CrdOptions {
  std::string group = "kro.run";
  std::string api_version;            // the version name, "v1alpha1"
  std::string kind;
  std::string scope = "Namespaced";   // or "Cluster"
  json::Array printer_columns;        // additionalPrinterColumns; empty: kro's defaults
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::vector<std::string> short_names;  // copied into spec.names.shortNames
  std::vector<std::string> categories;   // copied into spec.names.categories
};

// Reads CrdOptions from an RGD's `spec.schema` object (group defaults to kro.run, scope to
// Namespaced). Fails (InvalidArgument, message naming the field under "schema.") when kind or
// apiVersion is missing or a field has the wrong shape; the API server's own validation of the
// RGD (patterns, enums) is not repeated here.
Result<CrdOptions> CrdOptionsFromRgdSchema(const json::Value& rgd_schema);

// Builds the instance CRD. `spec_schema` is the OpenAPI schema from simpleschema::ToOpenApiSpec;
// `status_schema` the one inferred from the status expressions (null: an empty object schema).
// When `add_default_status_fields`, `status.state` (string) and `status.conditions` (kro's
// condition list schema) are added unless the status schema defines them already (upstream
// builds the CRD with false and then sets the inferred status with true; see SetCrdStatus).
json::Value SynthesizeCrd(const CrdOptions& options, const json::Value& spec_schema,
                          const json::Value& status_schema, bool add_default_status_fields);

// Replaces the status schema of a CRD made by SynthesizeCrd (upstream crd.SetCRDStatus).
void SetCrdStatus(json::Value& crd, const json::Value& status_schema,
                  bool add_default_status_fields);

// kro's default printer columns (State, Ready, Age), as upstream `defaults.go`.
json::Array DefaultPrinterColumns();

// The schema kro gives `status.conditions` by default.
json::Value DefaultConditionsSchema();

}  // namespace kro::schema
