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

namespace {

using Clock = std::chrono::steady_clock;

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

}  // namespace kro::controller
