#include "kro/json/json.h"

#include <gtest/gtest.h>

namespace kro::json {
namespace {

TEST(JsonTest, ParseReportsLineAndColumn) {
  auto bad = Parse("{\n  \"a\": 1,\n  \"b\": }");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().location(), "3:8");
  auto good = Parse(R"({"a": [1, 2.5, "x", null, true]})");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(Serialize(*good), R"({"a":[1,2.5E0,"x",null,true]})");
}

TEST(JsonTest, YamlScalarsFollowTheCoreSchema) {
  auto v = ParseYaml(
      "i: 3\nneg: -7\nhex: 0x1F\nd: 2.5\ne: 1e3\nb: true\nn: null\ntilde: ~\ns: hello\n"
      "q: \"3\"\nsq: 'true'\nver: 1.2.3\nempty:\n");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const Object& o = v->get_object();
  EXPECT_EQ(o.at("i").as_int64(), 3);
  EXPECT_EQ(o.at("neg").as_int64(), -7);
  EXPECT_EQ(o.at("hex").as_int64(), 31);
  EXPECT_DOUBLE_EQ(o.at("d").as_double(), 2.5);
  EXPECT_DOUBLE_EQ(o.at("e").as_double(), 1000.0);
  EXPECT_TRUE(o.at("b").as_bool());
  EXPECT_TRUE(o.at("n").is_null());
  EXPECT_TRUE(o.at("tilde").is_null());
  EXPECT_EQ(o.at("s").as_string(), "hello");
  EXPECT_EQ(o.at("q").as_string(), "3");
  EXPECT_EQ(o.at("sq").as_string(), "true");
  EXPECT_EQ(o.at("ver").as_string(), "1.2.3");
  EXPECT_TRUE(o.at("empty").is_null());
}

TEST(JsonTest, YamlPositionsPointAtEveryNode) {
  PositionMap pos;
  auto v = ParseYaml("spec:\n  resources:\n    - id: db\n      template:\n        x: ${a}\n",
                     &pos);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(pos.count("spec.resources[0].template.x"));
  EXPECT_EQ(pos["spec.resources[0].template.x"].line, 5);
  EXPECT_EQ(pos["spec.resources[0].template.x"].column, 12);
  EXPECT_EQ(pos["spec.resources[0].id#key"].line, 3);
}

TEST(JsonTest, YamlErrorsNamePosition) {
  auto bad = ParseYaml("a: [1, 2\nb: 3\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_FALSE(bad.status().location().empty());
  auto multi = ParseYamlDocuments("a: 1\n---\nb: 2\n---\n");
  ASSERT_TRUE(multi.ok());
  EXPECT_EQ(multi->size(), 2u);
  EXPECT_FALSE(ParseYaml("a: 1\n---\nb: 2\n").ok());
}

TEST(JsonTest, FindAndPaths) {
  auto v = Parse(R"({"a": {"b.c": [ {"d": 4} ]}})");
  ASSERT_TRUE(v.ok());
  std::string p = AppendIndex(AppendField(AppendField("", "a"), "b.c"), 0);
  EXPECT_EQ(p, "a[\"b.c\"][0]");
  const Value* d = Find(*v, p + ".d");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->as_int64(), 4);
  EXPECT_EQ(Find(*v, "a.x"), nullptr);
  EXPECT_EQ(Find(*v, "a[\"b.c\"][3]"), nullptr);
}

TEST(JsonTest, EqualIgnoresKeyOrderButNotNumberKind) {
  EXPECT_TRUE(Equal(*Parse(R"({"a":1,"b":[1,2]})"), *Parse(R"({"b":[1,2],"a":1})")));
  EXPECT_FALSE(Equal(*Parse(R"({"a":1})"), *Parse(R"({"a":1.0})")));
  EXPECT_FALSE(Equal(*Parse(R"([1,2])"), *Parse(R"([2,1])")));
}

TEST(JsonTest, ToYamlWritesDoublesAsDecimals) {
  auto v = Parse(R"({"a":0.5,"b":2.0,"c":1e300,"d":-0.25,"i":3})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(ToYaml(*v), "a: 0.5\nb: 2.0\nc: 1e+300\nd: -0.25\ni: 3\n");
}

TEST(JsonTest, ToYamlRoundTrips) {
  auto v = Parse(R"({"apiVersion":"v1","kind":"ConfigMap","data":{"a b":"x: y","n":"1"},
                    "list":[{"x":1,"y":[true]},[],"s"],"e":{}})");
  ASSERT_TRUE(v.ok());
  auto back = ParseYaml(ToYaml(*v));
  ASSERT_TRUE(back.ok()) << ToYaml(*v);
  EXPECT_TRUE(Equal(*v, *back)) << ToYaml(*v);
}

}  // namespace
}  // namespace kro::json
