#include "kro/api/feature_gates.h"

#include <gtest/gtest.h>

namespace kro::api {
namespace {

TEST(FeatureGatesTest, DefaultsAreOff) {
  Result<FeatureGates> g = ParseFeatureGates("");
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->cel_omit_function);
  EXPECT_FALSE(g->instance_condition_events);
  EXPECT_FALSE(g->instance_condition_metrics);
  EXPECT_FALSE(g->conservative_crd_comparison);
  EXPECT_FALSE(g->deletion_policy);
}

TEST(FeatureGatesTest, ParsesNameEqualsBool) {
  Result<FeatureGates> g = ParseFeatureGates("CELOmitFunction=true");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_TRUE(g->cel_omit_function);

  g = ParseFeatureGates(
      " InstanceConditionEvents=T , CELOmitFunction=1,InstanceConditionMetrics=False,");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_TRUE(g->instance_condition_events);
  EXPECT_TRUE(g->cel_omit_function);
  EXPECT_FALSE(g->instance_condition_metrics);

  g = ParseFeatureGates("ConservativeCRDComparison=true,DeletionPolicy=true");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_TRUE(g->conservative_crd_comparison);
  EXPECT_TRUE(g->deletion_policy);

  // The last setting of a gate wins.
  g = ParseFeatureGates("CELOmitFunction=true,CELOmitFunction=false");
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->cel_omit_function);
}

TEST(FeatureGatesTest, Errors) {
  EXPECT_EQ(ParseFeatureGates("NoSuchGate=true").status().message(),
            "unrecognized feature gate: NoSuchGate");
  EXPECT_EQ(ParseFeatureGates("CELOmitFunction").status().message(),
            "missing bool value for CELOmitFunction");
  EXPECT_EQ(ParseFeatureGates("CELOmitFunction=yes").status().message(),
            "invalid value of CELOmitFunction=yes: not a bool");
  EXPECT_EQ(ParseFeatureGates("CELOmitFunction=yes").status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace kro::api
