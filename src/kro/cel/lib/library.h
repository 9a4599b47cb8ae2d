// The function libraries of kro's CEL dialect (spec/cel.md §2), registered into a Registry.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "kro/cel/eval/registry.h"

namespace kro::cel {

// Standard library: operators, size, in, conversions, strings, regex, time accessors.
void AddStandardLibrary(Registry& r);
// optional.of/none/ofNonZeroValue, hasValue, value, or/orValue (also lazily in the planner),
// optional.unwrap, list.first()/last().
void AddOptionalLibrary(Registry& r);
// cel-go ext.Strings (v4).
void AddStringsLibrary(Registry& r);
// cel-go ext.Lists and @sortByAssociatedKeys.
void AddListsLibrary(Registry& r);
// cel.@mapInsert (two-variable comprehension helpers).
void AddComprehensionHelpers(Registry& r);
// base64.encode / base64.decode.
void AddEncodersLibrary(Registry& r);
// cel-go ext.Math (used by conformance tests).
void AddMathLibrary(Registry& r);
// Kubernetes: lists, url, regex, quantity, ip, cidr, semver.
void AddKubernetesLibraries(Registry& r);
// kro: hash, json, random, maps (merge, deepMerge), index-mutation lists, omit(). The checker
// declares deepMerge and omit only when their switches are on (KroLibraryOptions).
void AddKroLibraries(Registry& r);
// kro's runtime library: runtime.newCondition(map) and runtime.condition(obj, type), whose
// Condition values are maps {type, status, reason, message} (the checker declares them only for
// status.conditions expressions).
void AddKroRuntimeLibrary(Registry& r);

// Every library above, built once; immutable and shared.
std::shared_ptr<const Registry> DefaultRegistry();

// Helpers shared by libraries.
// Go's strconv.FormatFloat(d, 'g', -1, 64) as used by cel-go's string(double).
std::string FormatDoubleG(double d);
bool ValidUtf8(std::string_view s);
// Number of code points.
size_t CodePointCount(std::string_view s);
// Standard base64 with padding; Decode also accepts missing padding.
std::string Base64Encode(std::string_view in);
bool Base64Decode(std::string_view in, std::string* out);

}  // namespace kro::cel
