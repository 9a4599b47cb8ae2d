// LeaderElector: leader election over a coordination.k8s.io/v1 Lease, with client-go's timing
// model (lease duration, renew deadline, retry period).
//
// A candidate takes the Lease when it is free or its holder has not renewed it for
// lease_duration, measured on the candidate's own clock from when it last saw the record change
// (so clock skew between candidates does not matter). The leader renews every retry_period; if
// it cannot renew within renew_deadline it stops leading. Writes use the Lease's
// resourceVersion, so two candidates can never both win (409 -> retry).
//
// Thread-safe. Callbacks run on the thread that called Run (on_started_leading on its own
// thread, with a stop_token that is triggered when leadership is lost).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>

#include "kro/base/status.h"
#include "kro/json/json.h"
#include "kro/kube/client.h"

namespace kro::kube {

struct LeaderElectionConfig {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity;  // unique per candidate (e.g. pod name + random suffix)
  // Defaults as in client-go / controller-runtime: 15 s / 10 s / 2 s.
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  // Give the Lease up (holder cleared) when Run's stop is requested while leading.
  bool release_on_cancel = true;

  // Called once leadership is acquired, on a dedicated thread; `stop` is requested when it is
  // lost or Run is stopped. Should return soon after `stop`.
  std::function<void(std::stop_token stop)> on_started_leading;
  // Called once after leading ends (lost or released).
  std::function<void()> on_stopped_leading;
  // Called when the observed holder changes (including to ourselves).
  std::function<void(const std::string& identity)> on_new_leader;
};

class LeaderElector {
 public:
  // `client` must outlive this object. Errors (from Create): kInvalidArgument for an invalid
  // config (empty names, renew_deadline >= lease_duration, ...).
  static Result<std::unique_ptr<LeaderElector>> Create(Client& client,
                                                       LeaderElectionConfig config);

  // Campaigns until elected, leads until the Lease is lost or `stop` is requested, then
  // returns. Not reentrant: call from one thread at a time.
  void Run(std::stop_token stop);

  bool IsLeader() const { return leading_.load(); }
  // The holder last observed ("" when none).
  std::string CurrentLeader() const;

 private:
  LeaderElector(Client& client, LeaderElectionConfig config);
  // One acquire-or-renew attempt. Returns true when we hold the Lease afterwards.
  bool TryAcquireOrRenew();
  void Release();
  void Observe(const json::Value& lease);

  Client& client_;
  const LeaderElectionConfig config_;
  std::atomic<bool> leading_{false};
  mutable std::mutex mu_;
  json::Value observed_;  // guarded by mu_: the last Lease seen
  std::string observed_holder_;  // guarded by mu_
  std::chrono::steady_clock::time_point observed_time_;  // guarded by mu_
};

}  // namespace kro::kube
