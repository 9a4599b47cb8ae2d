#include "kro/controller/metrics.h"

namespace kro::controller {

ControllerMetrics::ControllerMetrics(metrics::Registry& r)
    : instance_reconcile_total(r.RegisterCounter(
          "instance_reconcile_total", "Total number of instance reconciliations", {"gvr"})),
      instance_reconcile_duration_seconds(r.RegisterHistogram(
          "instance_reconcile_duration_seconds", "Duration of instance reconciliations",
          {"gvr"})),
      instance_reconcile_errors_total(r.RegisterCounter(
          "instance_reconcile_errors_total", "Instance reconciliations that failed", {"gvr"})),
      instance_state_transitions_total(r.RegisterCounter(
          "instance_state_transitions_total", "Instance state transitions",
          {"gvr", "from", "to"})),
      child_apply_total(r.RegisterCounter("instance_child_apply_total",
                                          "Managed resource applies by outcome",
                                          {"gvr", "result"})),
      child_delete_total(r.RegisterCounter("instance_child_delete_total",
                                           "Managed resources deleted", {"gvr"})),
      dynamic_controller_queue_length(r.RegisterGauge(
          "dynamic_controller_queue_length", "Length of the dynamic controller queue")),
      dynamic_controller_gvr_count(r.RegisterGauge(
          "dynamic_controller_gvr_count", "Instance GVRs handled by the dynamic controller")),
      dynamic_controller_watch_count(r.RegisterGauge(
          "dynamic_controller_watch_count", "Shared child informers")),
      cel_expr_eval_total(r.RegisterCounter("cel_expr_eval_total",
                                            "CEL expressions evaluated by the runtime")),
      rgd_graph_build_total(r.RegisterCounter("rgd_graph_build_total",
                                              "Graph builds by result", {"result"})),
      rgd_graph_build_duration_seconds(r.RegisterHistogram(
          "rgd_graph_build_duration_seconds", "Duration of graph builds")),
      rgd_reconcile_total(r.RegisterCounter("rgd_reconcile_total",
                                            "ResourceGraphDefinition reconciliations")),
      rgd_reconcile_errors_total(r.RegisterCounter(
          "rgd_reconcile_errors_total", "ResourceGraphDefinition reconciliations that failed")),
      rest_client_requests_total(r.RegisterGauge(
          "rest_client_requests_total", "HTTP requests to the API server by verb and code",
          {"verb", "code"})),
      event_emit_total(r.RegisterCounter("kro_events_emitted_total",
                                         "Kubernetes events emitted", {"type", "reason"})) {}

}  // namespace kro::controller
