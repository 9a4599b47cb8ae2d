#include "kro/controller/instance_controller.h"

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

namespace {

using Clock = std::chrono::steady_clock;

std::string Str(const json::Value& obj, std::string_view path) {
  const json::Value* v = json::Find(obj, path);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// metadata.<map>[key] ("labels" or "annotations") as a string; empty when absent.
std::string MetadataEntry(const json::Value& obj, std::string_view map, std::string_view key) {
  const json::Value* md = obj.is_object() ? obj.as_object().if_contains("metadata") : nullptr;
  const json::Value* m =
      md != nullptr && md->is_object() ? md->as_object().if_contains(map) : nullptr;
  const json::Value* v = m != nullptr && m->is_object() ? m->as_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string Label(const json::Value& obj, std::string_view key) {
  return MetadataEntry(obj, "labels", key);
}

// Transient failures are retried with back-off; the rest are reported and wait for a change.
bool IsTransient(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
    case ErrorCode::kResourceExhausted:
    case ErrorCode::kAborted:
    case ErrorCode::kInternal:
    case ErrorCode::kUnknown:
    case ErrorCode::kCancelled:
      return true;
    default:
      return false;
  }
}

json::Array ToArray(const std::vector<std::string>& v) {
  json::Array a;
  for (const std::string& s : v) {
    a.emplace_back(json::String(s));
  }
  return a;
}

// True when metadata.generation, labels, annotations, finalizers and deletionTimestamp are the
// same (for a CRD with a status subresource: only status or bookkeeping changed).
bool OnlyStatusChanged(const json::Value& a, const json::Value& b) {
  for (std::string_view p : {"metadata.generation", "metadata.labels", "metadata.annotations",
                             "metadata.finalizers", "metadata.deletionTimestamp"}) {
    const json::Value* x = json::Find(a, p);
    const json::Value* y = json::Find(b, p);
    if ((x == nullptr) != (y == nullptr) || (x != nullptr && !json::Equal(*x, *y))) {
      return false;
    }
  }
  return true;
}

}  // namespace

// Everything one reconcile works with.
struct InstanceController::Ctx {
  InstanceKey key;
  std::shared_ptr<const InstanceGraph> ig;
  json::Value instance;
  std::string uid;
  std::string applyset_id;  // the instance as ApplySet parent (applyset.h)
  std::unique_ptr<runtime::Runtime> rt;
  runtime::StateManager sm;
  bool managed = false;
  Status managed_error;
  std::string reconcile_message;  // extra text for ResourcesReady when not ready
  bool deleting_children = false;
  bool suspended = false;  // kro.run/reconcile: suspended: status only, no child write
  // The instance's children in the cache when the reconcile began (ChildWatches::ChildrenOf),
  // read once for the ApplySet namespaces, collection pruning and pruning. Children this pass
  // creates are missing, which is safe: those steps only delete children no node wants.
  std::vector<ChildObject> children;
};

InstanceController::InstanceController(kube::Client& client, kube::RestMapper& mapper,
                                       EventRecorder& events, ControllerMetrics& metrics,
                                       const Logger& log, const ControllerOptions& options)
    : client_(client),
      mapper_(mapper),
      events_(events),
      metrics_(metrics),
      log_(log),
      options_(options),
      queue_(DefaultControllerRateLimiter<InstanceKey, InstanceKeyHash>(RateLimiterOptions{
          options.rate_limiter_min_delay, options.rate_limiter_max_delay,
          options.rate_limiter_rate_limit, options.rate_limiter_burst_limit})) {
  kube::InformerOptions child_options;
  child_options.on_error = LogInformerErrors(log_);
  children_ = std::make_unique<ChildWatches>(
      client_, [this](const InstanceRef& ref) { EnqueueOwner(ref); }, std::move(child_options));
}

InstanceController::~InstanceController() { Stop(); }

void InstanceController::Register(InstanceGraph g) {
  auto ig = std::make_shared<const InstanceGraph>(std::move(g));
  std::shared_ptr<kube::Informer> informer;
  bool fresh = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Entry& e = entries_[ig->gvr];
    e.graph = ig;
    e.serving = true;
    by_gvk_[{ig->gvk.group, ig->gvk.version, ig->gvk.kind}] = ig->gvr;
    if (e.informer == nullptr) {
      // The kind was just established: the first lists may 404 until discovery catches up,
      // so retry them quickly.
      kube::InformerOptions io;
      io.backoff_initial = std::chrono::milliseconds(50);
      io.backoff_max = std::chrono::milliseconds(2000);
      io.on_error = LogInformerErrors(log_);
      e.informer = std::make_shared<kube::Informer>(client_, ig->gvr, io);
      fresh = true;
    }
    informer = e.informer;
  }
  metrics_.dynamic_controller_gvr_count->WithLabels({})->Set(static_cast<double>(NumGvrs()));
  if (fresh) {
    kube::Gvr gvr = ig->gvr;
    auto enqueue = [this, gvr](const kube::ObjectPtr& o) {
      if (o != nullptr) {
        queue_.Add(InstanceKey{gvr, std::string(kube::NamespaceOf(*o)),
                               std::string(kube::NameOf(*o))});
      }
    };
    kube::EventHandler h;
    h.on_add = enqueue;
    h.on_update = [enqueue](const kube::ObjectPtr& old_obj, const kube::ObjectPtr& new_obj) {
      // Our own status writes come back as updates; they need no reconcile.
      if (old_obj == nullptr || new_obj == nullptr || !OnlyStatusChanged(*old_obj, *new_obj)) {
        enqueue(new_obj);
      }
    };
    h.on_delete = enqueue;
    informer->AddEventHandler(std::move(h));
    informer->Start();
  } else {
    // A new graph: every instance reconciles again.
    for (kube::ObjectKey& k : informer->store().Keys()) {
      queue_.Add(InstanceKey{ig->gvr, std::move(k.ns), std::move(k.name)});
    }
  }
}

