// ControllerOptions: the settings of `kro controller`, named and defaulted like upstream
// cmd/controller flags (spec/kro.md). Plain value type; thread-compatible.
#pragma once

#include <chrono>
#include <string>

#include "kro/api/feature_gates.h"

namespace kro::controller {

struct ControllerOptions {
  std::string kubeconfig;  // empty: $KUBECONFIG, ~/.kube/config, then in-cluster
  std::string metrics_bind_address = ":8078";        // "0" disables
  std::string health_probe_bind_address = ":8079";   // "0" disables
  bool leader_elect = false;
  std::string leader_election_namespace = "kro-system";
  std::chrono::milliseconds leader_election_lease_duration{15000};
  std::chrono::milliseconds leader_election_renew_deadline{10000};
  std::chrono::milliseconds leader_election_retry_period{2000};
  bool allow_crd_deletion = false;
  // Refuse an RGD's deletion (keep its finalizer) while instances of its kind exist.
  bool rgd_deletion_protection = false;
  std::chrono::milliseconds graceful_shutdown_timeout{60000};
  double client_qps = 100;
  int client_burst = 150;
  int rgd_concurrent_reconciles = 1;
  int dynamic_concurrent_reconciles = 1;
  std::chrono::milliseconds rate_limiter_min_delay{200};
  std::chrono::milliseconds rate_limiter_max_delay{1000000};
  double rate_limiter_rate_limit = 10;
  int rate_limiter_burst_limit = 100;
  int default_resync_period_seconds = 36000;
  int default_queue_max_retries = 20;
  std::chrono::milliseconds instance_requeue_interval{3000};
  int rgd_max_collection_size = 1000;
  int rgd_max_collection_dimension_size = 10;
  int rgd_max_graph_revisions = 5;
  std::chrono::milliseconds rgd_progress_requeue_delay{3000};
  bool enable_controller_warmup = false;
  std::string feature_gates;  // --feature-gates as given
  api::FeatureGates gates;    // parsed from feature_gates (the command does it)
  std::string log_level = "info";  // --zap-log-level: debug | info | error
  // Offline OpenAPI documents used when the cluster does not know a kind (empty: .cache/openapi).
  std::string openapi_dir;
  // The kro version written into kro.run/kro-version labels.
  std::string version = "v0.9.3";
};

}  // namespace kro::controller
