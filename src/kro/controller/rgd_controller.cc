#include "kro/controller/rgd_controller.h"

#include "kro/controller/rgd_deletion_protection.h"

#include "kro/base/heap.h"

#include "kro/controller/informer_errors.h"
#include "kro/controller/object_meta.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <utility>

#include "kro/api/conditions.h"
#include "kro/api/finalizers.h"
#include "kro/api/rgd.h"
#include "kro/graph/builder.h"
#include "kro/runtime/apply_diff.h"
#include "kro/runtime/conditions.h"
#include "kro/schema/crd.h"
#include "kro/schema/simpleschema/transform.h"

namespace kro::controller {

namespace {

using Clock = std::chrono::steady_clock;

std::string Str(const json::Value& obj, std::string_view path) {
  const json::Value* v = json::Find(obj, path);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t Int(const json::Value& obj, std::string_view path) {
  const json::Value* v = json::Find(obj, path);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

json::Array ToArray(const std::vector<std::string>& v) {
  json::Array a;
  for (const std::string& s : v) {
    a.emplace_back(json::String(s));
  }
  return a;
}

std::string DefaultOpenApiDir() {
  for (std::filesystem::path p = std::filesystem::current_path(); !p.empty();
       p = p.parent_path()) {
    std::filesystem::path c = p / ".cache" / "openapi";
    std::error_code ec;
    if (std::filesystem::is_directory(c, ec)) {
      return c.string();
    }
    if (p == p.parent_path()) {
      break;
    }
  }
  return "";
}

bool IsEstablished(const json::Value& crd) {
  const json::Value* conds = json::Find(crd, "status.conditions");
  if (conds == nullptr || !conds->is_array()) {
    return false;
  }
  for (const json::Value& c : conds->as_array()) {
    if (Str(c, "type") == "Established" && Str(c, "status") == "True") {
      return true;
    }
  }
  return false;
}

runtime::ConditionSet RgdConditions(const json::Value& rgd) {
  return runtime::ConditionSet(
      "Ready",
      {std::string(api::kRgdConditionGraphAccepted),
       std::string(api::kRgdConditionGraphRevisionsResolved),
       std::string(api::kRgdConditionKindReady), std::string(api::kRgdConditionControllerReady)},
      runtime::ConditionsOf(rgd), Int(rgd, "metadata.generation"),
      Str(rgd, "metadata.creationTimestamp"), NowRfc3339());
}

// status.resources of an RGD (and of its GraphRevision): each node with its dependencies.
json::Array ResourcesStatus(const graph::Graph& g) {
  json::Array resources;
  for (const graph::Node& n : g.nodes) {
    json::Object r{{"id", n.id}};
    if (!n.dependencies.empty()) {
      json::Array deps;
      for (const std::string& d : n.dependencies) {
        deps.emplace_back(json::Object{{"id", d}});
      }
      r["dependencies"] = std::move(deps);
    }
    resources.emplace_back(std::move(r));
  }
  return resources;
}

// The instance CRD when the graph builder did not synthesize one: the spec schema from
// SimpleSchema and a status that accepts any projected field (kro's state and conditions are
// added by SynthesizeCrd).
Result<json::Value> FallbackCrd(const json::Value& rgd) {
  const json::Value* schema = json::Find(rgd, "spec.schema");
  if (schema == nullptr || !schema->is_object()) {
    return InvalidArgument("spec.schema is missing");
  }
  KRO_ASSIGN_OR_RETURN(schema::CrdOptions opts, schema::CrdOptionsFromRgdSchema(*schema));
  const json::Value* spec = schema->as_object().if_contains("spec");
  const json::Value* types = schema->as_object().if_contains("types");
  KRO_ASSIGN_OR_RETURN(json::Value spec_schema,
                       schema::simpleschema::ToOpenApiSpec(
                           spec != nullptr ? *spec : json::Value(json::Object()),
                           types != nullptr ? *types : json::Value(), "spec.schema.spec"));
  json::Value status_schema =
      json::Object{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
  return schema::SynthesizeCrd(opts, spec_schema, status_schema, true);
}

}  // namespace

RgdController::RgdController(kube::Client& client, kube::RestMapper& mapper,
                             kube::OpenApi& openapi, InstanceController& instances,
                             ControllerMetrics& metrics, const Logger& log,
                             const ControllerOptions& options)
    : client_(client),
      mapper_(mapper),
      openapi_(openapi),
      instances_(instances),
      metrics_(metrics),
      log_(log),
      options_(options),
      revisions_(client, log, options.rgd_max_graph_revisions) {
  offline_ = std::make_unique<graph::OfflineResolver>(
      options.openapi_dir.empty() ? DefaultOpenApiDir() : options.openapi_dir);
  resolver_ = std::make_unique<ClusterSchemaResolver>(&openapi_, &mapper_, offline_.get());
}

RgdController::~RgdController() { Stop(); }

void RgdController::Start(int workers) {
  std::lock_guard<std::mutex> lock(mu_);
  if (informer_ != nullptr) {
    return;
  }
  kube::InformerOptions io;
  io.on_error = LogInformerErrors(log_);
  informer_ = std::make_shared<kube::Informer>(client_, kRgdGvr, std::move(io));
  auto enqueue = [this](const kube::ObjectPtr& o) {
    if (o != nullptr) {
      queue_.Add(std::string(kube::NameOf(*o)));
    }
  };
  kube::EventHandler h;
  h.on_add = enqueue;
  h.on_update = [this, enqueue](const kube::ObjectPtr& old_obj, const kube::ObjectPtr& new_obj) {
    // Ignore our own status writes (generation and metadata unchanged).
    for (std::string_view p : {"metadata.generation", "metadata.finalizers",
                               "metadata.deletionTimestamp"}) {
      const json::Value* a = json::Find(*old_obj, p);
      const json::Value* b = json::Find(*new_obj, p);
      if ((a == nullptr) != (b == nullptr) || (a != nullptr && !json::Equal(*a, *b))) {
        enqueue(new_obj);
        return;
      }
    }
  };
  h.on_delete = enqueue;
  informer_->AddEventHandler(std::move(h));
  informer_->Start();
  for (int i = 0; i < std::max(1, workers); ++i) {
    workers_.emplace_back([this](std::stop_token st) { Worker(st); });
  }
}

void RgdController::Stop() {
  queue_.ShutDown();
  std::vector<std::jthread> workers;
  std::shared_ptr<kube::Informer> informer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
    informer = informer_;
  }
  for (std::jthread& w : workers) {
    w.request_stop();
    w.join();
  }
  if (informer != nullptr) {
    informer->Stop();
  }
}

void RgdController::Worker(std::stop_token st) {
  while (!st.stop_requested()) {
    std::optional<std::string> key = queue_.Get();
    if (!key.has_value()) {
      return;
    }
    Outcome out;
    try {
      out = Reconcile(*key);
    } catch (const std::exception& e) {
      out = Outcome::Retry(Internal(std::string("reconcile threw: ") + e.what()));
    }
    metrics_.rgd_reconcile_total->WithLabels({})->Inc();
    switch (out.kind) {
      case Outcome::Kind::kDone:
        queue_.Forget(*key);
        break;
      case Outcome::Kind::kRequeueAfter:
        queue_.Forget(*key);
        queue_.AddAfter(*key, out.after);
        break;
      case Outcome::Kind::kRetry:
        metrics_.rgd_reconcile_errors_total->WithLabels({})->Inc();
        log_.Log(out.error.code() == ErrorCode::kAborted ? LogLevel::kDebug : LogLevel::kError,
                 "rgd " + *key + ": " + out.error.ToString());
        queue_.AddRateLimited(*key);
        break;
    }
    queue_.Done(*key);
  }
}

Status RgdController::WriteStatus(const json::Value& rgd, const json::Value& new_status) {
  const json::Value* old = json::Find(rgd, "status");
  if (old != nullptr && json::Equal(*old, new_status)) {
    return Status::Ok();
  }
  json::Value obj = rgd;
  obj.as_object()["status"] = new_status;
  Result<json::Value> r = client_.UpdateStatus(kRgdGvr, "", obj);
  return r.ok() ? Status::Ok() : r.status().WithPrefix("updating RGD status");
}

Outcome RgdController::Finalize(const json::Value& rgd) {
  std::string name = Str(rgd, "metadata.name");
  kube::Gvr gvr;
  bool known = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = served_.find(name);
    if (it != served_.end()) {
      gvr = it->second;
      known = true;
    }
  }
  if (options_.rgd_deletion_protection && known) {
    // Keep the RGD (and its instances served) while any instance exists.
    Result<size_t> n = CountInstances(client_, gvr);
    if (!n.ok()) {
      return Outcome::Retry(n.status());
    }
    if (*n > 0) {
      runtime::ConditionSet cs = RgdConditions(rgd);
      cs.SetFalse(kRgdConditionDeletionAllowed, kDeletionBlockedReason,
                  DeletionBlockedMessage(*n, Str(rgd, "spec.schema.kind")));
      json::Object status;
      if (const json::Value* old = json::Find(rgd, "status"); old != nullptr && old->is_object()) {
        status = old->as_object();
      }
      status["conditions"] = runtime::EncodeConditions(cs.conditions());
      Status s = WriteStatus(rgd, json::Value(std::move(status)));
      if (!s.ok()) {
        return Outcome::Retry(s);
      }
      return Outcome::RequeueAfter(options_.rgd_progress_requeue_delay);
    }
  }
  revisions_.Forget(name);  // its GraphRevisions go with it (ownerReferences)
  if (known) {
    std::lock_guard<std::mutex> lock(mu_);
    served_.erase(name);
  }
  std::string crd_name;
  if (known) {
    instances_.Unregister(gvr);
    crd_name = gvr.resource + "." + gvr.group;
  } else {
    api::ParsedRgd parsed = api::ParseResourceGraphDefinition(rgd);
    graph::BuildOptions bo;
    bo.enable_omit = options_.gates.cel_omit_function;
    graph::BuildResult br = graph::Compile(parsed.rgd, bo, parsed.diagnostics);
    if (br.graph != nullptr && br.graph->crd.is_object()) {
      crd_name = Str(br.graph->crd, "metadata.name");
    }
  }
  if (options_.allow_crd_deletion && !crd_name.empty()) {
    Status s = client_.Delete(kCrdGvr, "", crd_name);
    if (!s.ok() && s.code() != ErrorCode::kNotFound) {
      return Outcome::Retry(s.WithPrefix("deleting CRD " + crd_name));
    }
    mapper_.Invalidate();
    log_.Info("rgd " + name + ": deleted CRD " + crd_name);
  }
  std::vector<std::string> fins = Finalizers(rgd);
  auto it = std::find(fins.begin(), fins.end(), api::kKroFinalizer);
  if (it != fins.end()) {
    fins.erase(it);
    json::Object md{{"finalizers", ToArray(fins)},
                    {"resourceVersion", std::string(kube::ResourceVersionOf(rgd))}};
    json::Object patch{{"metadata", std::move(md)}};
    Result<json::Value> r =
        client_.Patch(kRgdGvr, "", name, kube::PatchType::kMerge, json::Value(std::move(patch)));
    if (!r.ok() && r.status().code() != ErrorCode::kNotFound) {
      return Outcome::Retry(r.status().WithPrefix("removing finalizer"));
    }
  }
  return Outcome::Done();
}

bool RgdController::SyncRevision(const json::Value& rgd, const RevisionResult& result,
                                 runtime::ConditionSet& cs, json::Object& status, Status* error) {
  Result<int64_t> rev = revisions_.Sync(rgd, result);
  if (rev.ok()) {
    status["lastIssuedRevision"] = *rev;
    if (result.verified) {
      cs.SetTrue(api::kRgdConditionGraphRevisionsResolved, "Resolved",
                 "revision " + std::to_string(*rev) + " compiled and active");
    } else {
      cs.SetFalse(api::kRgdConditionGraphRevisionsResolved, "InvalidGraph",
                  "revision " + std::to_string(*rev) + " failed to compile");
    }
    return true;
  }
  if (rev.status().code() == ErrorCode::kNotFound) {
    // The GraphRevision CRD is not installed: serve the compiled graph without revisions.
    if (!revisions_missing_logged_.exchange(true)) {
      log_.Info("GraphRevisions (internal.kro.run/v1alpha1) are not served: install "
                "config/crd/internal.kro.run_graphrevisions.yaml to keep revisions; going on "
                "without them");
    }
    if (result.verified) {
      cs.SetTrue(api::kRgdConditionGraphRevisionsResolved, "Resolved",
                 "generation " + std::to_string(Int(rgd, "metadata.generation")) +
                     " compiled and active (GraphRevision API not installed)");
    }
    return true;
  }
  cs.SetFalse(api::kRgdConditionGraphRevisionsResolved, "Failed", rev.status().message());
  *error = rev.status();
  return false;
}

Outcome RgdController::Reconcile(const std::string& name) {
  if (informer_ == nullptr || !informer_->WaitForSync(std::chrono::seconds(30))) {
    return Outcome::Retry(Unavailable("RGD informer not synced"));
  }
  kube::ObjectPtr cached = informer_->store().Get("", name);
  if (cached == nullptr) {
    return Outcome::Done();
  }
  json::Value rgd = *cached;
  if (HasDeletionTimestamp(rgd)) {
    return Finalize(rgd);
  }
  // ---- 1. finalizer -----------------------------------------------------------------------------
  std::vector<std::string> fins = Finalizers(rgd);
  if (std::find(fins.begin(), fins.end(), api::kKroFinalizer) == fins.end()) {
    fins.emplace_back(api::kKroFinalizer);
    json::Object md{{"finalizers", ToArray(fins)},
                    {"resourceVersion", std::string(kube::ResourceVersionOf(rgd))}};
    json::Object patch{{"metadata", std::move(md)}};
    Result<json::Value> r =
        client_.Patch(kRgdGvr, "", name, kube::PatchType::kMerge, json::Value(std::move(patch)));
    if (!r.ok()) {
      return Outcome::Retry(r.status().WithPrefix("adding finalizer"));
    }
    rgd = std::move(*r);
  }

  // ---- 2. compile -------------------------------------------------------------------------------
  auto start = Clock::now();
  api::ParsedRgd parsed = api::ParseResourceGraphDefinition(rgd);
  graph::BuildOptions bo;
  bo.resolver = resolver_.get();
  bo.max_collection_dimension_size = options_.rgd_max_collection_dimension_size;
  bo.enable_omit = options_.gates.cel_omit_function;
  graph::BuildResult br = graph::Compile(parsed.rgd, bo, parsed.diagnostics);
  // Resolving schemas parsed whole OpenAPI documents (megabytes), now freed, in this worker's
  // malloc arena, where the instance workers cannot reuse them: give the pages back.
  ReleaseFreeHeap();
  std::shared_ptr<const runtime::CompiledGraph> compiled;
  std::string error;
  if (br.graph == nullptr) {
    for (const api::Diagnostic& d : br.diagnostics) {
      if (d.severity != api::Severity::kError) {
        continue;
      }
      if (!error.empty()) {
        error += "; ";
      }
      // Structure diagnostics already start with their path.
      bool has_path = d.path.empty() || d.message.compare(0, d.path.size() + 2, d.path + ": ") == 0;
      error += has_path ? d.message : d.path + ": " + d.message;
    }
    if (error.empty()) {
      error = "graph build failed";
    }
  } else {
    Result<std::shared_ptr<const runtime::CompiledGraph>> c =
        runtime::CompiledGraph::Compile(br.graph);
    if (!c.ok()) {
      error = c.status().location().empty()
                  ? c.status().message()
                  : c.status().location() + ": " + c.status().message();
    } else {
      compiled = *c;
    }
  }
  metrics_.rgd_graph_build_duration_seconds->WithLabels({})->Observe(
      std::chrono::duration<double>(Clock::now() - start).count());
  metrics_.rgd_graph_build_total->WithLabels({compiled ? "success" : "failure"})->Inc();

  runtime::ConditionSet cs = RgdConditions(rgd);
  json::Object status;
  if (const json::Value* old = json::Find(rgd, "status"); old != nullptr && old->is_object()) {
    status = old->as_object();
  }
  RevisionResult revision;
  revision.verified = compiled != nullptr;
  revision.message = error;
  if (compiled != nullptr) {
    revision.topological_order = compiled->graph().topological_order;
    revision.resources = ResourcesStatus(compiled->graph());
  }
  Status revision_error;
  if (!SyncRevision(rgd, revision, cs, status, &revision_error)) {
    status["conditions"] = runtime::EncodeConditions(cs.conditions());
    (void)WriteStatus(rgd, json::Value(std::move(status)));
    return Outcome::Retry(revision_error);
  }
  if (compiled == nullptr) {
    log_.Info("rgd " + name + ": invalid: " + error);
    cs.SetFalse(api::kRgdConditionGraphAccepted, "InvalidResourceGraph", error);
    status["state"] = std::string(api::kRgdStateInactive);
    status["conditions"] = runtime::EncodeConditions(cs.conditions());
    Status s = WriteStatus(rgd, json::Value(std::move(status)));
    return s.ok() ? Outcome::Done() : Outcome::Retry(s);
  }
  const graph::Graph& g = compiled->graph();
  cs.SetTrue(api::kRgdConditionGraphAccepted, "Valid", "resource graph and schema are valid");

  // ---- 3. the instance CRD ----------------------------------------------------------------------
  json::Value crd = g.crd;
  if (!crd.is_object()) {
    Result<json::Value> fallback = FallbackCrd(rgd);
    if (!fallback.ok()) {
      cs.SetFalse(api::kRgdConditionGraphAccepted, "InvalidResourceGraph",
                  fallback.status().message());
      status["state"] = std::string(api::kRgdStateInactive);
      status["conditions"] = runtime::EncodeConditions(cs.conditions());
      Status ws = WriteStatus(rgd, json::Value(std::move(status)));
      return ws.ok() ? Outcome::Done() : Outcome::Retry(ws);
    }
    crd = std::move(*fallback);
  }
  std::string crd_name = Str(crd, "metadata.name");
  Result<json::Value> current = client_.Get(kCrdGvr, "", crd_name);
  bool need_apply = !current.ok() || !runtime::DesiredSatisfiedBy(crd, *current);
  if (!current.ok() && current.status().code() != ErrorCode::kNotFound) {
    return Outcome::Retry(current.status());
  }
  if (need_apply) {
    kube::ApplyOptions ao;
    ao.field_manager = "kro.run/resource-graph-definition-controller";
    ao.force = true;
    current = client_.Apply(kCrdGvr, "", crd, ao);
    if (!current.ok()) {
      std::string msg = "failed to apply CRD " + crd_name + ": " + current.status().message();
      cs.SetFalse(api::kRgdConditionKindReady, "Failed", msg);
      status["state"] = std::string(api::kRgdStateInactive);
      status["conditions"] = runtime::EncodeConditions(cs.conditions());
      (void)WriteStatus(rgd, json::Value(std::move(status)));
      return Outcome::Retry(current.status().WithPrefix("applying CRD"));
    }
    log_.Info("rgd " + name + ": applied CRD " + crd_name);
  }
  // Wait (briefly) for the apiserver to serve the kind.
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!IsEstablished(*current) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Result<json::Value> again = client_.Get(kCrdGvr, "", crd_name);
    if (again.ok()) {
      current = std::move(again);
    }
  }
  if (!IsEstablished(*current)) {
    cs.SetFalse(api::kRgdConditionKindReady, "Failed",
                "CRD " + crd_name + " is not established yet");
    status["state"] = std::string(api::kRgdStateInactive);
    status["conditions"] = runtime::EncodeConditions(cs.conditions());
    (void)WriteStatus(rgd, json::Value(std::move(status)));
    return Outcome::RequeueAfter(options_.rgd_progress_requeue_delay);
  }
  cs.SetTrue(api::kRgdConditionKindReady, "Ready",
             "kind " + g.kind + " has been accepted and ready");

