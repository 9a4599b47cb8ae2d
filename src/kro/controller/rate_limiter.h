// Rate limiters for the work queue: how long an item waits before it is retried.
//
// As client-go's workqueue rate limiters: per-item exponential failure back-off, an overall
// token bucket, and the max of several. DefaultControllerRateLimiter is MaxOf(exponential
// 5 ms .. 1000 s, bucket 10 qps / burst 100); kro's dynamic controller uses 200 ms .. 1000 s.
//
// All limiters are thread-safe.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kro/kube/token_bucket.h"

namespace kro::controller {

// base * 2^failures, capped at `max` (overflow-safe).
std::chrono::nanoseconds ExponentialBackoff(std::chrono::nanoseconds base,
                                            std::chrono::nanoseconds max, int failures);

template <typename K, typename Hash = std::hash<K>>
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // How long to wait before the next retry of `item`; records a failure.
  virtual std::chrono::nanoseconds When(const K& item) = 0;
  // Clears `item`'s failure history (after a success).
  virtual void Forget(const K& item) = 0;
  // Failures recorded for `item` since the last Forget.
  virtual int NumRequeues(const K& item) = 0;
};

template <typename K, typename Hash = std::hash<K>>
class ExponentialFailureRateLimiter final : public RateLimiter<K, Hash> {
 public:
  ExponentialFailureRateLimiter(std::chrono::nanoseconds base, std::chrono::nanoseconds max)
      : base_(base), max_(max) {}

  std::chrono::nanoseconds When(const K& item) override {
    std::lock_guard<std::mutex> lock(mu_);
    int failures = failures_[item]++;
    return ExponentialBackoff(base_, max_, failures);
  }
  void Forget(const K& item) override {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.erase(item);
  }
  int NumRequeues(const K& item) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = failures_.find(item);
    return it == failures_.end() ? 0 : it->second;
  }

 private:
  const std::chrono::nanoseconds base_;
  const std::chrono::nanoseconds max_;
  std::mutex mu_;
  std::unordered_map<K, int, Hash> failures_;  // guarded by mu_
};

// An overall qps/burst limit shared by all items; keeps no per-item state.
template <typename K, typename Hash = std::hash<K>>
class BucketRateLimiter final : public RateLimiter<K, Hash> {
 public:
  BucketRateLimiter(double qps, int burst, kube::TokenBucket::Clock clock = {})
      : bucket_(qps, burst, std::move(clock)) {}
  std::chrono::nanoseconds When(const K&) override { return bucket_.Reserve(); }
  void Forget(const K&) override {}
  int NumRequeues(const K&) override { return 0; }

 private:
  kube::TokenBucket bucket_;
};

// The longest wait of its parts; Forget forgets in all; NumRequeues is the largest count.
template <typename K, typename Hash = std::hash<K>>
class MaxOfRateLimiter final : public RateLimiter<K, Hash> {
 public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter<K, Hash>>> limiters)
      : limiters_(std::move(limiters)) {}
  std::chrono::nanoseconds When(const K& item) override {
    std::chrono::nanoseconds out{0};
    for (auto& l : limiters_) {
      out = std::max(out, l->When(item));
    }
    return out;
  }
  void Forget(const K& item) override {
    for (auto& l : limiters_) {
      l->Forget(item);
    }
  }
  int NumRequeues(const K& item) override {
    int out = 0;
    for (auto& l : limiters_) {
      out = std::max(out, l->NumRequeues(item));
    }
    return out;
  }

 private:
  std::vector<std::unique_ptr<RateLimiter<K, Hash>>> limiters_;  // immutable after construction
};

struct RateLimiterOptions {
  std::chrono::nanoseconds base_delay = std::chrono::milliseconds(5);
  std::chrono::nanoseconds max_delay = std::chrono::seconds(1000);
  double qps = 10;
  int burst = 100;
};

template <typename K, typename Hash = std::hash<K>>
std::unique_ptr<RateLimiter<K, Hash>> DefaultControllerRateLimiter(
    const RateLimiterOptions& options = {}) {
  std::vector<std::unique_ptr<RateLimiter<K, Hash>>> parts;
  parts.push_back(std::make_unique<ExponentialFailureRateLimiter<K, Hash>>(options.base_delay,
                                                                          options.max_delay));
  parts.push_back(std::make_unique<BucketRateLimiter<K, Hash>>(options.qps, options.burst));
  return std::make_unique<MaxOfRateLimiter<K, Hash>>(std::move(parts));
}

}  // namespace kro::controller
