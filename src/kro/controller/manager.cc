#include "kro/controller/manager.h"

#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <unistd.h>

#include "kro/kube/leader_election.h"
#include "kro/kube/rest_config.h"

namespace kro::controller {

namespace {

// Blocks until `stop` is requested.
void WaitFor(std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, stop, [] { return false; });
}

}  // namespace

Manager::Manager(ControllerOptions options)
    : options_(std::move(options)), log_(ParseLogLevel(options_.log_level)) {}

Manager::~Manager() {
  if (rgds_) rgds_->Stop();
  if (instances_) instances_->Stop();
}

Result<std::unique_ptr<Manager>> Manager::Create(ControllerOptions options) {
  std::unique_ptr<Manager> m(new Manager(std::move(options)));
  Result<kube::RestConfig> config = m->options_.kubeconfig.empty()
                                        ? kube::LoadDefaultConfig()
                                        : kube::LoadKubeconfig(m->options_.kubeconfig);
  if (!config.ok()) {
    return config.status();
  }
  kube::ClientOptions co;
  co.qps = m->options_.client_qps;
  co.burst = m->options_.client_burst;
  co.field_manager = "kro";
  KRO_ASSIGN_OR_RETURN(m->client_, kube::Client::Create(*config, co));
  m->discovery_ = std::make_unique<kube::Discovery>(*m->client_);
  m->mapper_ = std::make_unique<kube::RestMapper>(*m->discovery_);
  m->openapi_ = std::make_unique<kube::OpenApi>(*m->client_);
  m->metrics_ = std::make_unique<ControllerMetrics>(m->registry_);
  m->events_ = std::make_unique<EventRecorder>(m->client_.get(), &m->log_, m->metrics_.get());
  m->instances_ = std::make_unique<InstanceController>(*m->client_, *m->mapper_, *m->events_,
                                                       *m->metrics_, m->log_, m->options_);
  m->rgds_ = std::make_unique<RgdController>(*m->client_, *m->mapper_, *m->openapi_,
                                             *m->instances_, *m->metrics_, m->log_,
                                             m->options_);
  m->log_.Info("kro controller: API server " + config->server + " (" + config->source + ")");
  return m;
}

std::string Manager::RenderMetrics() {
  for (const auto& [key, count] : client_->request_counts()) {
    metrics_->rest_client_requests_total
        ->WithLabels({key.first, std::to_string(key.second)})
        ->Set(static_cast<double>(count));
  }
  metrics_->dynamic_controller_queue_length->WithLabels({})->Set(
      static_cast<double>(instances_->QueueLength()));
  return registry_.Render();
}

void Manager::RunControllers(std::stop_token stop) {
  log_.Info("starting controllers");
  instances_->Start(options_.dynamic_concurrent_reconciles);
  rgds_->Start(options_.rgd_concurrent_reconciles);
  running_ = true;
  WaitFor(stop);
  running_ = false;
  log_.Info("stopping controllers");
  rgds_->Stop();
  instances_->Stop();
}

Status Manager::Run(std::stop_token stop) {
  if (options_.metrics_bind_address != "0" && !options_.metrics_bind_address.empty()) {
    metrics_server_ = std::make_unique<metrics::HttpServer>();
    metrics_server_->Handle("/metrics", [this] {
      metrics::HttpResponse r;
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = RenderMetrics();
      return r;
    });
    KRO_RETURN_IF_ERROR(metrics_server_->Start(options_.metrics_bind_address));
    log_.Info("metrics on port " + std::to_string(metrics_server_->port()));
  }
  if (options_.health_probe_bind_address != "0" && !options_.health_probe_bind_address.empty()) {
    health_server_ = std::make_unique<metrics::HttpServer>();
    health_server_->Handle("/healthz", [] { return metrics::HttpResponse{200, "text/plain", "ok"}; });
    health_server_->Handle("/readyz", [this] {
      bool ready = !options_.leader_elect ? rgds_->HasSynced() : true;
      return ready ? metrics::HttpResponse{200, "text/plain", "ok"}
                   : metrics::HttpResponse{503, "text/plain", "informers not synced"};
    });
    KRO_RETURN_IF_ERROR(health_server_->Start(options_.health_probe_bind_address));
    log_.Info("health probes on port " + std::to_string(health_server_->port()));
  }
  if (!options_.leader_elect) {
    RunControllers(stop);
  } else {
    char host[256] = {0};
    gethostname(host, sizeof(host) - 1);
    std::random_device rd;
    kube::LeaderElectionConfig lc;
    lc.lease_namespace = options_.leader_election_namespace;
    lc.lease_name = "kro-controller-leader-election";
    lc.identity = std::string(host) + "_" + std::to_string(rd());
    lc.lease_duration = options_.leader_election_lease_duration;
    lc.renew_deadline = options_.leader_election_renew_deadline;
    lc.retry_period = options_.leader_election_retry_period;
    lc.on_started_leading = [this](std::stop_token st) { RunControllers(st); };
    lc.on_new_leader = [this](const std::string& id) { log_.Info("leader is " + id); };
    KRO_ASSIGN_OR_RETURN(std::unique_ptr<kube::LeaderElector> le,
                         kube::LeaderElector::Create(*client_, std::move(lc)));
    le->Run(stop);
  }
  if (health_server_) health_server_->Stop();
  if (metrics_server_) metrics_server_->Stop();
  return Status::Ok();
}

}  // namespace kro::controller
