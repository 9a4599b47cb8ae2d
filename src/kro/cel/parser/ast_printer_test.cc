#include "kro/cel/parser/ast_printer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kro/cel/parser/parser.h"

namespace kro::cel {
namespace {

TEST(AstPrinterTest, Constants) {
  struct Case {
    Constant value;
    std::string want;
  };
  std::vector<Case> cases = {
      {NullValue{}, "null"},
      {true, "true"},
      {int64_t{-3}, "-3"},
      {uint64_t{3}, "3u"},
      {2.0, "2.0"},
      {0.1, "0.1"},
      {1e300, "1e+300"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {std::nan(""), "NaN"},
      {std::string("a\"\\\n\t\x01\xc3\xa9"), "\"a\\\"\\\\\\n\\t\\x01\xc3\xa9\""},
      {Bytes{std::string("a\0\xff", 3)}, "b\"a\\x00\\xff\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ConstantToString(c.value), c.want);
  }
}

TEST(AstPrinterTest, IdsAndOffsets) {
  Result<ParsedExpr> r = Parse("{'a': [x]}");
  ASSERT_TRUE(r.ok());
  AstPrintOptions options;
  options.ids = true;
  EXPECT_EQ(AstToString(*r->expr, options), "{\"a\"^#2: [x^#5]^#4^#3}^#1");
  options.offsets = true;
  EXPECT_EQ(AstToString(*r->expr, options),
            "{\"a\"^#2@1: [x^#5@7]^#4@6^#3@4}^#1@0");
}

TEST(AstPrinterTest, HandBuiltNodes) {
  Expr e;
  e.kind = ExprKind::kComprehension;
  e.iter_var = "k";
  e.iter_var2 = "v";
  e.accu_var = "acc";
  EXPECT_EQ(AstToString(e),
            "__comprehension__(k, v, <null>, acc, <null>, <null>, <null>, <null>)");
  Expr s;
  s.kind = ExprKind::kStruct;
  s.name = "pkg.Msg";
  Entry entry;
  entry.field = "f";
  entry.optional = true;
  entry.value = std::make_unique<Expr>();
  entry.value->constant = int64_t{1};
  s.entries.push_back(std::move(entry));
  EXPECT_EQ(AstToString(s), "pkg.Msg{?f: 1}");
}

}  // namespace
}  // namespace kro::cel
