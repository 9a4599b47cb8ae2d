// Outcome of a reconcile and the keys of the two queues (controller-runtime's Result, as a
// value). Plain value types; thread-compatible.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "kro/base/status.h"
#include "kro/kube/gvr.h"

namespace kro::controller {

struct [[nodiscard]] Outcome {
  enum class Kind {
    kDone,          // Forget the key
    kRequeueAfter,  // Forget + AddAfter(after): waiting, not an error, no back-off
    kRetry,         // AddRateLimited: a transient failure (error says which)
  };
  Kind kind = Kind::kDone;
  std::chrono::milliseconds after{0};
  Status error;

  static Outcome Done() { return {}; }
  static Outcome RequeueAfter(std::chrono::milliseconds d) {
    return Outcome{Kind::kRequeueAfter, d, Status::Ok()};
  }
  static Outcome Retry(Status error) {
    return Outcome{Kind::kRetry, std::chrono::milliseconds(0), std::move(error)};
  }
};

// An instance: its resource plus namespace and name.
struct InstanceKey {
  kube::Gvr gvr;
  std::string ns;
  std::string name;
  friend bool operator==(const InstanceKey&, const InstanceKey&) = default;
  std::string ToString() const { return gvr.ToString() + " " + ns + "/" + name; }
};

struct InstanceKeyHash {
  size_t operator()(const InstanceKey& k) const {
    std::hash<std::string> h;
    return h(k.gvr.group) ^ (h(k.gvr.resource) << 1) ^ (h(k.ns) << 2) ^ (h(k.name) << 3) ^
           (h(k.gvr.version) << 4);
  }
};

}  // namespace kro::controller
