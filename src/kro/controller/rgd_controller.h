// RgdController: reconciles kro.run/v1alpha1 ResourceGraphDefinitions (upstream
// pkg/controller/resourcegraphdefinition).
//
// For each RGD: keep the kro.run/finalizer finalizer; compile it with graph::Build against the
// cluster's schemas; on error set GraphAccepted=False (the message says what and where) and
// state Inactive; otherwise server-side apply the instance CRD, wait until it is Established,
// hand the compiled graph to the InstanceController, and set GraphAccepted / KindReady /
// ControllerReady True, state Active, status.topologicalOrder and status.resources. On deletion
// the instance kind stops being served and the CRD is deleted only with --allow-crd-deletion.
// Status is written only when it changed. Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kro/controller/graph_revisions.h"
#include "kro/controller/instance_controller.h"
#include "kro/controller/schema_resolver.h"
#include "kro/kube/informer.h"
#include "kro/runtime/conditions.h"

namespace kro::controller {

inline const kube::Gvr kRgdGvr{"kro.run", "v1alpha1", "resourcegraphdefinitions"};
inline const kube::Gvr kCrdGvr{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};

class RgdController {
 public:
  // Every reference must outlive the controller.
  RgdController(kube::Client& client, kube::RestMapper& mapper, kube::OpenApi& openapi,
                InstanceController& instances, ControllerMetrics& metrics, const Logger& log,
                const ControllerOptions& options);
  ~RgdController();
  RgdController(const RgdController&) = delete;
  RgdController& operator=(const RgdController&) = delete;

  // Starts the RGD informer and `workers` workers.
  void Start(int workers);
  void Stop();
  // True once the RGD informer has listed.
  bool HasSynced() const { return informer_ != nullptr && informer_->HasSynced(); }

  Outcome Reconcile(const std::string& name);

 private:
  void Worker(std::stop_token st);
  Outcome Finalize(const json::Value& rgd);
  Status WriteStatus(const json::Value& rgd, const json::Value& new_status);
  // Issues/updates the GraphRevision of `rgd` for `result` and records the revision in
  // `status` and the GraphRevisionsResolved condition. False when the caller must retry.
  bool SyncRevision(const json::Value& rgd, const RevisionResult& result,
                    runtime::ConditionSet& cs, json::Object& status, Status* error);

  kube::Client& client_;
  kube::RestMapper& mapper_;
  kube::OpenApi& openapi_;
  InstanceController& instances_;
  ControllerMetrics& metrics_;
  const Logger& log_;
  const ControllerOptions& options_;
  std::unique_ptr<graph::OfflineResolver> offline_;
  std::unique_ptr<ClusterSchemaResolver> resolver_;
  GraphRevisions revisions_;
  std::atomic<bool> revisions_missing_logged_{false};
  WorkQueue<std::string> queue_;
  std::shared_ptr<kube::Informer> informer_;
  std::mutex mu_;
  std::map<std::string, kube::Gvr> served_;  // guarded by mu_: rgd name -> instance gvr
  std::vector<std::jthread> workers_;        // guarded by mu_
};

}  // namespace kro::controller
