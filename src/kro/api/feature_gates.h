// kro's feature gates (upstream pkg/features) and the `--feature-gates` flag syntax of
// Kubernetes components: "Name=true,Other=false". All gates are alpha and off by default.
//
//   KRO_ASSIGN_OR_RETURN(FeatureGates g, ParseFeatureGates("CELOmitFunction=true"));
//   build_options.enable_omit = g.cel_omit_function;
//
// Plain value type; thread-compatible.
#pragma once

#include <string_view>

#include "kro/base/result.h"

namespace kro::api {

struct FeatureGates {
  // omit() in resource templates removes the field or list element.
  bool cel_omit_function = false;
  // An Event per instance condition change / a gauge of each condition's current status.
  bool instance_condition_events = false;
  bool instance_condition_metrics = false;
  // v0.10: the CRD compatibility check also refuses changes it cannot classify
  // (additionalProperties, format, list/map topology, CEL rules).
  bool conservative_crd_comparison = false;
  // v0.10: resources[].deletionPolicy (Delete | Orphaned).
  bool deletion_policy = false;
};

// Parses a comma-separated list of Name=bool (Go strconv.ParseBool spellings; spaces around
// entries are ignored; "" gives the defaults). Errors (InvalidArgument): an unknown gate, an
// entry without "=", a value that is not a bool.
Result<FeatureGates> ParseFeatureGates(std::string_view text);

}  // namespace kro::api
