// Condition types and states of RGDs, instances and nodes, byte for byte as upstream
// api/v1alpha1/{conditions.go,instance_state.go,resourcegraphdefinition_types.go}. Thread-safe.
#pragma once

#include <array>
#include <string_view>

namespace kro::api {

// ResourceGraphDefinition condition types.
inline constexpr std::string_view kRgdConditionGraphAccepted = "GraphAccepted";
inline constexpr std::string_view kRgdConditionGraphRevisionsResolved = "GraphRevisionsResolved";
inline constexpr std::string_view kRgdConditionKindReady = "KindReady";
inline constexpr std::string_view kRgdConditionControllerReady = "ControllerReady";

// Instance condition types.
inline constexpr std::string_view kInstanceConditionReady = "Ready";
inline constexpr std::string_view kInstanceConditionInstanceManaged = "InstanceManaged";
inline constexpr std::string_view kInstanceConditionGraphResolved = "GraphResolved";
inline constexpr std::string_view kInstanceConditionResourcesReady = "ResourcesReady";

// The instance condition types kro owns (users may not redefine them in status.conditions).
inline constexpr std::array<std::string_view, 4> kKroBuiltinConditionTypes = {
    kInstanceConditionReady, kInstanceConditionInstanceManaged, kInstanceConditionGraphResolved,
    kInstanceConditionResourcesReady};

// Condition status values (metav1.ConditionStatus).
inline constexpr std::string_view kConditionTrue = "True";
inline constexpr std::string_view kConditionFalse = "False";
inline constexpr std::string_view kConditionUnknown = "Unknown";

// RGD status.state.
inline constexpr std::string_view kRgdStateActive = "Active";
inline constexpr std::string_view kRgdStateInactive = "Inactive";

// Instance status.state.
inline constexpr std::string_view kInstanceStateInProgress = "IN_PROGRESS";
inline constexpr std::string_view kInstanceStateFailed = "FAILED";
inline constexpr std::string_view kInstanceStateActive = "ACTIVE";
inline constexpr std::string_view kInstanceStateDeleting = "DELETING";
inline constexpr std::string_view kInstanceStateError = "ERROR";

// Per-resource node states.
inline constexpr std::string_view kNodeStateInProgress = "IN_PROGRESS";
inline constexpr std::string_view kNodeStateDeleting = "DELETING";
inline constexpr std::string_view kNodeStateSkipped = "SKIPPED";
inline constexpr std::string_view kNodeStateError = "ERROR";
inline constexpr std::string_view kNodeStateSynced = "SYNCED";
inline constexpr std::string_view kNodeStateDeleted = "DELETED";
inline constexpr std::string_view kNodeStateWaitingForReadiness = "WAITING_FOR_READINESS";

// Instance scope values of spec.schema.scope.
inline constexpr std::string_view kScopeNamespaced = "Namespaced";
inline constexpr std::string_view kScopeCluster = "Cluster";

}  // namespace kro::api
