// The controller's Prometheus metric families, upstream names where they exist
// (pkg/metrics). Registered once in a Registry owned by the Manager; the family pointers are
// owned by that registry. Thread-safe (the families are).
#pragma once

#include "kro/metrics/registry.h"

namespace kro::controller {

struct ControllerMetrics {
  explicit ControllerMetrics(metrics::Registry& r);

  metrics::Family<metrics::Counter>* instance_reconcile_total;
  metrics::Family<metrics::Histogram>* instance_reconcile_duration_seconds;
  metrics::Family<metrics::Counter>* instance_reconcile_errors_total;
  metrics::Family<metrics::Counter>* instance_state_transitions_total;
  metrics::Family<metrics::Counter>* child_apply_total;       // by gvr, result (applied|skipped)
  metrics::Family<metrics::Counter>* child_delete_total;
  metrics::Family<metrics::Gauge>* dynamic_controller_queue_length;
  metrics::Family<metrics::Gauge>* dynamic_controller_gvr_count;
  metrics::Family<metrics::Gauge>* dynamic_controller_watch_count;
  metrics::Family<metrics::Counter>* cel_expr_eval_total;
  metrics::Family<metrics::Counter>* rgd_graph_build_total;          // by result
  metrics::Family<metrics::Histogram>* rgd_graph_build_duration_seconds;
  metrics::Family<metrics::Counter>* rgd_reconcile_total;
  metrics::Family<metrics::Counter>* rgd_reconcile_errors_total;
  metrics::Family<metrics::Gauge>* rest_client_requests_total;  // mirrored from the client
  metrics::Family<metrics::Counter>* event_emit_total;
};

}  // namespace kro::controller
