// Manager: owns every long-running part of `kro controller` and runs them in
// controller-runtime's order: HTTP servers (metrics, probes) first, then (after winning the
// leader election when enabled) the RGD controller and the dynamic instance controller;
// shutdown goes in reverse. Thread-safe: Run is called once, from one thread.
#pragma once

#include <memory>
#include <stop_token>

#include "kro/base/result.h"
#include "kro/controller/events.h"
#include "kro/controller/instance_controller.h"
#include "kro/controller/logging.h"
#include "kro/controller/metrics.h"
#include "kro/controller/options.h"
#include "kro/controller/rgd_controller.h"
#include "kro/kube/client.h"
#include "kro/kube/discovery.h"
#include "kro/kube/openapi.h"
#include "kro/metrics/http_server.h"
#include "kro/metrics/registry.h"

namespace kro::controller {

class Manager {
 public:
  // Loads the kubeconfig and builds every part (nothing runs yet). Errors: the kubeconfig.
  static Result<std::unique_ptr<Manager>> Create(ControllerOptions options);
  ~Manager();

  // Runs until `stop` is requested. Errors: an HTTP server that cannot bind.
  Status Run(std::stop_token stop);

  kube::Client& client() { return *client_; }
  InstanceController& instances() { return *instances_; }
  metrics::Registry& registry() { return registry_; }
  // Bound ports (after Run started them; 0 when disabled).
  int metrics_port() const { return metrics_server_ ? metrics_server_->port() : 0; }
  int health_port() const { return health_server_ ? health_server_->port() : 0; }

 private:
  explicit Manager(ControllerOptions options);
  void RunControllers(std::stop_token stop);
  std::string RenderMetrics();

  ControllerOptions options_;
  Logger log_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<kube::Discovery> discovery_;
  std::unique_ptr<kube::RestMapper> mapper_;
  std::unique_ptr<kube::OpenApi> openapi_;
  metrics::Registry registry_;
  std::unique_ptr<ControllerMetrics> metrics_;
  std::unique_ptr<EventRecorder> events_;
  std::unique_ptr<InstanceController> instances_;
  std::unique_ptr<RgdController> rgds_;
  std::unique_ptr<metrics::HttpServer> metrics_server_;
  std::unique_ptr<metrics::HttpServer> health_server_;
  std::atomic<bool> running_{false};
};

}  // namespace kro::controller
