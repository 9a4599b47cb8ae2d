// Who else applies the fields kro applies: read from an object's metadata.managedFields.
//
// kro server-side-applies children without force first. When that fails with a conflict (another
// field manager owns a field kro sets, with a different value), the conflict is one of two kinds:
//   - the field was last changed by an imperative write (operation Update: kubectl edit/patch,
//     a controller's PUT): drift, which kro repairs by applying again with force, as upstream;
//   - another manager declares the field with server-side apply (operation Apply): two owners
//     that both mean it. Forcing would start a write fight with that manager, so kro reports
//     the conflict on the instance instead and waits for a change.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kro/json/json.h"

namespace kro::controller {

// Managers other than `self` whose managedFields entry in `live` has operation Apply (on the
// main resource, not a subresource) and owns at least one field that `desired` sets to a value
// other than the live one (only those fields can conflict; a field both set to the same value is
// shared). Sorted, without duplicates. The entries of a list that differs count as owned
// (conservative: this only runs after the server reported a conflict).
std::vector<std::string> CoApplyingManagers(const json::Value& live, const json::Value& desired,
                                            std::string_view self);

}  // namespace kro::controller
