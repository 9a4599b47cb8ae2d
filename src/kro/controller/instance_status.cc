// Instance reconcile, last phase: conditions (built-in or author), state and projected status
// fields, written only when they changed; state-transition metrics and events.
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

Outcome InstanceController::WriteStatus(Ctx& c, Outcome outcome) {
  runtime::InstanceState state = c.sm.Update();
  std::string now = NowRfc3339();
  runtime::ConditionSet cs = runtime::InstanceConditions(c.instance, now);
  if (state == runtime::InstanceState::kDeleting) {
    cs.SetUnknown(api::kInstanceConditionResourcesReady, "UnderDeletion",
                  c.reconcile_message.empty() ? "instance is being deleted"
                                              : c.reconcile_message);
  } else {
    if (c.managed) {
      cs.SetTrue(api::kInstanceConditionInstanceManaged, "Managed",
                 "instance is properly managed with finalizers and labels");
      cs.SetTrue(api::kInstanceConditionGraphResolved, "Resolved",
                 "runtime graph created and all resources resolved");
    } else {
      cs.SetFalse(api::kInstanceConditionInstanceManaged, "ManagementFailed",
                  c.managed_error.message());
    }
    if (c.suspended) {
      cs.SetFalse(api::kInstanceConditionResourcesReady, "ReconciliationSuspended",
                  "reconciliation suspended via " + std::string(api::kInstanceReconcileAnnotation) +
                      " annotation");
    } else switch (state) {
      case runtime::InstanceState::kActive:
        cs.SetTrue(api::kInstanceConditionResourcesReady, "AllResourcesReady",
                   "all resources are created and ready");
        break;
      case runtime::InstanceState::kError: {
        std::string errs = c.sm.NodeErrors();
        cs.SetFalse(api::kInstanceConditionResourcesReady, "NotReady",
                    errs.empty() ? "resource reconciliation error" : "resource error: " + errs);
        break;
      }
      default:
        cs.SetFalse(api::kInstanceConditionResourcesReady, "NotReady",
                    "awaiting resource readiness: " + c.sm.NodeErrors());
        break;
    }
  }

  json::Object status;
  if (const json::Value* old = json::Find(c.instance, "status"); old != nullptr && old->is_object()) {
    status = old->as_object();
  }
  if (state != runtime::InstanceState::kDeleting && !c.suspended) {
    runtime::StatusProjection p = c.rt->ProjectStatus();
    for (const auto& kv : p.fields) {
      status[kv.key()] = kv.value();
    }
    for (const Status& e : p.errors) {
      log_.Error("instance " + c.key.ToString() + ": " + e.ToString());
    }
  }
  status["conditions"] = runtime::EncodeConditions(cs.conditions());
  // spec.schema.status.conditions: only the author's conditions are written (author_conditions.h).
  std::optional<AuthorStatus> author = AuthorStatusConditions(
      c.rt.get(), cs.conditions(), c.instance, state == runtime::InstanceState::kDeleting, now);
  if (author) {
    status["conditions"] = std::move(author->conditions);
    for (const Status& e : author->errors) {
      log_.Error("instance " + c.key.ToString() + ": author condition: " + e.ToString());
    }
  }
  if (c.suspended) {
    // No node was looked at: the last state written stands (IN_PROGRESS before the first).
    std::string prev = Str(c.instance, "status.state");
    status["state"] = prev.empty() ? std::string(runtime::InstanceStateName(
                                         runtime::InstanceState::kInProgress))
                                   : prev;
  } else {
    status["state"] = std::string(runtime::InstanceStateName(state));
  }
  if (author && !author->errors.empty()) {
    status["state"] = std::string(runtime::InstanceStateName(runtime::InstanceState::kError));
  }

  const json::Value* old_status = json::Find(c.instance, "status");
  std::string old_state = old_status != nullptr ? Str(*old_status, "state") : "";
  json::Value new_status(std::move(status));
  if (old_status != nullptr && json::Equal(*old_status, new_status)) {
    return outcome;
  }
  json::Value obj = c.instance;
  obj.as_object()["status"] = new_status;
  Result<json::Value> r = client_.UpdateStatus(c.key.gvr, c.key.ns, obj);
  if (!r.ok()) {
    if (r.status().code() == ErrorCode::kNotFound) {
      return Outcome::Done();
    }
    return Outcome::Retry(r.status().WithPrefix("updating status"));
  }
  std::string new_state = Str(new_status, "state");
  if (old_state != new_state) {
    metrics_.instance_state_transitions_total
        ->WithLabels({c.key.gvr.ToString(), old_state, new_state})
        ->Inc();
    log_.Info("instance " + c.key.ToString() + ": state " + old_state + " -> " + new_state);
    if (state == runtime::InstanceState::kError) {
      events_.Emit(c.instance, "Warning", "ReconcileError", c.sm.NodeErrors());
    } else {
      events_.Emit(c.instance, "Normal", "StateChanged",
                   "instance state changed to " + new_state);
    }
  }
  return outcome;
}

}  // namespace kro::controller
