// EventRecorder: best-effort core/v1 Events about instances and RGDs (upstream
// pkg/controller/instance/events.go). A failed create is logged and dropped; events never fail
// a reconcile. Thread-safe.
#pragma once

#include <string_view>

#include "kro/controller/logging.h"
#include "kro/controller/metrics.h"
#include "kro/json/json.h"
#include "kro/kube/client.h"

namespace kro::controller {

class EventRecorder {
 public:
  // All pointers must outlive the recorder; `metrics` may be null.
  EventRecorder(kube::Client* client, const Logger* log, ControllerMetrics* metrics)
      : client_(client), log_(log), metrics_(metrics) {}

  // Emits an Event of `type` ("Normal" | "Warning") about `object` (needs apiVersion, kind,
  // metadata.name/uid; cluster-scoped objects get their event in "default").
  void Emit(const json::Value& object, std::string_view type, std::string_view reason,
            std::string_view message);

 private:
  kube::Client* client_;
  const Logger* log_;
  ControllerMetrics* metrics_;
};

}  // namespace kro::controller