  // ---- 4. serve the instances -------------------------------------------------------------------
  InstanceGraph ig;
  ig.gvr = kube::Gvr{g.group, g.api_version, Str(crd, "spec.names.plural")};
  ig.gvk = kube::Gvk{g.group, g.api_version, g.kind};
  ig.namespaced = g.instance_namespaced;
  ig.graph = compiled;
  ig.rgd_name = name;
  ig.rgd_uid = std::string(kube::UidOf(rgd));
  kube::Gvr gvr = ig.gvr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = served_.find(name);
    if (it != served_.end() && it->second != gvr) {
      instances_.Unregister(it->second);  // the kind changed
    }
    served_[name] = gvr;
  }
  instances_.Register(std::move(ig));
  cs.SetTrue(api::kRgdConditionControllerReady, "Running", "controller is running");

  // ---- 5. status ----------------------------------------------------------------------------------
  status["state"] = std::string(api::kRgdStateActive);
  status["conditions"] = runtime::EncodeConditions(cs.conditions());
  json::Array order;
  for (const std::string& id : g.topological_order) {
    order.emplace_back(json::String(id));
  }
  status["topologicalOrder"] = std::move(order);
  status["resources"] = ResourcesStatus(g);
  Status s = WriteStatus(rgd, json::Value(std::move(status)));
  if (!s.ok()) {
    return Outcome::Retry(s);
  }
  log_.Debug("rgd " + name + ": active, serving " + gvr.ToString());
  return Outcome::Done();
}

}  // namespace kro::controller
