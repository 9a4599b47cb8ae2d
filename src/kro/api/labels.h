// Label keys and values kro sets on the objects it manages, byte for byte as upstream
// pkg/metadata/labels.go. Constants only; thread-safe.
#pragma once

#include <string_view>

namespace kro::api {

inline constexpr std::string_view kKroDomainName = "kro.run";
inline constexpr std::string_view kLabelKroPrefix = "kro.run/";
inline constexpr std::string_view kInternalLabelPrefix = "internal.kro.run/";

inline constexpr std::string_view kNodeIdLabel = "kro.run/node-id";
inline constexpr std::string_view kCollectionIndexLabel = "kro.run/collection-index";
inline constexpr std::string_view kCollectionSizeLabel = "kro.run/collection-size";
inline constexpr std::string_view kOwnedLabel = "kro.run/owned";
inline constexpr std::string_view kKroVersionLabel = "kro.run/kro-version";

inline constexpr std::string_view kManagedByLabelKey = "app.kubernetes.io/managed-by";
inline constexpr std::string_view kManagedByKroValue = "kro";

inline constexpr std::string_view kInstanceIdLabel = "kro.run/instance-id";
inline constexpr std::string_view kInstanceLabel = "kro.run/instance-name";
inline constexpr std::string_view kInstanceNamespaceLabel = "kro.run/instance-namespace";
inline constexpr std::string_view kInstanceGroupLabel = "kro.run/instance-group";
inline constexpr std::string_view kInstanceVersionLabel = "kro.run/instance-version";
inline constexpr std::string_view kInstanceKindLabel = "kro.run/instance-kind";

inline constexpr std::string_view kResourceGraphDefinitionIdLabel =
    "kro.run/resource-graph-definition-id";
inline constexpr std::string_view kResourceGraphDefinitionNameLabel =
    "kro.run/resource-graph-definition-name";
inline constexpr std::string_view kResourceGraphDefinitionNamespaceLabel =
    "kro.run/resource-graph-definition-namespace";
inline constexpr std::string_view kResourceGraphDefinitionVersionLabel =
    "kro.run/resource-graph-definition-version";
inline constexpr std::string_view kGraphRevisionHashLabel = "kro.run/graph-revision-hash";

// The instance annotation that suspends reconciliation (upstream api/v1alpha1): the value
// "suspended", or the legacy "disabled", compared case-insensitively.
inline constexpr std::string_view kInstanceReconcileAnnotation = "kro.run/reconcile";

// True when `value` of kInstanceReconcileAnnotation suspends reconciliation.
constexpr bool IsReconcileSuspended(std::string_view value) {
  auto equal_fold = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
      if (x != b[i]) return false;
    }
    return true;
  };
  return equal_fold(value, "suspended") || equal_fold(value, "disabled");
}

// Server-side apply field managers.
inline constexpr std::string_view kApplySetFieldManager = "kro.run/applyset";
inline constexpr std::string_view kApplySetParentFieldManager = "kro.run/applyset-parent";
inline constexpr std::string_view kLabellerFieldManager = "kro.run/labeller";

}  // namespace kro::api
