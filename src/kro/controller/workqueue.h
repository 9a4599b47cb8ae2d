// WorkQueue<K>: the controller's queue of keys to reconcile, with client-go's semantics.
//
// - Deduplication: adding a key that is already waiting is a no-op (the "dirty" set).
// - One worker per key: a key handed out by Get is "processing" until Done; adding it meanwhile
//   marks it dirty, and it is queued again only when Done is called.
// - AddAfter(key, d): the key is added after d (a pending delay is kept if it is earlier).
// - AddRateLimited / Forget / NumRequeues: per-key back-off from a RateLimiter.
// - ShutDown: Get returns the remaining keys, then std::nullopt; later adds are dropped.
//   ShutDownWithDrain also waits until every processing key is Done.
//
// Thread-safe. K must be copyable, hashable with Hash and equality-comparable.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "kro/controller/rate_limiter.h"

namespace kro::controller {

struct WorkQueueStats {
  uint64_t adds = 0;     // keys actually enqueued
  uint64_t retries = 0;  // AddRateLimited calls
  size_t depth = 0;      // keys waiting for a worker
  size_t processing = 0; // keys handed out and not Done
  size_t delayed = 0;    // keys waiting for their AddAfter time
};

template <typename K, typename Hash = std::hash<K>>
class WorkQueue {
 public:
  using Clock = std::chrono::steady_clock;

  explicit WorkQueue(std::unique_ptr<RateLimiter<K, Hash>> limiter =
                         DefaultControllerRateLimiter<K, Hash>())
      : limiter_(std::move(limiter)),
        delay_thread_([this](std::stop_token st) { DelayLoop(st); }) {}

  ~WorkQueue() {
    ShutDown();
    delay_thread_.request_stop();
    {
      std::lock_guard<std::mutex> lock(mu_);
      delay_cv_.notify_all();
    }
  }

  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void Add(const K& key) {
    std::lock_guard<std::mutex> lock(mu_);
    AddLocked(key);
  }

  // Adds `key` once `delay` has passed (at once when delay <= 0).
  void AddAfter(const K& key, std::chrono::nanoseconds delay) {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_) {
      return;
    }
    if (delay.count() <= 0) {
      AddLocked(key);
      return;
    }
    auto ready = Clock::now() + delay;
    auto it = waiting_.find(key);
    if (it != waiting_.end() && it->second <= ready) {
      return;  // an earlier add is already pending
    }
    waiting_[key] = ready;
    heap_.push(Pending{ready, next_seq_++, key});
    delay_cv_.notify_all();
  }

  // Adds `key` after the rate limiter's delay for it (a failure is recorded).
  void AddRateLimited(const K& key) {
    auto delay = limiter_->When(key);
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++retries_;
    }
    AddAfter(key, delay);
  }

  // Clears the key's failure history (call after a successful reconcile).
  void Forget(const K& key) { limiter_->Forget(key); }
  int NumRequeues(const K& key) { return limiter_->NumRequeues(key); }

  // Blocks until a key is available and marks it processing. std::nullopt once shut down and
  // empty.
  std::optional<K> Get() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !queue_.empty() || shutting_down_; });
    if (queue_.empty()) {
      return std::nullopt;
    }
    K key = std::move(queue_.front());
    queue_.pop_front();
    dirty_.erase(key);
    processing_.insert(key);
    return key;
  }

  // Ends processing of `key`; if it was added meanwhile, it is queued again.
  void Done(const K& key) {
    std::lock_guard<std::mutex> lock(mu_);
    processing_.erase(key);
    if (dirty_.count(key) != 0) {
      queue_.push_back(key);
      cv_.notify_one();
    }
    if (processing_.empty()) {
      drained_cv_.notify_all();
    }
  }

  void ShutDown() {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    cv_.notify_all();
    delay_cv_.notify_all();
  }

  // ShutDown, then wait until no key is processing.
  void ShutDownWithDrain() {
    std::unique_lock<std::mutex> lock(mu_);
    shutting_down_ = true;
    cv_.notify_all();
    delay_cv_.notify_all();
    drained_cv_.wait(lock, [this] { return processing_.empty(); });
  }

  bool ShuttingDown() const {
    std::lock_guard<std::mutex> lock(mu_);
    return shutting_down_;
  }

  // Keys waiting for a worker.
  size_t Len() const {
    std::lock_guard<std::mutex> lock(mu_);
    return queue_.size();
  }

  WorkQueueStats stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return WorkQueueStats{adds_, retries_, queue_.size(), processing_.size(), waiting_.size()};
  }

 private:
  struct Pending {
    Clock::time_point ready;
    uint64_t seq;
    K key;
    bool operator>(const Pending& o) const {
      return ready != o.ready ? ready > o.ready : seq > o.seq;
    }
  };

  void AddLocked(const K& key) {  // REQUIRES: mu_ held
    if (shutting_down_ || dirty_.count(key) != 0) {
      return;
    }
    dirty_.insert(key);
    if (processing_.count(key) != 0) {
      return;  // queued again by Done
    }
    queue_.push_back(key);
    ++adds_;
    cv_.notify_one();
  }

  void DelayLoop(std::stop_token st) {
    std::unique_lock<std::mutex> lock(mu_);
    while (!st.stop_requested()) {
      if (shutting_down_) {
        waiting_.clear();
        heap_ = {};
        delay_cv_.wait(lock, [&] { return st.stop_requested(); });
        return;
      }
      if (heap_.empty()) {
        delay_cv_.wait(lock, [&] {
          return st.stop_requested() || shutting_down_ || !heap_.empty();
        });
        continue;
      }
      auto next = heap_.top().ready;
      if (Clock::now() < next) {
        delay_cv_.wait_until(lock, next);
        continue;
      }
      Pending p = heap_.top();
      heap_.pop();
      auto it = waiting_.find(p.key);
      if (it != waiting_.end() && it->second == p.ready) {
        waiting_.erase(it);
        AddLocked(p.key);
      }
      // Otherwise the entry was superseded by an earlier AddAfter; drop it.
    }
  }

  std::unique_ptr<RateLimiter<K, Hash>> limiter_;
  mutable std::mutex mu_;
  std::condition_variable cv_;          // a key was queued, or shut down
  std::condition_variable drained_cv_;  // processing became empty
  std::condition_variable delay_cv_;    // the delay heap changed
  std::deque<K> queue_;                       // guarded by mu_
  std::unordered_set<K, Hash> dirty_;         // guarded by mu_
  std::unordered_set<K, Hash> processing_;    // guarded by mu_
  std::unordered_map<K, Clock::time_point, Hash> waiting_;  // guarded by mu_
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> heap_;  // guarded by mu_
  uint64_t next_seq_ = 0;   // guarded by mu_
  uint64_t adds_ = 0;       // guarded by mu_
  uint64_t retries_ = 0;    // guarded by mu_
  bool shutting_down_ = false;  // guarded by mu_
  std::jthread delay_thread_;   // last member: started after, and joined before, the rest
};

}  // namespace kro::controller
