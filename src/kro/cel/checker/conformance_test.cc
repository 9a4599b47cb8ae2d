#include "kro/cel/checker/conformance.h"

#include <gtest/gtest.h>

namespace kro::cel {
namespace {

Result<Type> CheckText(std::string_view expr, std::string_view type_env_json,
                       std::string_view container = "") {
  auto parsed = Parse(expr);
  if (!parsed.ok()) {
    return parsed.status();
  }
  auto type_env = json::Parse(type_env_json);
  if (!type_env.ok()) {
    return type_env.status();
  }
  return CheckForConformance(*parsed, container, *type_env);
}

TEST(ConformanceCheckTest, DeducesTypes) {
  EXPECT_EQ(FormatType(*CheckText("[1, 2].map(x, x * 2)", "[]")), "list(int)");
  EXPECT_EQ(FormatType(*CheckText("[1, 2] + [x]", R"([{"ident": {"name": "x", "type": "int"}}])")),
            "list(int)");
  EXPECT_EQ(FormatType(*CheckText("1 < 2.0", "[]")), "bool");  // cross-type comparisons are on
  EXPECT_EQ(FormatType(*CheckText("math.greatest(1, 2)", "[]")), "int");
  EXPECT_EQ(FormatType(*CheckText("math.least(1, 2, 3)", "[]")), "int");
  EXPECT_EQ(FormatType(*CheckText("math.greatest(1, 2.0, 3u)", "[]")), "dyn");
  EXPECT_FALSE(CheckText("math.greatest(1, 'a', 3)", "[]").ok());
  EXPECT_EQ(FormatType(*CheckText("timestamp(0)", "[]")), "google.protobuf.Timestamp");
  EXPECT_EQ(FormatType(*CheckText("y", R"([{"ident": {"name": "a.b.y", "type": "uint"}}])",
                                  "a.b")),
            "uint");
}

TEST(ConformanceCheckTest, DeclaredFunctions) {
  const char* env = R"json([{"function": {"name": "fn", "overloads": [
      {"id": "fn_T", "member": false, "params": ["list(T)"], "result": "T",
       "type_params": ["T"]},
      {"id": "string_fn_int", "member": true, "params": ["string", "int"],
       "result": "bool"}]}}])json";
  EXPECT_EQ(FormatType(*CheckText("fn(['a'])", env)), "string");
  EXPECT_EQ(FormatType(*CheckText("'a'.fn(1)", env)), "bool");
  auto bad = CheckText("fn(1)", env);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("found no matching overload for 'fn' applied to '(int)'"),
            std::string::npos);
}

TEST(ConformanceCheckTest, BadTypeEnvIsUnimplemented) {
  auto r = CheckText("x", R"json([{"ident": {"name": "x", "type": "list(int"}}])json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnimplemented);
}

}  // namespace
}  // namespace kro::cel
