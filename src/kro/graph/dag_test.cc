#include "kro/graph/dag.h"

#include <gtest/gtest.h>

namespace kro::graph {
namespace {

Dag Make(const std::vector<std::pair<std::string, std::vector<std::string>>>& spec) {
  Dag d;
  int i = 0;
  for (const auto& [id, deps] : spec) EXPECT_TRUE(d.AddVertex(id, i++).ok());
  for (const auto& [id, deps] : spec) EXPECT_TRUE(d.AddDependencies(id, deps).ok());
  return d;
}

TEST(DagTest, OrderKeepsDeclarationOrderAmongIndependents) {
  Dag d = Make({{"c", {}}, {"a", {}}, {"b", {"c"}}, {"d", {"a", "b"}}});
  auto order = d.TopologicalSort();
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(*order, (std::vector<std::string>{"c", "a", "b", "d"}));
  auto levels = d.Levels();
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_EQ(levels[0], (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(levels[1], (std::vector<std::string>{"b"}));
  EXPECT_EQ(levels[2], (std::vector<std::string>{"d"}));
}

TEST(DagTest, DependencyDeclaredLaterComesFirst) {
  Dag d = Make({{"app", {"db"}}, {"db", {}}});
  EXPECT_EQ(*d.TopologicalSort(), (std::vector<std::string>{"db", "app"}));
}

TEST(DagTest, CycleIsNamed) {
  Dag d = Make({{"x", {}}, {"a", {"c"}}, {"b", {"a"}}, {"c", {"b"}}});
  auto order = d.TopologicalSort();
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.status().message(), "graph contains a cycle: a -> c -> b -> a");
  EXPECT_EQ(FormatCycle(d.FindCycle()), "a -> c -> b -> a");
}

TEST(DagTest, Errors) {
  Dag d;
  EXPECT_TRUE(d.AddVertex("a", 0).ok());
  EXPECT_EQ(d.AddVertex("a", 1).code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(d.AddDependencies("a", {"a"}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(d.AddDependencies("a", {"zz"}).code(), ErrorCode::kNotFound);
  EXPECT_TRUE(d.FindCycle().empty());
}

TEST(DagTest, LargeChainIsLinear) {
  Dag d;
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(d.AddVertex("n" + std::to_string(i), i).ok());
  for (int i = 1; i < 500; ++i) {
    ASSERT_TRUE(d.AddDependencies("n" + std::to_string(i), {"n" + std::to_string(i - 1)}).ok());
  }
  auto order = d.TopologicalSort();
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(order->front(), "n0");
  EXPECT_EQ(d.Levels().size(), 500u);
}

}  // namespace
}  // namespace kro::graph
