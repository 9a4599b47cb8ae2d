#include "kro/runtime/conditions.h"

#include <gtest/gtest.h>

namespace kro::runtime {
namespace {

json::Value Instance(int64_t generation) {
  return *json::Parse(R"({"metadata":{"generation":)" + std::to_string(generation) +
                      R"(,"creationTimestamp":"2026-01-01T00:00:00Z"}})");
}

TEST(ConditionSetTest, MissingConditionsStartUnknownAtCreationTime) {
  ConditionSet cs = InstanceConditions(Instance(1), "2026-01-02T00:00:00Z");
  ASSERT_EQ(cs.conditions().size(), 4u);
  EXPECT_EQ(cs.conditions().back().type, "Ready");
  for (const auto& c : cs.conditions()) {
    EXPECT_EQ(c.status, "Unknown") << c.type;
    EXPECT_EQ(c.reason, "AwaitingReconciliation");
    EXPECT_EQ(c.last_transition_time, "2026-01-01T00:00:00Z");
    EXPECT_EQ(c.observed_generation, 1);
  }
}

TEST(ConditionSetTest, RootBecomesTrueWhenAllDependentsAreTrue) {
  ConditionSet cs = InstanceConditions(Instance(2), "2026-01-02T00:00:00Z");
  cs.SetTrue("InstanceManaged", "Managed", "ok");
  cs.SetTrue("GraphResolved", "Resolved", "ok");
  EXPECT_FALSE(cs.IsRootTrue());
  EXPECT_EQ(cs.Get("Ready")->status, "Unknown");
  cs.SetTrue("ResourcesReady", "AllResourcesReady", "all resources are created and ready");
  EXPECT_TRUE(cs.IsRootTrue());
  EXPECT_EQ(cs.Get("Ready")->reason, "Ready");
  EXPECT_EQ(cs.Get("Ready")->last_transition_time, "2026-01-02T00:00:00Z");
}

TEST(ConditionSetTest, RootCopiesTheFalseDependent) {
  ConditionSet cs = InstanceConditions(Instance(1), "2026-01-02T00:00:00Z");
  cs.SetTrue("InstanceManaged", "Managed", "ok");
  cs.SetTrue("GraphResolved", "Resolved", "ok");
  cs.SetFalse("ResourcesReady", "NotReady", "awaiting resource readiness");
  const Condition* ready = cs.Get("Ready");
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->reason, "NotReady");
  EXPECT_EQ(ready->message, "awaiting resource readiness");
}

TEST(ConditionSetTest, RemarkingTheSameStateChangesNothing) {
  ConditionSet first = InstanceConditions(Instance(1), "2026-01-02T00:00:00Z");
  first.SetTrue("InstanceManaged", "Managed", "ok");
  first.SetTrue("GraphResolved", "Resolved", "ok");
  first.SetTrue("ResourcesReady", "AllResourcesReady", "ok");
  json::Value obj = Instance(1);
  obj.as_object()["status"] = json::Object{{"conditions", EncodeConditions(first.conditions())}};
  // A later reconcile, at a later time, that reaches the same state.
  ConditionSet again = InstanceConditions(obj, "2026-01-09T00:00:00Z");
  EXPECT_FALSE(again.SetTrue("InstanceManaged", "Managed", "ok"));
  EXPECT_FALSE(again.SetTrue("GraphResolved", "Resolved", "ok"));
  EXPECT_FALSE(again.SetTrue("ResourcesReady", "AllResourcesReady", "ok"));
  EXPECT_TRUE(json::Equal(json::Value(EncodeConditions(again.conditions())),
                          json::Value(EncodeConditions(first.conditions()))));
  // A status change moves lastTransitionTime.
  EXPECT_TRUE(again.SetFalse("ResourcesReady", "NotReady", "x"));
  EXPECT_EQ(again.Get("ResourcesReady")->last_transition_time, "2026-01-09T00:00:00Z");
}

TEST(ConditionSetTest, ANewGenerationMakesRootUnready) {
  ConditionSet cs = InstanceConditions(Instance(1), "t1");
  cs.SetTrue("InstanceManaged", "Managed", "ok");
  cs.SetTrue("GraphResolved", "Resolved", "ok");
  cs.SetTrue("ResourcesReady", "AllResourcesReady", "ok");
  json::Value obj = Instance(2);
  obj.as_object()["status"] = json::Object{{"conditions", EncodeConditions(cs.conditions())}};
  ConditionSet next = InstanceConditions(obj, "t2");
  EXPECT_FALSE(next.IsRootTrue());
}

}  // namespace
}  // namespace kro::runtime
