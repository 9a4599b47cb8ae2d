// Prometheus metrics: counters, gauges and histograms with labels, rendered in the text format.
//
// A Registry is a value owned by the process's wiring code (no global registry); components get
// pointers to the families they update. All types here are thread-safe: families guard their
// child map with a mutex and children update with atomics, so the hot path (Inc/Observe on a child
// pointer kept by the caller) takes no lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kro::metrics {

using LabelValues = std::vector<std::string>;

class Counter {
 public:
  void Inc(double v = 1.0);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds);
  void Observe(double v);
  // Cumulative counts per bound (last = +Inf), sum and count, read without tearing per field.
  std::vector<uint64_t> CumulativeCounts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0.0};
  std::atomic<uint64_t> count_{0};
};

enum class Kind { kCounter, kGauge, kHistogram };

// A named metric with fixed label names; children are created on first use of a label set.
template <typename T>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labels,
         std::vector<double> bounds = {})
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)),
        bounds_(std::move(bounds)) {}

  // Returns the child for `values` (one per label name); the pointer stays valid for the
  // family's lifetime, so callers may cache it.
  T* WithLabels(const LabelValues& values);
  // Drops the child for `values` (e.g. when an instance is deleted).
  void Remove(const LabelValues& values);

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return labels_; }
  // Snapshot of (label values, child) pairs in label order.
  std::vector<std::pair<LabelValues, const T*>> Children() const;

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<LabelValues, std::unique_ptr<T>> children_;  // guarded by mu_
};

// Default latency buckets in seconds (as Prometheus client libraries use).
std::vector<double> DefaultBuckets();

class Registry {
 public:
  // Register* return a family owned by the registry (valid for its lifetime). Names must be
  // unique; registering a name twice returns the existing family of that kind.
  Family<Counter>* RegisterCounter(const std::string& name, const std::string& help,
                                   std::vector<std::string> labels = {});
  Family<Gauge>* RegisterGauge(const std::string& name, const std::string& help,
                               std::vector<std::string> labels = {});
  Family<Histogram>* RegisterHistogram(const std::string& name, const std::string& help,
                                       std::vector<std::string> labels = {},
                                       std::vector<double> bounds = DefaultBuckets());

  // The Prometheus text exposition format (version 0.0.4), families in name order.
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family<Counter>>> counters_;
  std::map<std::string, std::unique_ptr<Family<Gauge>>> gauges_;
  std::map<std::string, std::unique_ptr<Family<Histogram>>> histograms_;
};

}  // namespace kro::metrics
