// Instance reconcile, phases 3-5: finalizer, labels and ApplySet metadata (EnsureManaged), then
// the nodes in topological order: includeWhen, resolve, server-side apply, readyWhen, prune.
// Reads the instance, its graph and the child index; writes children and the instance metadata.
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

json::Object InstanceController::ChildLabels(const Ctx& c, std::string_view node_id) const {
  json::Object l;
  l[api::kOwnedLabel] = "true";
  l[api::kKroVersionLabel] = options_.version;
  l[api::kManagedByLabelKey] = api::kManagedByKroValue;
  l[api::kNodeIdLabel] = node_id;
  l[api::kInstanceIdLabel] = c.uid;
  l[api::kInstanceLabel] = c.key.name;
  if (c.ig->namespaced) {
    l[api::kInstanceNamespaceLabel] = c.key.ns;
  }
  l[api::kInstanceGroupLabel] = c.ig->gvk.group;
  l[api::kInstanceVersionLabel] = c.ig->gvk.version;
  l[api::kInstanceKindLabel] = c.ig->gvk.kind;
  l[api::kResourceGraphDefinitionIdLabel] = c.ig->rgd_uid;
  l[api::kResourceGraphDefinitionNameLabel] = c.ig->rgd_name;
  l[kApplySetPartOfLabel] = c.applyset_id;
  return l;
}

Status InstanceController::DeleteChild(const ChildObject& child) {
  kube::DeleteOptions opts;
  opts.propagation = kube::PropagationPolicy::kBackground;
  opts.precondition_uid = std::string(kube::UidOf(*child.object));
  Status s = client_.Delete(child.gvr, kube::NamespaceOf(*child.object),
                            kube::NameOf(*child.object), opts);
  if (s.code() == ErrorCode::kNotFound) {
    return Status::Ok();
  }
  if (s.ok()) {
    metrics_.child_delete_total->WithLabels({child.gvr.ToString()})->Inc();
  }
  return s;
}

Result<json::Value> InstanceController::ApplyChild(const kube::Gvr& gvr, const std::string& ns,
                                                   const std::string& name,
                                                   const json::Value& obj) {
  kube::ApplyOptions ao;
  ao.field_manager = std::string(api::kApplySetFieldManager);
  ao.force = false;
  Result<json::Value> applied = client_.Apply(gvr, ns, obj, ao);
  if (applied.ok() || applied.status().code() != ErrorCode::kAborted) {
    return applied;
  }
  // A conflict: another manager owns a field we set, with another value (field_conflicts.h).
  Result<json::Value> live = client_.Get(gvr, ns, name);
  if (!live.ok()) {
    return live.status();
  }
  std::vector<std::string> appliers =
      CoApplyingManagers(*live, obj, api::kApplySetFieldManager);
  if (appliers.empty()) {
    // Drift from an imperative write: take the fields back, as upstream always does.
    ao.force = true;
    return client_.Apply(gvr, ns, obj, ao);
  }
  std::string names;
  for (const std::string& m : appliers) {
    names += (names.empty() ? "\"" : ", \"") + m + "\"";
  }
  metrics_.child_apply_total->WithLabels({gvr.ToString(), "conflict"})->Inc();
  // Not transient: retrying cannot help until that manager or the RGD changes (a change of the
  // object enqueues the instance again).
  return Status(ErrorCode::kFailedPrecondition,
                applied.status().message() + "; field manager " + names +
                    " also sets these fields with server-side apply, so kro does not take "
                    "them over (remove them from that manager's apply or from the RGD)");
}

