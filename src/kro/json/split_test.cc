#include "kro/json/split.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "kro/json/json.h"

namespace kro::json {
namespace {

using Members = std::vector<std::pair<std::string, std::string>>;

Result<Members> MembersOf(std::string_view text) {
  Members out;
  Status s = ForEachMember(text, [&](std::string_view k, std::string_view v) {
    out.emplace_back(std::string(k), std::string(v));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<std::string>> ElementsOf(std::string_view text) {
  std::vector<std::string> out;
  Status s = ForEachElement(text, [&](std::string_view v) {
    out.emplace_back(v);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

TEST(SplitTest, MembersOfAListResponse) {
  auto m = MembersOf(R"( {"kind":"ConfigMapList", "metadata" : {"resourceVersion":"7"},
    "items":[{"a":"}]\"{["},{"b":[1,{"c":null}]}], "n":-1.5e3, "t":true, "z":null } )");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(*m, (Members{{"kind", R"("ConfigMapList")"},
                         {"metadata", R"({"resourceVersion":"7"})"},
                         {"items", R"([{"a":"}]\"{["},{"b":[1,{"c":null}]}])"},
                         {"n", "-1.5e3"},
                         {"t", "true"},
                         {"z", "null"}}));
  auto items = ElementsOf((*m)[2].second);
  ASSERT_TRUE(items.ok());
  EXPECT_EQ(*items, (std::vector<std::string>{R"({"a":"}]\"{["})", R"({"b":[1,{"c":null}]})"}));
  for (const std::string& item : *items) {
    EXPECT_TRUE(Parse(item).ok()) << item;  // each piece is a whole JSON value
  }
}

TEST(SplitTest, EscapedKeysAreUnescaped) {
  auto m = MembersOf(R"({"a\"b\u0041":1})");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)[0].first, "a\"bA");
}

TEST(SplitTest, EmptyContainers) {
  auto m = MembersOf(" {} ");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->empty());
  auto e = ElementsOf("[ ]");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->empty());
}

TEST(SplitTest, MalformedTextIsAnErrorWithAnOffset) {
  for (std::string_view bad :
       {"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "{\"a\":[1}",
        "{\"a\":{]}", "{\"a\":\"open}", "{\"a\":1} x", "{a:1}"}) {
    auto m = MembersOf(bad);
    EXPECT_FALSE(m.ok()) << bad;
    if (!m.ok()) {
      EXPECT_EQ(m.status().code(), ErrorCode::kInvalidArgument) << bad;
      EXPECT_NE(m.status().message().find("at byte"), std::string::npos) << bad;
    }
  }
  EXPECT_FALSE(ElementsOf("{}").ok());
  EXPECT_FALSE(ElementsOf("[1,,2]").ok());
}

TEST(SplitTest, DeepNestingNeedsNoRecursion) {
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto m = MembersOf(deep);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)[0].second.size(), 200000u);
}

TEST(SplitTest, AnErrorFromTheCallbackStops) {
  int calls = 0;
  Status s = ForEachElement("[1,2,3]", [&](std::string_view) {
    ++calls;
    return calls == 2 ? Aborted("enough") : Status::Ok();
  });
  EXPECT_EQ(s.code(), ErrorCode::kAborted);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace kro::json
