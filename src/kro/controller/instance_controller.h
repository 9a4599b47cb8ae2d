// InstanceController: the dynamic controller for every instance GVR (upstream
// pkg/dynamiccontroller + pkg/controller/instance): ONE shared work queue, N workers, one
// informer per instance GVR, and the instance reconcile.
//
// A reconcile (level-based; the key is {gvr, namespace, name}):
//   1. load the instance from the informer cache;
//   2. deletion: delete the ApplySet inventory's children by apply-order wave, highest first,
//      waiting for each wave to disappear, then remove the kro.run/finalizer finalizer
//      (wave_deletion.h; needs no graph, so it also runs after the RGD is gone);
//   3. ensure the finalizer and instance labels (a patch only when something is missing);
//   4. walk the nodes in topological order with a fresh runtime::Runtime: includeWhen, resolve,
//      server-side apply (field manager kro.run/applyset) of what differs from the cache,
//      readyWhen; a field another manager also applies is reported, not forced (ApplyChild);
//   5. prune children of excluded or removed nodes (found by kro.run/instance-id + node-id);
//   6. write status (conditions, state, projected fields) only when it changed.
// Data pending or waiting for readiness requeues after --instance-requeue-interval without
// back-off; transient API errors are retried through the rate limiter.
// The phases live in one file each: instance_controller.cc (registration, the loop, load),
// instance_resources.cc (3-5), instance_deletion.cc (2), instance_status.cc (6); what they share
// is instance_context.h.
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "kro/controller/child_watches.h"
#include "kro/controller/events.h"
#include "kro/controller/logging.h"
#include "kro/controller/metrics.h"
#include "kro/controller/options.h"
#include "kro/controller/reconciler.h"
#include "kro/controller/workqueue.h"
#include "kro/kube/client.h"
#include "kro/kube/discovery.h"
#include "kro/kube/informer.h"
#include "kro/runtime/compiled_graph.h"

namespace kro::controller {

// What the RGD controller hands over for one instance kind.
struct InstanceGraph {
  kube::Gvr gvr;
  kube::Gvk gvk;
  bool namespaced = true;
  std::shared_ptr<const runtime::CompiledGraph> graph;
  std::string rgd_name;
  std::string rgd_uid;
};

class InstanceController {
 public:
  // Every reference must outlive the controller.
  InstanceController(kube::Client& client, kube::RestMapper& mapper, EventRecorder& events,
                     ControllerMetrics& metrics, const Logger& log,
                     const ControllerOptions& options);
  ~InstanceController();
  InstanceController(const InstanceController&) = delete;
  InstanceController& operator=(const InstanceController&) = delete;

  // Starts handling `g.gvr` (an informer on its instances) or swaps in a new graph; every
  // cached instance of that kind is enqueued.
  void Register(InstanceGraph g);
  // Stops managing `gvr`'s instances. Its informer keeps running for deletions only (an
  // instance deleted later is still torn down and its finalizer removed) until no instance of
  // it is left; a later Register of the same GVR takes it over again.
  void Unregister(const kube::Gvr& gvr);
  bool IsRegistered(const kube::Gvr& gvr) const;

  // Starts the workers (idempotent).
  void Start(int workers);
  // Shuts the queue down, waits for the workers, stops every informer.
  void Stop();

  // Enqueues the instance a child belongs to (from ChildWatches).
  void EnqueueOwner(const InstanceRef& ref);
  size_t QueueLength() const { return queue_.Len(); }
  size_t NumGvrs() const;
  ChildWatches& child_watches() { return *children_; }

  // One reconcile of `key` (exposed for tests).
  Outcome Reconcile(const InstanceKey& key);

 private:
  struct Entry {
    std::shared_ptr<const InstanceGraph> graph;
    std::shared_ptr<kube::Informer> informer;
    bool serving = true;  // false: unregistered, handles deletions until its instances are gone
  };
  struct Ctx;

  void Worker(std::stop_token st);
  // Drops an unregistered `gvr` once its informer holds no instance.
  void Retire(const kube::Gvr& gvr);
  Outcome ReconcileDeletion(Ctx& c);
  Status EnsureManaged(Ctx& c);
  Outcome ReconcileNodes(Ctx& c);
  Outcome WriteStatus(Ctx& c, Outcome outcome);
  json::Object ChildLabels(const Ctx& c, std::string_view node_id) const;
  Status DeleteChild(const ChildObject& child);
  // Server-side apply of one child without force; on a conflict, with force when only
  // imperative writers own the fields, else a kFailedPrecondition naming the other appliers.
  Result<json::Value> ApplyChild(const kube::Gvr& gvr, const std::string& ns,
                                 const std::string& name, const json::Value& obj);

  kube::Client& client_;
  kube::RestMapper& mapper_;
  EventRecorder& events_;
  ControllerMetrics& metrics_;
  const Logger& log_;
  const ControllerOptions& options_;
  std::unique_ptr<ChildWatches> children_;
  WorkQueue<InstanceKey, InstanceKeyHash> queue_;

  mutable std::mutex mu_;
  std::map<kube::Gvr, Entry> entries_;  // guarded by mu_
  std::map<std::tuple<std::string, std::string, std::string>, kube::Gvr> by_gvk_;  // mu_
  std::vector<std::jthread> workers_;  // guarded by mu_
};

}  // namespace kro::controller