Status InstanceController::EnsureManaged(Ctx& c) {
  std::vector<std::string> finalizers = Finalizers(c.instance);
  bool need_finalizer = std::find(finalizers.begin(), finalizers.end(),
                                  api::kKroFinalizer) == finalizers.end();
  json::Object want;
  want[api::kOwnedLabel] = "true";
  want[api::kKroVersionLabel] = options_.version;
  want[api::kResourceGraphDefinitionIdLabel] = c.ig->rgd_uid;
  want[api::kResourceGraphDefinitionNameLabel] = c.ig->rgd_name;
  want[kApplySetIdLabel] = c.applyset_id;
  json::Object missing;
  for (const auto& kv : want) {
    if (Label(c.instance, kv.key()) != kv.value().as_string()) {
      missing[kv.key()] = kv.value();
    }
  }
  // ApplySet parent annotations; the namespaces come from the children kro has seen so far
  // (a child in a new namespace enqueues the instance, and the next pass adds it).
  std::set<std::string> child_namespaces;
  for (const ChildObject& ch : c.children) {
    child_namespaces.insert(std::string(kube::NamespaceOf(*ch.object)));
  }
  json::Object want_annotations;
  want_annotations[kApplySetToolingAnnotation] = "kro/" + options_.version;
  want_annotations[kApplySetGroupKindsAnnotation] = ApplySetGroupKinds(c.ig->graph->graph());
  want_annotations[kApplySetNamespacesAnnotation] =
      ApplySetAdditionalNamespaces(child_namespaces, c.key.ns);
  want_annotations[kApplySetInventoryHashAnnotation] = InventoryHash(
      c.applyset_id, want_annotations[kApplySetGroupKindsAnnotation].as_string(),
      want_annotations[kApplySetNamespacesAnnotation].as_string());
  const json::Value* have = json::Find(c.instance, "metadata.annotations");
  json::Object changed_annotations;
  for (const auto& kv : want_annotations) {
    const json::Value* v =
        have != nullptr && have->is_object() ? have->as_object().if_contains(kv.key()) : nullptr;
    if (v == nullptr || !v->is_string() || v->as_string() != kv.value().as_string()) {
      changed_annotations[kv.key()] = kv.value();
    }
  }
  if (!need_finalizer && missing.empty() && changed_annotations.empty()) {
    return Status::Ok();
  }
  json::Object md;
  if (need_finalizer) {
    finalizers.emplace_back(api::kKroFinalizer);
    md["finalizers"] = ToArray(finalizers);
  }
  if (!missing.empty()) {
    md["labels"] = std::move(missing);
  }
  if (!changed_annotations.empty()) {
    md["annotations"] = std::move(changed_annotations);
  }
  md["resourceVersion"] = std::string(kube::ResourceVersionOf(c.instance));
  json::Object patch;
  patch["metadata"] = std::move(md);
  Result<json::Value> r = client_.Patch(c.key.gvr, c.key.ns, c.key.name, kube::PatchType::kMerge,
                                        json::Value(std::move(patch)));
  if (!r.ok()) {
    return r.status().WithPrefix("finalizer/labeling failed");
  }
  // Keep our own status view: the patch answer carries the same status.
  c.instance = std::move(*r);
  return Status::Ok();
}

