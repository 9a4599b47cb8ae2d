#include "kro/metrics/registry.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace kro::metrics {
namespace {

TEST(RegistryTest, RendersCountersGaugesHistogramsInTextFormat) {
  Registry r;
  auto* reconciles = r.RegisterCounter("instance_reconcile_total", "Reconciles per GVR", {"gvr"});
  reconciles->WithLabels({"apps/v1, webapps"})->Inc();
  reconciles->WithLabels({"apps/v1, webapps"})->Inc(2);
  auto* depth = r.RegisterGauge("dynamic_controller_queue_length", "Queue length");
  depth->WithLabels({})->Set(4);
  auto* dur = r.RegisterHistogram("d_seconds", "Durations", {"gvr"}, {0.1, 1});
  auto* h = dur->WithLabels({"x\"y"});
  h->Observe(0.05);
  h->Observe(0.5);
  h->Observe(7);
  EXPECT_EQ(r.Render(),
            "# HELP d_seconds Durations\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{gvr=\"x\\\"y\",le=\"0.1\"} 1\n"
            "d_seconds_bucket{gvr=\"x\\\"y\",le=\"1\"} 2\n"
            "d_seconds_bucket{gvr=\"x\\\"y\",le=\"+Inf\"} 3\n"
            "d_seconds_sum{gvr=\"x\\\"y\"} 7.55\n"
            "d_seconds_count{gvr=\"x\\\"y\"} 3\n"
            "# HELP dynamic_controller_queue_length Queue length\n"
            "# TYPE dynamic_controller_queue_length gauge\n"
            "dynamic_controller_queue_length 4\n"
            "# HELP instance_reconcile_total Reconciles per GVR\n"
            "# TYPE instance_reconcile_total counter\n"
            "instance_reconcile_total{gvr=\"apps/v1, webapps\"} 3\n");
}

TEST(RegistryTest, ChildrenAreStableAndRemovable) {
  Registry r;
  auto* f = r.RegisterCounter("c", "h", {"a"});
  Counter* c1 = f->WithLabels({"1"});
  EXPECT_EQ(c1, f->WithLabels({"1"}));
  EXPECT_EQ(r.RegisterCounter("c", "h", {"a"}), f);
  f->Remove({"1"});
  EXPECT_TRUE(f->Children().empty());
}

TEST(RegistryTest, ConcurrentIncrementsAreNotLost) {
  Registry r;
  Counter* c = r.RegisterCounter("c", "h")->WithLabels({});
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([c] {
      for (int i = 0; i < 10000; ++i) c->Inc();
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(c->value(), 40000.0);
}

}  // namespace
}  // namespace kro::metrics
