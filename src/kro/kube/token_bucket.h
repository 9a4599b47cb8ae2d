// TokenBucket: a qps/burst limiter (the golang.org/x/time/rate idea: reserve a token, learn
// how long to wait for it). Used for the client-side request limit and by the controller's
// overall work-queue limiter.
//
// Thread-safe. The clock is injectable for deterministic tests.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

namespace kro::kube {

class TokenBucket {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `qps` tokens per second refill a bucket of `burst` tokens, which starts full. qps <= 0
  // disables limiting. `clock` defaults to std::chrono::steady_clock::now.
  TokenBucket(double qps, int burst, Clock clock = {});

  // Takes one token and returns how long the caller must wait before acting (zero when a
  // token was available). Tokens can go into debt, so reservations queue up fairly.
  std::chrono::nanoseconds Reserve();

  // Reserve() and sleep for the returned time.
  void Wait();

  // Takes a token only if one is available now.
  bool TryAccept();

  double qps() const { return qps_; }
  int burst() const { return burst_; }

 private:
  void Refill(std::chrono::steady_clock::time_point now);  // REQUIRES: mu_ held

  const double qps_;
  const int burst_;
  Clock clock_;
  std::mutex mu_;
  double tokens_;                                // guarded by mu_
  std::chrono::steady_clock::time_point last_;   // guarded by mu_
};

}  // namespace kro::kube
