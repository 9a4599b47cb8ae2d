// Instance reconcile, deletion: children go by apply-order wave from the ApplySet inventory
// (wave_deletion.h), then the finalizer. Needs neither the graph nor CEL.
#include "kro/controller/instance_controller.h"

#include "kro/controller/instance_context.h"

#include "kro/controller/field_conflicts.h"
#include "kro/controller/applyset.h"
#include "kro/controller/author_conditions.h"
#include "kro/controller/informer_errors.h"
#include "kro/controller/object_meta.h"
#include "kro/controller/wave_deletion.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <utility>

#include "kro/api/conditions.h"
#include "kro/api/finalizers.h"
#include "kro/api/labels.h"
#include "kro/runtime/apply_diff.h"
#include "kro/runtime/conditions.h"
#include "kro/runtime/runtime.h"
#include "kro/runtime/state.h"


namespace kro::controller {

using namespace instance_detail;

Outcome InstanceController::ReconcileDeletion(Ctx& c) {
  c.sm.SetDeleting();
  WaveDeletionDeps deps{mapper_, *children_,
                        [this](const ChildObject& ch) { return DeleteChild(ch); },
                        c.ig->graph != nullptr ? &c.ig->graph->graph() : nullptr};
  Result<WaveStep> step = DeleteNextWave(c.instance, c.applyset_id, deps);
  if (!step.ok()) {
    c.reconcile_message = "deletion blocked: " + step.status().message();
    Outcome retry = IsTransient(step.status())
                        ? Outcome::Retry(step.status())
                        : Outcome::RequeueAfter(options_.instance_requeue_interval);
    return WriteStatus(c, retry);
  }
  if (!step->done) {
    c.reconcile_message = "deleting resources";
    log_.Debug("instance " + c.key.ToString() + ": deleting apply-order wave " +
               std::to_string(step->order) + " (" + std::to_string(step->remaining) +
               " resource(s) left)");
    // Deletion events of the children enqueue the instance again; the requeue is a backstop.
    return WriteStatus(c, Outcome::RequeueAfter(std::chrono::milliseconds(1000)));
  }
  // ---- everything is gone: drop the finalizer --------------------------------------------------
  std::vector<std::string> finalizers = Finalizers(c.instance);
  auto it = std::find(finalizers.begin(), finalizers.end(), api::kKroFinalizer);
  if (it == finalizers.end()) {
    return Outcome::Done();
  }
  finalizers.erase(it);
  json::Object md;
  md["finalizers"] = ToArray(finalizers);
  md["resourceVersion"] = std::string(kube::ResourceVersionOf(c.instance));
  json::Object patch;
  patch["metadata"] = std::move(md);
  Result<json::Value> r = client_.Patch(c.key.gvr, c.key.ns, c.key.name, kube::PatchType::kMerge,
                                        json::Value(std::move(patch)));
  if (!r.ok() && r.status().code() != ErrorCode::kNotFound) {
    return Outcome::Retry(r.status().WithPrefix("removing finalizer"));
  }
  log_.Info("instance " + c.key.ToString() + ": deleted, finalizer removed");
  return Outcome::Done();
}

}  // namespace kro::controller
