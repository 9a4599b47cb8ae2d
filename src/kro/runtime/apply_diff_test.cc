#include "kro/runtime/apply_diff.h"

#include <gtest/gtest.h>

namespace kro::runtime {
namespace {

json::Value J(const char* s) { return *json::Parse(s); }

TEST(ApplyDiffTest, ObservedWithDefaultsSatisfiesDesired) {
  auto desired = J(R"({"apiVersion":"apps/v1","kind":"Deployment",
      "metadata":{"name":"web","labels":{"app":"web"}},
      "spec":{"replicas":2,"template":{"spec":{"containers":[
        {"name":"c","image":"nginx","resources":{"limits":{"cpu":"1000m","memory":"1Gi"}}}]}}}})");
  auto observed = J(R"({"apiVersion":"apps/v1","kind":"Deployment",
      "metadata":{"name":"web","uid":"u","resourceVersion":"9","labels":{"app":"web","x":"y"}},
      "spec":{"replicas":2,"revisionHistoryLimit":10,"template":{"spec":{"containers":[
        {"name":"c","image":"nginx","imagePullPolicy":"Always",
         "resources":{"limits":{"cpu":"1","memory":"1024Mi"}}}]}}},
      "status":{"replicas":2}})");
  std::string where;
  EXPECT_TRUE(DesiredSatisfiedBy(desired, observed, &where)) << where;
}

TEST(ApplyDiffTest, DriftIsDetectedWithItsPath) {
  auto desired = J(R"({"spec":{"replicas":2,"template":{"spec":{"containers":[
        {"name":"c","image":"nginx:1.27"}]}}}})");
  std::string where;
  EXPECT_FALSE(DesiredSatisfiedBy(desired, J(R"({"spec":{"replicas":3,"template":{"spec":{
        "containers":[{"name":"c","image":"nginx:1.27"}]}}}})"), &where));
  EXPECT_EQ(where, "spec.replicas");
  EXPECT_FALSE(DesiredSatisfiedBy(desired, J(R"({"spec":{"replicas":2,"template":{"spec":{
        "containers":[{"name":"c","image":"nginx:1.26"}]}}}})"), &where));
  EXPECT_EQ(where, "spec.template.spec.containers[0].image");
  EXPECT_FALSE(DesiredSatisfiedBy(desired, J(R"({"spec":{"replicas":2}})"), &where));
  EXPECT_EQ(where, "spec.template");
}

TEST(ApplyDiffTest, ListsCompareByLengthAndOrder) {
  EXPECT_FALSE(DesiredSatisfiedBy(J(R"({"a":[1,2]})"), J(R"({"a":[1,2,3]})")));
  EXPECT_FALSE(DesiredSatisfiedBy(J(R"({"a":[1,2]})"), J(R"({"a":[2,1]})")));
  EXPECT_TRUE(DesiredSatisfiedBy(J(R"({"a":[1,2]})"), J(R"({"a":[1.0,2]})")));
}

TEST(ApplyDiffTest, ScalarsAndNulls) {
  EXPECT_FALSE(DesiredSatisfiedBy(J(R"({"port":8080})"), J(R"({"port":"8080"})")));
  EXPECT_TRUE(DesiredSatisfiedBy(J(R"({"x":null})"), J(R"({})")));
  EXPECT_FALSE(DesiredSatisfiedBy(J(R"({"x":"a"})"), J(R"({})")));
  EXPECT_TRUE(DesiredSatisfiedBy(J(R"({"q":"500m"})"), J(R"({"q":"0.5"})")));
  EXPECT_FALSE(DesiredSatisfiedBy(J(R"({"q":"500m"})"), J(R"({"q":"5"})")));
  EXPECT_FALSE(DesiredSatisfiedBy(J(R"({"s":"abc"})"), J(R"({"s":"abd"})")));
}

}  // namespace
}  // namespace kro::runtime
