#include "kro/kube/token_bucket.h"

#include <gtest/gtest.h>

namespace kro::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(TokenBucketTest, BurstThenPacedByQps) {
  auto t = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  TokenBucket b(10, 3, [&] { return t; });
  EXPECT_EQ(b.Reserve(), nanoseconds(0));
  EXPECT_EQ(b.Reserve(), nanoseconds(0));
  EXPECT_EQ(b.Reserve(), nanoseconds(0));
  EXPECT_EQ(b.Reserve(), milliseconds(100));  // debt of one token at 10 qps
  EXPECT_EQ(b.Reserve(), milliseconds(200));
  EXPECT_FALSE(b.TryAccept());
  t += milliseconds(1000);  // refills 10 tokens, but debt 2 and cap 3 -> 3 tokens
  EXPECT_TRUE(b.TryAccept());
  EXPECT_TRUE(b.TryAccept());
  EXPECT_TRUE(b.TryAccept());
  EXPECT_FALSE(b.TryAccept());
}

TEST(TokenBucketTest, ZeroQpsIsUnlimited) {
  TokenBucket b(0, 1);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(b.Reserve(), nanoseconds(0));
  }
}

}  // namespace
}  // namespace kro::kube
