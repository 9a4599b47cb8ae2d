#include "kro/base/result.h"

#include <gtest/gtest.h>

#include <string>

namespace kro {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) {
    return InvalidArgument("must be positive", "spec.replicas");
  }
  return v;
}

Result<int> Doubled(int v) {
  KRO_ASSIGN_OR_RETURN(int x, ParsePositive(v));
  return x * 2;
}

TEST(StatusTest, OkHasNoMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ErrorCarriesCodeMessageLocation) {
  Status s = NotFound("no such thing", "a.yaml:3:4");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.Is(ErrorCode::kNotFound));
  EXPECT_EQ(s.ToString(), "NOT_FOUND: no such thing (at a.yaml:3:4)");
  EXPECT_EQ(s.WithPrefix("get cm").message(), "get cm: no such thing");
  EXPECT_EQ(s.WithPrefix("get cm").location(), "a.yaml:3:4");
}

TEST(ResultTest, ValueAndErrorPropagate) {
  Result<int> good = Doubled(4);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 8);
  Result<int> bad = Doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.status().location(), "spec.replicas");
  EXPECT_EQ(bad.value_or(7), 7);
}

TEST(ResultTest, HoldsMoveOnlyAndConvertibleValues) {
  Result<std::string> r("abc");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 3u);
  Result<std::unique_ptr<int>> p(std::make_unique<int>(5));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(**p, 5);
}

}  // namespace
}  // namespace kro
