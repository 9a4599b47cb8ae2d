#include "kro/controller/workqueue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>

namespace kro::controller {
namespace {

using std::chrono::milliseconds;

std::unique_ptr<RateLimiter<std::string>> FastLimiter() {
  return std::make_unique<ExponentialFailureRateLimiter<std::string>>(milliseconds(1),
                                                                      milliseconds(20));
}

TEST(WorkQueueTest, DeduplicatesWaitingKeys) {
  WorkQueue<std::string> q(FastLimiter());
  q.Add("a");
  q.Add("b");
  q.Add("a");
  EXPECT_EQ(q.Len(), 2u);
  EXPECT_EQ(*q.Get(), "a");
  EXPECT_EQ(*q.Get(), "b");
  EXPECT_EQ(q.Len(), 0u);
}

TEST(WorkQueueTest, KeyAddedWhileProcessingIsRequeuedOnDone) {
  WorkQueue<std::string> q(FastLimiter());
  q.Add("a");
  auto k = q.Get();
  ASSERT_EQ(*k, "a");
  q.Add("a");  // dirty, but not handed out while "a" is processing
  q.Add("a");
  EXPECT_EQ(q.Len(), 0u);
  q.Done("a");
  EXPECT_EQ(q.Len(), 1u);
  EXPECT_EQ(*q.Get(), "a");
  q.Done("a");
  EXPECT_EQ(q.Len(), 0u);
}

TEST(WorkQueueTest, ShutDownReturnsRemainingThenNullopt) {
  WorkQueue<std::string> q(FastLimiter());
  q.Add("a");
  q.ShutDown();
  q.Add("b");  // dropped
  EXPECT_TRUE(q.ShuttingDown());
  EXPECT_EQ(*q.Get(), "a");
  EXPECT_FALSE(q.Get().has_value());
}

TEST(WorkQueueTest, ShutDownWakesBlockedWorkers) {
  WorkQueue<std::string> q(FastLimiter());
  std::atomic<int> finished{0};
  std::vector<std::jthread> workers;
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&] {
      while (q.Get().has_value()) {
      }
      ++finished;
    });
  }
  std::this_thread::sleep_for(milliseconds(20));
  q.ShutDown();
  workers.clear();
  EXPECT_EQ(finished.load(), 4);
}

TEST(WorkQueueTest, ShutDownWithDrainWaitsForProcessing) {
  WorkQueue<std::string> q(FastLimiter());
  q.Add("a");
  auto k = q.Get();
  std::atomic<bool> drained{false};
  std::jthread t([&] {
    q.ShutDownWithDrain();
    drained = true;
  });
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_FALSE(drained.load());
  q.Done(*k);
  t.join();
  EXPECT_TRUE(drained.load());
}

TEST(WorkQueueTest, AddAfterDelaysAndKeepsTheEarliest) {
  WorkQueue<std::string> q(FastLimiter());
  q.AddAfter("late", milliseconds(2000));
  q.AddAfter("late", milliseconds(20));  // earlier wins
  q.AddAfter("now", milliseconds(0));
  EXPECT_EQ(q.Len(), 1u);
  EXPECT_EQ(*q.Get(), "now");
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(*q.Get(), "late");
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_LT(waited, milliseconds(1500));
  EXPECT_EQ(q.stats().delayed, 0u);
}

TEST(WorkQueueTest, AddRateLimitedBacksOffAndForgetResets) {
  WorkQueue<std::string> q(FastLimiter());
  q.AddRateLimited("a");
  q.AddRateLimited("a");
  EXPECT_EQ(q.NumRequeues("a"), 2);
  EXPECT_EQ(*q.Get(), "a");
  q.Forget("a");
  q.Done("a");
  EXPECT_EQ(q.NumRequeues("a"), 0);
  EXPECT_EQ(q.stats().retries, 2u);
}

// Many producers and workers: every key added is processed at least once after its last add,
// and no key is ever processed by two workers at the same time.
TEST(WorkQueueTest, ConcurrentWorkersNeverShareAKey) {
  WorkQueue<std::string> q(FastLimiter());
  constexpr int kKeys = 50;
  constexpr int kAddsPerProducer = 2000;
  std::mutex mu;
  std::set<std::string> in_flight;
  std::map<std::string, int> processed;
  std::atomic<bool> overlap{false};
  std::vector<std::jthread> workers;
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      while (auto k = q.Get()) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!in_flight.insert(*k).second) {
            overlap = true;
          }
        }
        std::this_thread::yield();
        bool retry = false;
        {
          std::lock_guard<std::mutex> lock(mu);
          in_flight.erase(*k);
          retry = ++processed[*k] % 7 == 0;
        }
        if (retry) {
          q.AddRateLimited(*k);
        } else {
          q.Forget(*k);
        }
        q.Done(*k);
      }
    });
  }
  {
    std::vector<std::jthread> producers;
    for (int p = 0; p < 4; ++p) {
      producers.emplace_back([&, p] {
        for (int i = 0; i < kAddsPerProducer; ++i) {
          q.Add("key-" + std::to_string((i * 7 + p) % kKeys));
        }
      });
    }
  }
  // Wait until idle, then drain.
  for (int i = 0; i < 500; ++i) {
    auto s = q.stats();
    if (s.depth == 0 && s.processing == 0 && s.delayed == 0) {
      break;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  q.ShutDownWithDrain();
  workers.clear();
  EXPECT_FALSE(overlap.load());
  EXPECT_EQ(processed.size(), static_cast<size_t>(kKeys));
}

}  // namespace
}  // namespace kro::controller
