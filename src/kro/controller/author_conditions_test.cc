#include "kro/controller/author_conditions.h"

#include <gtest/gtest.h>

namespace kro::controller {
namespace {

runtime::Condition Prev(std::string type, std::string status, std::string time) {
  runtime::Condition c;
  c.type = std::move(type);
  c.status = std::move(status);
  c.last_transition_time = std::move(time);
  c.observed_generation = 1;
  return c;
}

TEST(StampAuthorConditionsTest, KeepsTransitionTimeWhileStatusIsUnchanged) {
  std::vector<runtime::Condition> previous = {Prev("A", "True", "2026-01-01T00:00:00Z"),
                                              Prev("B", "True", "2026-01-01T00:00:00Z")};
  std::vector<runtime::Condition> out = StampAuthorConditions(
      {{"A", "True", "R", "m"}, {"B", "False", "", ""}, {"C", "Unknown", "", ""}}, false, previous,
      4, "2026-02-02T00:00:00Z");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].last_transition_time, "2026-01-01T00:00:00Z");  // unchanged status
  EXPECT_EQ(out[0].reason, "R");
  EXPECT_TRUE(out[0].has_reason);
  EXPECT_EQ(out[0].message, "m");
  EXPECT_EQ(out[0].observed_generation, 4);
  EXPECT_EQ(out[1].last_transition_time, "2026-02-02T00:00:00Z");  // True -> False
  EXPECT_FALSE(out[1].has_reason);
  EXPECT_EQ(out[2].last_transition_time, "2026-02-02T00:00:00Z");  // new
}

TEST(StampAuthorConditionsTest, IncompleteKeepsPreviousTypesNotProduced) {
  std::vector<runtime::Condition> previous = {Prev("A", "True", "t0"), Prev("Gone", "False", "t0")};
  std::vector<runtime::Condition> complete =
      StampAuthorConditions({{"A", "True", "", ""}}, false, previous, 2, "t1");
  ASSERT_EQ(complete.size(), 1u);
  std::vector<runtime::Condition> incomplete =
      StampAuthorConditions({{"A", "True", "", ""}}, true, previous, 2, "t1");
  ASSERT_EQ(incomplete.size(), 2u);
  EXPECT_EQ(incomplete[1], previous[1]);
}

TEST(AuthorStatusConditionsTest, NullRuntimeMeansBuiltins) {
  json::Value instance = json::Parse(R"({"metadata":{"name":"a"}})").value();
  EXPECT_FALSE(AuthorStatusConditions(nullptr, {}, instance, false, "t").has_value());
}

}  // namespace
}  // namespace kro::controller
