#include "kro/controller/rate_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace kro::controller {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(RateLimiterTest, ExponentialBackoffDoublesAndCaps) {
  EXPECT_EQ(ExponentialBackoff(milliseconds(5), seconds(1000), 0), milliseconds(5));
  EXPECT_EQ(ExponentialBackoff(milliseconds(5), seconds(1000), 3), milliseconds(40));
  EXPECT_EQ(ExponentialBackoff(milliseconds(5), seconds(1000), 30), seconds(1000));
  EXPECT_EQ(ExponentialBackoff(milliseconds(5), seconds(1000), 1000), seconds(1000));
}

TEST(RateLimiterTest, PerItemFailuresAndForget) {
  ExponentialFailureRateLimiter<std::string> l(milliseconds(1), seconds(1));
  EXPECT_EQ(l.When("a"), milliseconds(1));
  EXPECT_EQ(l.When("a"), milliseconds(2));
  EXPECT_EQ(l.When("a"), milliseconds(4));
  EXPECT_EQ(l.When("b"), milliseconds(1));
  EXPECT_EQ(l.NumRequeues("a"), 3);
  EXPECT_EQ(l.NumRequeues("b"), 1);
  l.Forget("a");
  EXPECT_EQ(l.NumRequeues("a"), 0);
  EXPECT_EQ(l.When("a"), milliseconds(1));
  for (int i = 0; i < 20; ++i) {
    (void)l.When("b");
  }
  EXPECT_EQ(l.When("b"), seconds(1));
}

TEST(RateLimiterTest, MaxOfBucketAndExponential) {
  auto t = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  std::vector<std::unique_ptr<RateLimiter<std::string>>> parts;
  parts.push_back(
      std::make_unique<ExponentialFailureRateLimiter<std::string>>(milliseconds(5), seconds(1000)));
  parts.push_back(std::make_unique<BucketRateLimiter<std::string>>(10, 2, [&] { return t; }));
  MaxOfRateLimiter<std::string> l(std::move(parts));
  EXPECT_EQ(l.When("a"), milliseconds(5));   // bucket has a token; exponential wins
  EXPECT_EQ(l.When("b"), milliseconds(5));
  EXPECT_EQ(l.When("c"), milliseconds(100)); // bucket empty: 1 token debt at 10 qps
  EXPECT_EQ(l.NumRequeues("a"), 1);
  l.Forget("a");
  EXPECT_EQ(l.NumRequeues("a"), 0);
}

}  // namespace
}  // namespace kro::controller
