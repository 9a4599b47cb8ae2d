// ApplySet metadata (KEP-3659) as upstream kro writes it: the instance is the ApplySet parent
// (an id label and tooling / group-kinds / additional-namespaces annotations) and every child
// carries the part-of label, so `kubectl apply --prune --applyset` and other ApplySet-aware
// tools see kro's objects as one set.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "kro/graph/graph.h"

namespace kro::controller {

inline constexpr std::string_view kApplySetIdLabel = "applyset.kubernetes.io/id";
inline constexpr std::string_view kApplySetPartOfLabel = "applyset.kubernetes.io/part-of";
inline constexpr std::string_view kApplySetToolingAnnotation = "applyset.kubernetes.io/tooling";
inline constexpr std::string_view kApplySetGroupKindsAnnotation =
    "applyset.kubernetes.io/contains-group-kinds";
inline constexpr std::string_view kApplySetNamespacesAnnotation =
    "applyset.kubernetes.io/additional-namespaces";

// Unpadded URL-safe base64 of sha256(data): the digest form of the ApplySet id and of the
// inventory hash.
std::string Sha256Base64Url(std::string_view data);

// "applyset-" + unpadded URL-safe base64 of sha256("<name>.<namespace>.<kind>.<group>") + "-v1".
std::string ApplySetId(std::string_view name, std::string_view ns, std::string_view kind,
                       std::string_view group);

// The sorted "Kind.group" list ("Kind" for the core group) of the kinds the graph manages
// (external references are read, not managed), comma-separated.
std::string ApplySetGroupKinds(const graph::Graph& g);

// The namespaces in `child_namespaces` other than `parent_ns` (and ""), sorted, comma-separated.
std::string ApplySetAdditionalNamespaces(const std::set<std::string>& child_namespaces,
                                         std::string_view parent_ns);

}  // namespace kro::controller
