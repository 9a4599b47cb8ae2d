#include "kro/kube/leader_election.h"

#include <condition_variable>
#include <ctime>
#include <random>
#include <thread>
#include <utility>

namespace kro::kube {
namespace {

const Gvr kLeases{"coordination.k8s.io", "v1", "leases"};

// metav1.MicroTime: "2006-01-02T15:04:05.000000Z".
std::string MicroTimeNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    now.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros));
  return buf;
}

// Sleeps up to `d`; false when `stop` was requested.
bool SleepFor(std::stop_token& stop, std::chrono::milliseconds d) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

const json::Object* SpecOf(const json::Value& lease) {
  if (!lease.is_object()) {
    return nullptr;
  }
  auto* spec = lease.get_object().if_contains("spec");
  return spec != nullptr && spec->is_object() ? &spec->get_object() : nullptr;
}

std::string HolderOf(const json::Value& lease) {
  const json::Object* spec = SpecOf(lease);
  if (spec == nullptr) {
    return {};
  }
  auto* h = spec->if_contains("holderIdentity");
  return h != nullptr && h->is_string() ? std::string(h->get_string()) : std::string();
}

}  // namespace

Result<std::unique_ptr<LeaderElector>> LeaderElector::Create(Client& client,
                                                             LeaderElectionConfig config) {
  if (config.lease_name.empty() || config.lease_namespace.empty() || config.identity.empty()) {
    return InvalidArgument("leader election: lease name, namespace and identity are required");
  }
  if (config.renew_deadline >= config.lease_duration) {
    return InvalidArgument("leader election: renew_deadline must be less than lease_duration");
  }
  if (config.retry_period.count() <= 0 || config.retry_period >= config.renew_deadline) {
    return InvalidArgument("leader election: retry_period must be positive and less than "
                           "renew_deadline");
  }
  return std::unique_ptr<LeaderElector>(new LeaderElector(client, std::move(config)));
}

LeaderElector::LeaderElector(Client& client, LeaderElectionConfig config)
    : client_(client), config_(std::move(config)) {}

std::string LeaderElector::CurrentLeader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return observed_holder_;
}

void LeaderElector::Observe(const json::Value& lease) {
  std::string holder = HolderOf(lease);
  bool changed_holder = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const json::Object* old_spec = SpecOf(observed_);
    const json::Object* new_spec = SpecOf(lease);
    bool same = old_spec != nullptr && new_spec != nullptr && *old_spec == *new_spec;
    if (!same) {
      observed_time_ = std::chrono::steady_clock::now();
    }
    observed_ = lease;
    changed_holder = holder != observed_holder_;
    observed_holder_ = holder;
  }
  if (changed_holder && config_.on_new_leader) {
    config_.on_new_leader(holder);
  }
}

bool LeaderElector::TryAcquireOrRenew() {
  std::string now = MicroTimeNow();
  int64_t duration_s = std::max<int64_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(config_.lease_duration).count());
  auto current = client_.Get(kLeases, config_.lease_namespace, config_.lease_name);
  if (!current.ok()) {
    if (current.status().code() != ErrorCode::kNotFound) {
      return false;
    }
    json::Object spec;
    spec["holderIdentity"] = config_.identity;
    spec["leaseDurationSeconds"] = duration_s;
    spec["acquireTime"] = now;
    spec["renewTime"] = now;
    spec["leaseTransitions"] = 0;
    json::Object meta;
    meta["name"] = config_.lease_name;
    meta["namespace"] = config_.lease_namespace;
    json::Object lease;
    lease["apiVersion"] = "coordination.k8s.io/v1";
    lease["kind"] = "Lease";
    lease["metadata"] = std::move(meta);
    lease["spec"] = std::move(spec);
    auto created = client_.Create(kLeases, config_.lease_namespace, json::Value(std::move(lease)));
    if (!created.ok()) {
      return false;
    }
    Observe(*created);
    return true;
  }
  Observe(*current);
  std::string holder = HolderOf(*current);
  if (!holder.empty() && holder != config_.identity) {
    std::lock_guard<std::mutex> lock(mu_);
    if (std::chrono::steady_clock::now() < observed_time_ + config_.lease_duration) {
      return false;  // held by someone else and not expired
    }
  }
  json::Value updated = *current;
  json::Object& spec = updated.get_object()["spec"].emplace_object();
  if (const json::Object* old = SpecOf(*current)) {
    spec = *old;
  }
  if (holder != config_.identity) {
    spec["acquireTime"] = now;
    int64_t transitions = 0;
    if (auto* t = spec.if_contains("leaseTransitions"); t && t->is_int64()) {
      transitions = t->get_int64();
    }
    spec["leaseTransitions"] = transitions + 1;  // as client-go: any change of holder
  }
  spec["holderIdentity"] = config_.identity;
  spec["leaseDurationSeconds"] = duration_s;
  spec["renewTime"] = now;
  auto written = client_.Update(kLeases, config_.lease_namespace, updated);
  if (!written.ok()) {
    return false;  // 409: someone else wrote first
  }
  Observe(*written);
  return true;
}

void LeaderElector::Release() {
  auto current = client_.Get(kLeases, config_.lease_namespace, config_.lease_name);
  if (!current.ok() || HolderOf(*current) != config_.identity) {
    return;
  }
  json::Value updated = *current;
  json::Object& spec = updated.get_object()["spec"].as_object();
  spec["holderIdentity"] = "";
  spec["leaseDurationSeconds"] = 1;
  spec["renewTime"] = MicroTimeNow();
  auto written = client_.Update(kLeases, config_.lease_namespace, updated);
  if (written.ok()) {
    Observe(*written);
  }
}

void LeaderElector::Run(std::stop_token stop) {
  std::mt19937 rng(std::random_device{}());
  auto jittered = [&](std::chrono::milliseconds d) {
    std::uniform_real_distribution<double> dist(1.0, 1.2);
    return std::chrono::milliseconds(static_cast<int64_t>(d.count() * dist(rng)));
  };
  // 1. Campaign.
  while (!TryAcquireOrRenew()) {
    if (!SleepFor(stop, jittered(config_.retry_period))) {
      return;
    }
  }
  if (stop.stop_requested()) {
    Release();
    return;
  }
  leading_ = true;
  std::jthread leader;
  if (config_.on_started_leading) {
    leader = std::jthread([this](std::stop_token st) { config_.on_started_leading(st); });
  }
  // 2. Renew until the deadline passes without a successful renewal, or until stopped.
  auto last_renew = std::chrono::steady_clock::now();
  while (SleepFor(stop, config_.retry_period)) {
    if (TryAcquireOrRenew()) {
      last_renew = std::chrono::steady_clock::now();
      continue;
    }
    if (std::chrono::steady_clock::now() - last_renew > config_.renew_deadline) {
      break;  // lost
    }
  }
  // 3. Step down.
  leading_ = false;
  if (leader.joinable()) {
    leader.request_stop();
    leader.join();
  }
  if (stop.stop_requested() && config_.release_on_cancel) {
    Release();
  }
  if (config_.on_stopped_leading) {
    config_.on_stopped_leading();
  }
}

}  // namespace kro::kube
