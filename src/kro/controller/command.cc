#include "kro/controller/command.h"

#include <csignal>
#include <ctime>
#include <iostream>
#include <memory>
#include <pthread.h>
#include <stop_token>
#include <thread>

#include "kro/api/feature_gates.h"
#include "kro/base/heap.h"
#include "kro/cel/eval/time.h"
#include "kro/controller/manager.h"

namespace kro::controller {

namespace {

struct DurationFlag {
  std::string text;
  std::chrono::milliseconds* target;
};

// Go durations ("15s", "200ms", "1000s"); a bare number is seconds.
bool ParseDuration(const std::string& s, std::chrono::milliseconds* out) {
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) {
    *out = std::chrono::seconds(std::stoll(s));
    return true;
  }
  std::optional<int64_t> ns = cel::ParseGoDuration(s);
  if (!ns.has_value()) {
    return false;
  }
  *out = std::chrono::milliseconds(*ns / 1000000);
  return true;
}

std::string FormatMs(std::chrono::milliseconds d) {
  return cel::FormatGoDuration(static_cast<int64_t>(d.count()) * 1000000);
}

}  // namespace

void AddControllerCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("controller", "run the kro controller (drop-in for upstream)");
  auto opts = std::make_shared<ControllerOptions>();
  auto durations = std::make_shared<std::vector<DurationFlag>>();
  auto dur = [&, durations](const std::string& name, std::chrono::milliseconds* target,
                            const std::string& help) {
    durations->push_back({FormatMs(*target), target});
    cmd->add_option(name, durations->back().text, help)->capture_default_str();
  };
  // Reserve so the references captured by add_option stay valid.
  durations->reserve(32);
  cmd->add_option("--kubeconfig", opts->kubeconfig, "path to a kubeconfig (default: standard)");
  cmd->add_option("--metrics-bind-address", opts->metrics_bind_address,
                  "address the metrics endpoint binds to (0 disables)")
      ->capture_default_str();
  cmd->add_option("--health-probe-bind-address", opts->health_probe_bind_address,
                  "address the probe endpoint binds to (0 disables)")
      ->capture_default_str();
  cmd->add_flag("--leader-elect", opts->leader_elect, "enable leader election");
  cmd->add_option("--leader-election-namespace", opts->leader_election_namespace,
                  "namespace of the leader election Lease")
      ->capture_default_str();
  dur("--leader-election-lease-duration", &opts->leader_election_lease_duration,
      "leader election lease duration");
  dur("--leader-election-renew-deadline", &opts->leader_election_renew_deadline,
      "leader election renew deadline");
  dur("--leader-election-retry-period", &opts->leader_election_retry_period,
      "leader election retry period");
  cmd->add_flag("--allow-crd-deletion", opts->allow_crd_deletion,
                "delete the instance CRD when its RGD is deleted");
  cmd->add_flag("--rgd-deletion-protection", opts->rgd_deletion_protection,
                "keep an RGD (refuse its deletion) while instances of its kind exist");
  dur("--graceful-shutdown-timeout", &opts->graceful_shutdown_timeout,
      "time allowed for a graceful shutdown");
  cmd->add_option("--client-qps", opts->client_qps, "API client QPS")->capture_default_str();
  cmd->add_option("--client-burst", opts->client_burst, "API client burst")
      ->capture_default_str();
  cmd->add_option("--resource-graph-definition-concurrent-reconciles",
                  opts->rgd_concurrent_reconciles, "RGD workers")
      ->capture_default_str();
  cmd->add_option("--dynamic-controller-concurrent-reconciles",
                  opts->dynamic_concurrent_reconciles, "instance workers")
      ->capture_default_str();
  dur("--dynamic-controller-rate-limiter-min-delay", &opts->rate_limiter_min_delay,
      "minimum retry delay");
  dur("--dynamic-controller-rate-limiter-max-delay", &opts->rate_limiter_max_delay,
      "maximum retry delay");
  cmd->add_option("--dynamic-controller-rate-limiter-rate-limit", opts->rate_limiter_rate_limit,
                  "overall retry rate (per second)")
      ->capture_default_str();
  cmd->add_option("--dynamic-controller-rate-limiter-burst-limit", opts->rate_limiter_burst_limit,
                  "overall retry burst")
      ->capture_default_str();
  cmd->add_option("--dynamic-controller-default-resync-period",
                  opts->default_resync_period_seconds, "resync period (seconds)")
      ->capture_default_str();
  cmd->add_option("--dynamic-controller-default-queue-max-retries",
                  opts->default_queue_max_retries, "retries before a key is dropped")
      ->capture_default_str();
  dur("--instance-requeue-interval", &opts->instance_requeue_interval,
      "requeue interval while data is pending or resources are not ready");
  cmd->add_option("--rgd-max-collection-size", opts->rgd_max_collection_size,
                  "maximum items of a forEach collection")
      ->capture_default_str();
  cmd->add_option("--rgd-max-collection-dimension-size", opts->rgd_max_collection_dimension_size,
                  "maximum forEach dimensions")
      ->capture_default_str();
  cmd->add_option("--rgd-max-graph-revisions", opts->rgd_max_graph_revisions,
                  "graph revisions kept per RGD")
      ->capture_default_str();
  dur("--rgd-progress-requeue-delay", &opts->rgd_progress_requeue_delay,
      "requeue delay while an RGD is progressing");
  cmd->add_flag("--enable-controller-warmup", opts->enable_controller_warmup,
                "warm up informers before leading");
  cmd->add_option("--feature-gates", opts->feature_gates,
                  "feature gates, Name=bool,...: CELOmitFunction (omit() in templates), "
                  "InstanceConditionEvents, InstanceConditionMetrics (accepted, no effect yet)");
  cmd->add_option("--zap-log-level", opts->log_level, "log level: debug, info, error")
      ->capture_default_str();
  cmd->add_option("--openapi-dir", opts->openapi_dir,
                  "offline OpenAPI documents for kinds the cluster does not describe");

  cmd->callback([opts, durations, &exit_code] {
    for (const DurationFlag& d : *durations) {
      if (!ParseDuration(d.text, d.target)) {
        std::cerr << "kro controller: invalid duration " << d.text << "\n";
        exit_code = 2;
        return;
      }
    }
    Result<api::FeatureGates> gates = api::ParseFeatureGates(opts->feature_gates);
    if (!gates.ok()) {
      std::cerr << "kro controller: --feature-gates: " << gates.status().message() << "\n";
      exit_code = 2;
      return;
    }
    opts->gates = *gates;
    // Signals are taken by one thread with sigtimedwait; block them everywhere first.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    // The controller's threads spend most of their time waiting on the network; two arenas
    // keep allocation contention low and the RSS near the heap actually in use.
    LimitMallocArenas(2);
    // Large transient buffers (list responses) go straight back to the OS when freed.
    MapLargeAllocations(256 * 1024);
    Result<std::unique_ptr<Manager>> m = Manager::Create(*opts);
    if (!m.ok()) {
      std::cerr << "kro controller: " << m.status().ToString() << "\n";
      exit_code = 1;
      return;
    }
    std::stop_source stop;
    std::jthread signals([&stop, set](std::stop_token st) {
      timespec ts{0, 200 * 1000 * 1000};
      while (!st.stop_requested()) {
        int sig = sigtimedwait(&set, nullptr, &ts);
        if (sig == SIGINT || sig == SIGTERM) {
          stop.request_stop();
          return;
        }
      }
    });
    Status s = (*m)->Run(stop.get_token());
    signals.request_stop();
    signals.join();
    if (!s.ok()) {
      std::cerr << "kro controller: " << s.ToString() << "\n";
      exit_code = 1;
      return;
    }
    exit_code = 0;
  });
}

}  // namespace kro::controller