Outcome InstanceController::ReconcileNodes(Ctx& c) {
  runtime::Runtime& rt = *c.rt;
  const graph::Graph& g = c.ig->graph->graph();
  std::map<std::string, int> apply_orders = ApplyOrders(g);
  bool pending = false;
  Status transient;
  for (const std::string& id : g.topological_order) {
    const graph::Node* n = g.Find(id);
    if (n == nullptr) {
      continue;
    }
    // includeWhen (ignored is contagious to dependants).
    Result<bool> ignored = rt.IsIgnored(id);
    if (!ignored.ok()) {
      if (ignored.status().code() == ErrorCode::kDataPending) {
        c.sm.Set(id, runtime::NodeState::kInProgress, ignored.status());
        pending = true;
      } else {
        c.sm.Set(id, runtime::NodeState::kError, ignored.status());
      }
      continue;
    }
    if (*ignored) {
      c.sm.Set(id, runtime::NodeState::kSkipped);
      continue;
    }
    Result<kube::RestMapping> mapping =
        mapper_.Map(kube::Gvk{n->gvk.group, n->gvk.version, n->gvk.kind});
    if (!mapping.ok()) {
      if (IsTransient(mapping.status())) {
        transient = mapping.status();
      }
      c.sm.Set(id, runtime::NodeState::kError,
               mapping.status().WithPrefix("resource \"" + id + "\""));
      continue;
    }
    Result<std::vector<json::Value>> desired = rt.GetDesired(id);
    if (!desired.ok()) {
      if (desired.status().code() == ErrorCode::kDataPending) {
        c.sm.Set(id, runtime::NodeState::kInProgress, desired.status());
        pending = true;
      } else {
        c.sm.Set(id, runtime::NodeState::kError, desired.status());
      }
      continue;
    }
    const kube::Gvr& gvr = mapping->gvr;
    if (n->type == graph::NodeType::kExternal) {
      const json::Value& d = desired->front();
      std::string ns = mapping->namespaced ? Str(d, "metadata.namespace") : "";
      Result<json::Value> obj = client_.Get(gvr, ns, Str(d, "metadata.name"));
      if (!obj.ok()) {
        if (obj.status().code() == ErrorCode::kNotFound) {
          c.sm.Set(id, runtime::NodeState::kWaitingForReadiness,
                   DataPending("external reference \"" + id + "\": " + obj.status().message()));
          pending = true;
        } else {
          c.sm.Set(id, runtime::NodeState::kError, obj.status());
          if (IsTransient(obj.status())) {
            transient = obj.status();
          }
        }
        continue;
      }
      rt.SetObserved(id, {std::move(*obj)});
    } else if (n->type == graph::NodeType::kExternalCollection) {
      const json::Value& d = desired->front();
      std::string selector;
      if (const json::Value* ml = json::Find(d, "metadata.selector.matchLabels");
          ml != nullptr && ml->is_object()) {
        for (const auto& kv : ml->as_object()) {
          if (!selector.empty()) {
            selector += ",";
          }
          selector += std::string(kv.key()) + "=" +
                      (kv.value().is_string() ? std::string(kv.value().as_string()) : "");
        }
      }
      kube::ListOptions lo;
      lo.label_selector = selector;
      std::string ns = mapping->namespaced ? Str(d, "metadata.namespace") : "";
      Result<kube::ListResult> list = client_.List(gvr, ns, lo);
      if (!list.ok()) {
        c.sm.Set(id, runtime::NodeState::kError, list.status());
        if (IsTransient(list.status())) {
          transient = list.status();
        }
        continue;
      }
      rt.SetObserved(id, std::move(list->items));
    } else {
      Result<std::shared_ptr<kube::Informer>> inf =
          children_->Ensure(gvr, std::chrono::seconds(30));
      if (!inf.ok()) {
        transient = inf.status();
        c.sm.Set(id, runtime::NodeState::kError, inf.status());
        continue;
      }
      metrics_.dynamic_controller_watch_count->WithLabels({})->Set(
          static_cast<double>(children_->size()));
      bool is_collection = n->type == graph::NodeType::kCollection;
      std::vector<json::Value> observed;
      std::set<std::string> wanted;
      bool deleting = false;
      Status node_error;
      for (size_t i = 0; i < desired->size(); ++i) {
        json::Value obj = (*desired)[i];
        json::Object& md = obj.as_object()["metadata"].is_object()
                               ? obj.as_object()["metadata"].as_object()
                               : obj.as_object()["metadata"].emplace_object();
        json::Value& labels = md["labels"];
        if (!labels.is_object()) {
          labels = json::Object();
        }
        for (const auto& kv : ChildLabels(c, id)) {
          labels.as_object()[kv.key()] = kv.value();
        }
        json::Value& annotations = md["annotations"];
        if (!annotations.is_object()) {
          annotations = json::Object();
        }
        annotations.as_object()[kApplyOrderAnnotation] = std::to_string(apply_orders[id]);
        if (is_collection) {
          labels.as_object()[api::kCollectionIndexLabel] = std::to_string(i);
          labels.as_object()[api::kCollectionSizeLabel] = std::to_string(desired->size());
        }
        std::string ns = mapping->namespaced ? Str(obj, "metadata.namespace") : "";
        if (!mapping->namespaced) {
          md.erase("namespace");
        }
        std::string name = Str(obj, "metadata.name");
        wanted.insert(ns + "/" + name);
        kube::ObjectPtr current = children_->Get(gvr, ns, name);
        if (current != nullptr && HasDeletionTimestamp(*current)) {
          deleting = true;
          observed.push_back(*current);
          continue;
        }
        if (current != nullptr && runtime::DesiredSatisfiedBy(obj, *current)) {
          metrics_.child_apply_total->WithLabels({gvr.ToString(), "skipped"})->Inc();
          observed.push_back(*current);
          continue;
        }
        Result<json::Value> applied = ApplyChild(gvr, ns, name, obj);
        if (!applied.ok()) {
          // The client's message already says "apply <resource> <ns>/<name>".
          node_error = applied.status().WithPrefix("resource \"" + id + "\"");
          if (IsTransient(applied.status())) {
            transient = applied.status();
          }
          break;
        }
        metrics_.child_apply_total->WithLabels({gvr.ToString(), "applied"})->Inc();
        observed.push_back(std::move(*applied));
      }
      if (!node_error.ok()) {
        c.sm.Set(id, runtime::NodeState::kError, node_error);
        continue;
      }
      if (is_collection) {
        // Items no longer produced by forEach.
        for (const ChildObject& ch : c.children) {
          if (Label(*ch.object, api::kNodeIdLabel) != id || ch.gvr != gvr) {
            continue;
          }
          std::string k = std::string(kube::NamespaceOf(*ch.object)) + "/" +
                          std::string(kube::NameOf(*ch.object));
          if (wanted.count(k) == 0 && !HasDeletionTimestamp(*ch.object)) {
            Status s = DeleteChild(ch);
            if (!s.ok() && IsTransient(s)) {
              transient = s;
            }
          }
        }
      }
      rt.SetObserved(id, std::move(observed));
      if (deleting) {
        c.sm.Set(id, runtime::NodeState::kDeleting,
                 DataPending("resource \"" + id +
                             "\" is being deleted; waiting for deletion to complete"));
        pending = true;
        continue;
      }
    }
    Status ready = rt.CheckReadiness(id);
    if (ready.ok()) {
      c.sm.Set(id, runtime::NodeState::kSynced);
    } else if (ready.code() == ErrorCode::kDataPending) {
      c.sm.Set(id, runtime::NodeState::kWaitingForReadiness, ready);
      pending = true;
    } else {
      c.sm.Set(id, runtime::NodeState::kError, ready);
    }
  }

  // ---- 5. prune: children of excluded nodes, or of nodes no longer in the graph -------------
  for (const ChildObject& ch : c.children) {
    std::string id = Label(*ch.object, api::kNodeIdLabel);
    const runtime::NodeStatus* ns = c.sm.Get(id);
    bool excluded = g.Find(id) == nullptr ||
                    (ns != nullptr && ns->state == runtime::NodeState::kSkipped);
    if (!excluded || HasDeletionTimestamp(*ch.object)) {
      continue;
    }
    log_.Info("instance " + c.key.ToString() + ": pruning " + id + " " +
              std::string(kube::NamespaceOf(*ch.object)) + "/" +
              std::string(kube::NameOf(*ch.object)));
    Status s = DeleteChild(ch);
    if (!s.ok() && IsTransient(s)) {
      transient = s;
    }
  }
  c.sm.Update();
  if (!transient.ok()) {
    return Outcome::Retry(transient);
  }
  if (pending) {
    return Outcome::RequeueAfter(options_.instance_requeue_interval);
  }
  return Outcome::Done();
}

}  // namespace kro::controller
