#include "kro/controller/field_conflicts.h"

#include <gtest/gtest.h>

namespace kro::controller {
namespace {

json::Value J(std::string_view s) {
  Result<json::Value> v = json::Parse(s);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : json::Value();
}

// A ConfigMap whose managedFields hold `entries` (a JSON array text).
json::Value Live(std::string_view entries) {
  return J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","managedFields":)" +
           std::string(entries) + R"(},"data":{"owner":"x","mine":"y"}})");
}

const char* kDesired = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c",
  "labels":{"kro.run/owned":"true"}},"data":{"owner":"me","mine":"y"}})";

TEST(CoApplyingManagersTest, ApplyManagerOwningOurLeafIsReported) {
  json::Value live = Live(R"([
    {"manager":"kro.run/applyset","operation":"Apply","fieldsV1":{"f:data":{"f:mine":{}}}},
    {"manager":"intruder","operation":"Apply","fieldsV1":{"f:data":{"f:owner":{}}}}])");
  EXPECT_EQ(CoApplyingManagers(live, J(kDesired), "kro.run/applyset"),
            std::vector<std::string>{"intruder"});
}

TEST(CoApplyingManagersTest, UpdateManagersAndSelfAreNot) {
  json::Value live = Live(R"([
    {"manager":"kro.run/applyset","operation":"Apply","fieldsV1":{"f:data":{"f:owner":{}}}},
    {"manager":"kubectl-edit","operation":"Update","fieldsV1":{"f:data":{"f:owner":{}}}},
    {"manager":"status-writer","operation":"Apply","subresource":"status",
     "fieldsV1":{"f:data":{"f:owner":{}}}}])");
  EXPECT_TRUE(CoApplyingManagers(live, J(kDesired), "kro.run/applyset").empty());
}

TEST(CoApplyingManagersTest, SameValueIsSharedNotConflicting) {
  // "team" applies data.mine with the value kro wants too; the drift on data.owner is an
  // imperative edit, so kro may force it back.
  json::Value live = Live(R"([
    {"manager":"team","operation":"Apply","fieldsV1":{"f:data":{"f:mine":{}}}},
    {"manager":"kubectl-edit","operation":"Update","fieldsV1":{"f:data":{"f:owner":{}}}}])");
  EXPECT_TRUE(CoApplyingManagers(live, J(kDesired), "kro.run/applyset").empty());
}

TEST(CoApplyingManagersTest, DisjointFieldsAndContainerOnlyAreNot) {
  json::Value live = Live(R"([
    {"manager":"labeler","operation":"Apply",
     "fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:team":{}}},"f:data":{".":{}}}}])");
  EXPECT_TRUE(CoApplyingManagers(live, J(kDesired), "kro.run/applyset").empty());
}

TEST(CoApplyingManagersTest, ListEntriesOfAListWeSetAreShared) {
  json::Value live = J(R"({"metadata":{"managedFields":[{"manager":"other","operation":"Apply",
    "fieldsV1":{"f:spec":{"f:ports":{"k:{\"port\":80}":{".":{},"f:port":{}}}}}}]},
    "spec":{"ports":[{"port":80,"name":"x"}]}})");
  json::Value desired = J(R"({"spec":{"ports":[{"port":80}]}})");
  EXPECT_EQ(CoApplyingManagers(live, desired, "kro.run/applyset"),
            std::vector<std::string>{"other"});
  EXPECT_TRUE(CoApplyingManagers(live, J(R"({"spec":{"type":"X"}})"), "kro").empty());
}

TEST(CoApplyingManagersTest, NoManagedFields) {
  EXPECT_TRUE(CoApplyingManagers(J(R"({"metadata":{}})"), J(kDesired), "kro").empty());
  EXPECT_TRUE(CoApplyingManagers(J("null"), J(kDesired), "kro").empty());
}

}  // namespace
}  // namespace kro::controller
