// Decides whether server-side applying a desired object would change the observed one.
//
// kro applies every managed resource on every reconcile upstream; we skip the request when the
// observed object already holds every field we would set (a no-op reconcile makes no write).
// The comparison is conservative: when unsure it answers "differs" and the apply goes out.
// Pure and thread-safe.
#pragma once

#include <string>

#include "kro/json/json.h"

namespace kro::runtime {

// True when every field of `desired` is present in `observed` with an equal value:
// objects by key (observed may have more keys: defaults, other managers), lists element by
// element with equal length, scalars by value where numbers compare numerically (2 == 2.0) and
// Kubernetes quantities compare by amount ("1000m" == "1", "1Gi" == "1024Mi").
bool DesiredSatisfiedBy(const json::Value& desired, const json::Value& observed);

// Like DesiredSatisfiedBy, and on a mismatch writes the first differing field path to `where`.
bool DesiredSatisfiedBy(const json::Value& desired, const json::Value& observed,
                        std::string* where);

}  // namespace kro::runtime
