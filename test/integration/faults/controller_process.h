// ControllerProcess: the real `kro controller` binary as a child process of a fault test, so a
// test can kill -9 it, freeze it (SIGSTOP/SIGCONT), run two replicas, and read its /metrics
// and /healthz like an operator would.
//
// The process gets --kubeconfig of the control plane, ephemeral metrics and probe ports
// (parsed from its log), and its own process group; stdout and stderr go to a log file in the
// control plane's directory. The destructor kills it (SIGKILL) and reaps it.
//
// Thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kro/base/result.h"
#include "test/integration/env/control_plane.h"

namespace kro::faults {

// rest_client_requests_total by {verb, code}.
using RequestCounts = std::map<std::pair<std::string, int>, uint64_t>;

// Requests that change state: create, update, patch, apply, delete (any code).
uint64_t WriteRequests(const RequestCounts& counts);

class ControllerProcess {
 public:
  // Starts `kro controller --kubeconfig <cp> <extra_args...>` and waits (at most 30 s) until it
  // serves /healthz. `name` names the log file (DIR/logs/<name>.log).
  static Result<std::unique_ptr<ControllerProcess>> Start(const testenv::ControlPlane& cp,
                                                          const std::string& name,
                                                          std::vector<std::string> extra_args);
  ~ControllerProcess();
  ControllerProcess(const ControllerProcess&) = delete;
  ControllerProcess& operator=(const ControllerProcess&) = delete;

  int pid() const { return pid_; }
  int metrics_port() const { return metrics_port_; }
  int health_port() const { return health_port_; }
  const std::string& log_path() const { return log_path_; }

  // kill -9 and reap. Idempotent.
  void Kill();
  // SIGSTOP / SIGCONT (the process keeps its sockets but does nothing).
  void Freeze();
  void Thaw();
  bool Running();

  // GET http://127.0.0.1:<port><path>; the body, or an error when it is not 200.
  Result<std::string> HttpGet(int port, const std::string& path) const;
  Result<RequestCounts> Requests() const;
  // The value of a metric line that starts with `series` ("instance_reconcile_total{"), summed
  // over all matching lines.
  Result<double> MetricSum(std::string_view series) const;

  // The log so far; the last `lines` lines of it.
  std::string Log() const;
  std::string LogTail(int lines = 40) const;

 private:
  ControllerProcess() = default;

  int pid_ = -1;
  int metrics_port_ = 0;
  int health_port_ = 0;
  std::string log_path_;
};

// The path of the kro binary under test (the build's cmd/kro).
std::string KroBinary();

// Compacts etcd at its current revision (POST /v3/kv/compaction, physical), so any watch that
// resumes from an older resourceVersion gets 410 Gone. Returns the revision compacted at.
Result<int64_t> CompactEtcd(const testenv::ControlPlane& cp);

}  // namespace kro::faults