void InstanceController::Unregister(const kube::Gvr& gvr) {
  std::vector<kube::ObjectKey> keys;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(gvr);
    if (it == entries_.end() || !it->second.serving) {
      return;
    }
    // Deletion-only until its last instance is gone (Retire), so deleting an instance after its
    // RGD still runs the wave deletion and removes the finalizer.
    it->second.serving = false;
    if (it->second.informer != nullptr) {
      keys = it->second.informer->store().Keys();
    }
  }
  for (kube::ObjectKey& k : keys) {
    queue_.Add(InstanceKey{gvr, std::move(k.ns), std::move(k.name)});
  }
  metrics_.dynamic_controller_gvr_count->WithLabels({})->Set(static_cast<double>(NumGvrs()));
}

void InstanceController::Retire(const kube::Gvr& gvr) {
  std::shared_ptr<kube::Informer> informer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(gvr);
    if (it == entries_.end() || it->second.serving ||
        (it->second.informer != nullptr && !it->second.informer->store().Keys().empty())) {
      return;
    }
    informer = it->second.informer;
    for (auto g = by_gvk_.begin(); g != by_gvk_.end();) {
      g = g->second == gvr ? by_gvk_.erase(g) : std::next(g);
    }
    entries_.erase(it);
  }
  if (informer != nullptr) {
    informer->Stop();
  }
}

bool InstanceController::IsRegistered(const kube::Gvr& gvr) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(gvr);
  return it != entries_.end() && it->second.serving;
}

size_t InstanceController::NumGvrs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<size_t>(std::count_if(entries_.begin(), entries_.end(),
                                           [](const auto& e) { return e.second.serving; }));
}

void InstanceController::EnqueueOwner(const InstanceRef& ref) {
  kube::Gvr gvr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_gvk_.find({ref.group, ref.version, ref.kind});
    if (it == by_gvk_.end()) {
      return;
    }
    gvr = it->second;
  }
  queue_.Add(InstanceKey{gvr, ref.ns, ref.name});
}

void InstanceController::Start(int workers) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!workers_.empty()) {
    return;
  }
  for (int i = 0; i < std::max(1, workers); ++i) {
    workers_.emplace_back([this](std::stop_token st) { Worker(st); });
  }
}

void InstanceController::Stop() {
  queue_.ShutDown();
  std::vector<std::jthread> workers;
  std::map<kube::Gvr, Entry> entries;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
    entries = entries_;
  }
  for (std::jthread& w : workers) {
    w.request_stop();
    w.join();
  }
  for (auto& [gvr, e] : entries) {
    if (e.informer != nullptr) {
      e.informer->Stop();
    }
  }
  children_->Stop();
}

