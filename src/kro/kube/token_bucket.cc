#include "kro/kube/token_bucket.h"

#include <algorithm>
#include <thread>
#include <utility>

namespace kro::kube {

TokenBucket::TokenBucket(double qps, int burst, Clock clock)
    : qps_(qps), burst_(std::max(burst, 1)), clock_(std::move(clock)) {
  if (!clock_) {
    clock_ = [] { return std::chrono::steady_clock::now(); };
  }
  tokens_ = burst_;
  last_ = clock_();
}

void TokenBucket::Refill(std::chrono::steady_clock::time_point now) {
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min<double>(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
}

std::chrono::nanoseconds TokenBucket::Reserve() {
  if (qps_ <= 0) {
    return std::chrono::nanoseconds(0);
  }
  std::lock_guard<std::mutex> lock(mu_);
  Refill(clock_());
  tokens_ -= 1;
  if (tokens_ >= 0) {
    return std::chrono::nanoseconds(0);
  }
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(-tokens_ / qps_));
}

void TokenBucket::Wait() {
  auto d = Reserve();
  if (d.count() > 0) {
    std::this_thread::sleep_for(d);
  }
}

bool TokenBucket::TryAccept() {
  if (qps_ <= 0) {
    return true;
  }
  std::lock_guard<std::mutex> lock(mu_);
  Refill(clock_());
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return true;
  }
  return false;
}

}  // namespace kro::kube
