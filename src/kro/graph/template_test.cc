#include "kro/graph/template.h"

#include <gtest/gtest.h>

namespace kro::graph {
namespace {

TEST(ExtractExpressionsTest, Table) {
  struct Case {
    std::string name;
    std::string input;
    std::vector<std::string> want;
    bool error = false;
  };
  std::vector<Case> cases = {
      {"none", "plain text", {}},
      {"one", "${a.b}", {"a.b"}},
      {"two", "x-${a}-${b}-y", {"a", "b"}},
      {"map literal", "${ {\"a\": 1}[\"a\"] }", {" {\"a\": 1}[\"a\"] "}},
      {"brace in string", "${ {\"a\": \"}\"}[\"a\"] }", {" {\"a\": \"}\"}[\"a\"] "}},
      {"escaped quote", "${\"a\\\"}\" + b}", {"\"a\\\"}\" + b"}},
      {"unterminated", "${a", {}},
      {"unterminated then ok", "${a ${b}", {}, true},
      {"nested in string ok", "${f(\"${x}\")}", {"f(\"${x}\")"}},
      {"nested bare", "${f(${x})}", {}, true},
      {"dollar alone", "cost: $5 {x}", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = ExtractExpressions(c.input);
    if (c.error) {
      EXPECT_FALSE(got.ok());
      continue;
    }
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    std::vector<std::string> exprs;
    for (const auto& m : *got) exprs.push_back(m.expr);
    EXPECT_EQ(exprs, c.want);
  }
}

TEST(ExtractExpressionsTest, Positions) {
  auto got = ExtractExpressions("ab${x}cd${yy}");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].start, 2u);
  EXPECT_EQ((*got)[0].end, 6u);
  EXPECT_EQ((*got)[1].start, 8u);
  EXPECT_EQ((*got)[1].end, 13u);
}

TEST(StandaloneTest, Table) {
  EXPECT_TRUE(*IsStandaloneExpression("${a}"));
  EXPECT_FALSE(*IsStandaloneExpression("${a}${b}"));
  EXPECT_FALSE(*IsStandaloneExpression(" ${a}"));
  EXPECT_FALSE(*IsStandaloneExpression("text"));
}

TEST(StringTemplateTest, Builds) {
  std::string s = "a-${x}-\"q\"-${y}";
  auto m = ExtractExpressions(s);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(BuildStringTemplate(s, *m), "\"a-\" + (x) + \"-\\\"q\\\"-\" + (y)");
  EXPECT_EQ(QuoteCelString("a\nb\\"), "\"a\\nb\\\\\"");
}

TEST(CollectExpressionsTest, WalksTemplates) {
  auto v = json::ParseYaml(R"(
metadata:
  name: ${schema.spec.name}
  labels: {"a.b/c": "x-${y}"}
spec:
  list: [1, "${z}", plain]
  n: 3
)");
  ASSERT_TRUE(v.ok());
  std::vector<FieldExpression> out;
  std::vector<TemplateIssue> issues;
  CollectExpressions(*v, "", &out, &issues);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].path, "metadata.name");
  EXPECT_TRUE(out[0].standalone);
  EXPECT_EQ(out[0].expression, "schema.spec.name");
  EXPECT_EQ(out[1].path, "metadata.labels[\"a.b/c\"]");
  EXPECT_FALSE(out[1].standalone);
  EXPECT_EQ(out[1].expression, "\"x-\" + (y)");
  EXPECT_EQ(out[2].path, "spec.list[1]");
  EXPECT_TRUE(issues.empty());
}

}  // namespace
}  // namespace kro::graph
