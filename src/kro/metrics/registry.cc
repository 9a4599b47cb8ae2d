#include "kro/metrics/registry.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace kro::metrics {
namespace {

void AtomicAdd(std::atomic<double>& a, double v) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // Prefer the shortest form that round-trips.
  for (int p = 1; p <= 17; ++p) {
    char s[32];
    std::snprintf(s, sizeof s, "%.*g", p, v);
    if (std::strtod(s, nullptr) == v) return s;
  }
  return buf;
}

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string Labels(const std::vector<std::string>& names, const LabelValues& values,
                   const std::string& extra = {}) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!out.empty()) out += ',';
    out += names[i] + "=\"" + EscapeLabel(values[i]) + "\"";
  }
  if (!extra.empty()) {
    if (!out.empty()) out += ',';
    out += extra;
  }
  return out.empty() ? "" : "{" + out + "}";
}

template <typename F>
void Header(std::ostringstream& os, const F& f, const char* type) {
  os << "# HELP " << f.name() << ' ' << f.help() << '\n';
  os << "# TYPE " << f.name() << ' ' << type << '\n';
}

}  // namespace

void Counter::Inc(double v) { AtomicAdd(value_, v); }
void Gauge::Add(double v) { AtomicAdd(value_, v); }

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t acc = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    acc += buckets_[i].load(std::memory_order_relaxed);
    out[i] = acc;
  }
  return out;
}

template <typename T>
T* Family<T>::WithLabels(const LabelValues& values) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = children_.find(values);
  if (it != children_.end()) return it->second.get();
  std::unique_ptr<T> child;
  if constexpr (std::is_same_v<T, Histogram>) {
    child = std::make_unique<T>(bounds_);
  } else {
    child = std::make_unique<T>();
  }
  T* raw = child.get();
  children_.emplace(values, std::move(child));
  return raw;
}

template <typename T>
void Family<T>::Remove(const LabelValues& values) {
  std::lock_guard<std::mutex> lock(mu_);
  children_.erase(values);
}

template <typename T>
std::vector<std::pair<LabelValues, const T*>> Family<T>::Children() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<LabelValues, const T*>> out;
  out.reserve(children_.size());
  for (const auto& [k, v] : children_) out.emplace_back(k, v.get());
  return out;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

std::vector<double> DefaultBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Family<Counter>* Registry::RegisterCounter(const std::string& name, const std::string& help,
                                           std::vector<std::string> labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = counters_[name];
  if (!slot) slot = std::make_unique<Family<Counter>>(name, help, std::move(labels));
  return slot.get();
}

Family<Gauge>* Registry::RegisterGauge(const std::string& name, const std::string& help,
                                       std::vector<std::string> labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = gauges_[name];
  if (!slot) slot = std::make_unique<Family<Gauge>>(name, help, std::move(labels));
  return slot.get();
}

Family<Histogram>* Registry::RegisterHistogram(const std::string& name, const std::string& help,
                                               std::vector<std::string> labels,
                                               std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = histograms_[name];
  if (!slot) {
    slot = std::make_unique<Family<Histogram>>(name, help, std::move(labels), std::move(bounds));
  }
  return slot.get();
}

std::string Registry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  // Merge the three maps in name order.
  std::set<std::string> names;
  for (const auto& [n, f] : counters_) names.insert(n);
  for (const auto& [n, f] : gauges_) names.insert(n);
  for (const auto& [n, f] : histograms_) names.insert(n);
  std::ostringstream os;
  for (const auto& name : names) {
    if (auto it = counters_.find(name); it != counters_.end()) {
      const auto& f = *it->second;
      Header(os, f, "counter");
      for (const auto& [lv, c] : f.Children()) {
        os << name << Labels(f.label_names(), lv) << ' ' << FormatDouble(c->value()) << '\n';
      }
    } else if (auto g = gauges_.find(name); g != gauges_.end()) {
      const auto& f = *g->second;
      Header(os, f, "gauge");
      for (const auto& [lv, c] : f.Children()) {
        os << name << Labels(f.label_names(), lv) << ' ' << FormatDouble(c->value()) << '\n';
      }
    } else if (auto h = histograms_.find(name); h != histograms_.end()) {
      const auto& f = *h->second;
      Header(os, f, "histogram");
      for (const auto& [lv, c] : f.Children()) {
        auto counts = c->CumulativeCounts();
        for (size_t i = 0; i < counts.size(); ++i) {
          std::string le = i < c->bounds().size() ? FormatDouble(c->bounds()[i]) : "+Inf";
          os << name << "_bucket" << Labels(f.label_names(), lv, "le=\"" + le + "\"") << ' '
             << counts[i] << '\n';
        }
        os << name << "_sum" << Labels(f.label_names(), lv) << ' ' << FormatDouble(c->sum())
           << '\n';
        os << name << "_count" << Labels(f.label_names(), lv) << ' ' << c->count() << '\n';
      }
    }
  }
  return os.str();
}

}  // namespace kro::metrics
