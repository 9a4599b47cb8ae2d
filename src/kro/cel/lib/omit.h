// kro's omit() sentinel (feature gate CELOmitFunction): the value a template field's expression
// returns to remove that field (or list element) from the rendered object. The runtime removes
// it (kro/runtime/value_json.h); everywhere else it is an ordinary opaque value of type
// "kro.omit" that no function accepts. Whether omit() may be called at all is decided by the
// checker's declarations (KroLibraryOptions::omit) and the graph builder.
#pragma once

#include <string_view>

#include "kro/cel/eval/registry.h"
#include "kro/cel/eval/value.h"

namespace kro::cel {

inline constexpr std::string_view kOmitTypeName = "kro.omit";

// The sentinel (one shared instance).
Value OmitValue();
bool IsOmit(const Value& v);

// Registers the zero-argument function omit().
void AddOmitFunction(Registry& r);

}  // namespace kro::cel
