// ConditionSet: kro's "Ready" condition bookkeeping over an object's status.conditions.
//
// Same semantics as upstream pkg/apis/condition_set.go: a root condition (Ready) summarises its
// dependents (for instances: InstanceManaged, GraphResolved, ResourcesReady); it is True when all
// dependents are True at the object's generation, else it copies the most recently changed False
// (then Unknown) dependent. lastTransitionTime changes only when a condition's status changes, so
// re-marking the same state leaves the conditions byte-identical (no status write follows).
// Thread-compatible; time comes in as a parameter (no clock reads here).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kro/json/json.h"

namespace kro::runtime {

struct Condition {
  std::string type;
  std::string status;  // "True" | "False" | "Unknown"
  std::string reason;
  std::string message;
  std::string last_transition_time;  // RFC 3339, whole seconds; empty = unset
  int64_t observed_generation = 0;
  bool has_reason = false;
  bool has_message = false;

  bool operator==(const Condition&) const = default;
};

// Parses status.conditions of `object` (entries that are not objects are skipped).
std::vector<Condition> ConditionsOf(const json::Value& object);

// Encodes conditions as upstream's JSON (omitempty on reason/message/time/observedGeneration).
json::Array EncodeConditions(const std::vector<Condition>& conditions);

class ConditionSet {
 public:
  // `root` summarises `dependents`. `generation` is metadata.generation of the object,
  // `creation_time` its creationTimestamp, `now` the current time (RFC 3339).
  ConditionSet(std::string root, std::vector<std::string> dependents,
               std::vector<Condition> initial, int64_t generation, std::string creation_time,
               std::string now);

  // Marks a condition; returns whether anything changed.
  bool SetTrue(std::string_view type, std::string_view reason, std::string_view message);
  bool SetFalse(std::string_view type, std::string_view reason, std::string_view message);
  bool SetUnknown(std::string_view type, std::string_view reason, std::string_view message);

  const Condition* Get(std::string_view type) const;
  bool IsRootTrue() const;
  const std::vector<Condition>& conditions() const { return conditions_; }

 private:
  bool Set(Condition c);
  void RecomputeRoot(std::string_view changed);
  bool IsDependent(std::string_view type) const;

  std::string root_;
  std::vector<std::string> dependents_;
  std::vector<Condition> conditions_;
  int64_t generation_;
  std::string creation_time_;
  std::string now_;
};

// The instance condition set upstream uses: Ready <- InstanceManaged, GraphResolved,
// ResourcesReady; missing conditions start Unknown/AwaitingReconciliation.
ConditionSet InstanceConditions(const json::Value& instance, std::string now);

}  // namespace kro::runtime