void InstanceController::Worker(std::stop_token st) {
  while (!st.stop_requested()) {
    std::optional<InstanceKey> key = queue_.Get();
    if (!key.has_value()) {
      return;
    }
    metrics_.dynamic_controller_queue_length->WithLabels({})->Set(
        static_cast<double>(queue_.Len()));
    Outcome out;
    try {
      out = Reconcile(*key);
    } catch (const std::exception& e) {
      out = Outcome::Retry(Internal(std::string("reconcile threw: ") + e.what()));
    }
    switch (out.kind) {
      case Outcome::Kind::kDone:
        queue_.Forget(*key);
        break;
      case Outcome::Kind::kRequeueAfter:
        queue_.Forget(*key);
        queue_.AddAfter(*key, out.after);
        break;
      case Outcome::Kind::kRetry:
        // Conflicts come from a cache that lags our own writes: retry quietly.
        log_.Log(out.error.code() == ErrorCode::kAborted ? LogLevel::kDebug : LogLevel::kError,
                 "instance " + key->ToString() + ": " + out.error.ToString());
        if (queue_.NumRequeues(*key) < options_.default_queue_max_retries) {
          queue_.AddRateLimited(*key);
        } else {
          queue_.Forget(*key);
        }
        break;
    }
    queue_.Done(*key);
  }
}

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

Outcome InstanceController::Reconcile(const InstanceKey& key) {
  auto start = Clock::now();
  std::string gvr_label = key.gvr.ToString();
  Ctx c;
  c.key = key;
  std::shared_ptr<kube::Informer> informer;
  bool serving = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key.gvr);
    if (it == entries_.end()) {
      return Outcome::Done();  // the RGD went away and its last instance with it
    }
    c.ig = it->second.graph;
    informer = it->second.informer;
    serving = it->second.serving;
  }
  // ---- 1. load the instance -------------------------------------------------------------------
  if (!informer->WaitForSync(std::chrono::seconds(30))) {
    return Outcome::Retry(Unavailable("instance informer for " + gvr_label + " not synced"));
  }
  kube::ObjectPtr cached = informer->store().Get(key.ns, key.name);
  if (!serving && (cached == nullptr || !HasDeletionTimestamp(*cached))) {
    Retire(key.gvr);  // the RGD is gone: only deletions are handled, until no instance is left
    return Outcome::Done();
  }
  if (cached == nullptr) {
    return Outcome::Done();
  }
  c.instance = *cached;
  c.uid = std::string(kube::UidOf(c.instance));
  c.applyset_id = ApplySetId(key.name, key.ns, c.ig->gvk.kind, c.ig->gvk.group);

  Outcome out;
  if (HasDeletionTimestamp(c.instance)) {
    // ---- 2. deletion (from the ApplySet inventory: no graph, no CEL) ------------------------------
    out = ReconcileDeletion(c);
  } else {
    runtime::RuntimeOptions ropts;
    ropts.max_collection_size = options_.rgd_max_collection_size;
    c.rt = std::make_unique<runtime::Runtime>(c.ig->graph, c.instance, ropts);
    // ---- 3. finalizer and labels ------------------------------------------------------------------
    c.children = children_->ChildrenOf(c.uid);  // empty for ""
    c.managed_error = EnsureManaged(c);
    c.managed = c.managed_error.ok();
    c.suspended = api::IsReconcileSuspended(
        MetadataEntry(c.instance, "annotations", api::kInstanceReconcileAnnotation));
    if (!c.managed) {
      out = WriteStatus(c, Outcome::Retry(c.managed_error));
    } else if (c.suspended) {
      // ---- suspended: no apply, no prune; the annotation's removal enqueues it again -------------
      out = WriteStatus(c, Outcome::Done());
    } else {
      // ---- 4.-5. nodes and pruning ----------------------------------------------------------------
      out = ReconcileNodes(c);
      // ---- 6. status ------------------------------------------------------------------------------
      out = WriteStatus(c, out);
    }
  }
  if (c.rt != nullptr) {
    metrics_.cel_expr_eval_total->WithLabels({})->Inc(static_cast<double>(c.rt->evaluations()));
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  metrics_.instance_reconcile_duration_seconds->WithLabels({gvr_label})->Observe(secs);
  metrics_.instance_reconcile_total->WithLabels({gvr_label})->Inc();
  if (out.kind == Outcome::Kind::kRetry) {
    metrics_.instance_reconcile_errors_total->WithLabels({gvr_label})->Inc();
  }
  return out;
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
