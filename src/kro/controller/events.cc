#include "kro/controller/events.h"

#include "kro/controller/object_meta.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>

namespace kro::controller {

namespace {

std::string Str(const json::Value& obj, std::string_view path) {
  const json::Value* v = json::Find(obj, path);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

void EventRecorder::Emit(const json::Value& object, std::string_view type,
                         std::string_view reason, std::string_view message) {
  std::string ns = Str(object, "metadata.namespace");
  if (ns.empty()) {
    ns = "default";
  }
  std::string name = Str(object, "metadata.name");
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char suffix[20];
  std::snprintf(suffix, sizeof(suffix), "%016llx", static_cast<unsigned long long>(rng()));
  std::string now = NowRfc3339();
  json::Object ev;
  ev["apiVersion"] = "v1";
  ev["kind"] = "Event";
  ev["metadata"] = json::Object{{"name", name + "." + suffix}, {"namespace", ns}};
  ev["involvedObject"] = json::Object{{"apiVersion", Str(object, "apiVersion")},
                                      {"kind", Str(object, "kind")},
                                      {"name", name},
                                      {"namespace", Str(object, "metadata.namespace")},
                                      {"uid", Str(object, "metadata.uid")},
                                      {"resourceVersion", Str(object, "metadata.resourceVersion")}};
  ev["type"] = std::string(type);
  ev["reason"] = std::string(reason);
  ev["message"] = std::string(message.substr(0, 1024));
  ev["source"] = json::Object{{"component", "kro"}};
  ev["firstTimestamp"] = now;
  ev["lastTimestamp"] = now;
  ev["count"] = 1;
  ev["reportingComponent"] = "kro";
  Result<json::Value> r =
      client_->Create(kube::Gvr{"", "v1", "events"}, ns, json::Value(std::move(ev)));
  if (!r.ok()) {
    log_->Debug("event not recorded: " + r.status().ToString());
    return;
  }
  if (metrics_ != nullptr) {
    metrics_->event_emit_total->WithLabels({std::string(type), std::string(reason)})->Inc();
  }
}

}  // namespace kro::controller
