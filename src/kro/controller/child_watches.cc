#include "kro/controller/child_watches.h"

#include <utility>

#include "kro/api/labels.h"

namespace kro::controller {

namespace {

std::string Label(const json::Value& obj, std::string_view key) {
  const json::Value* md = obj.is_object() ? obj.as_object().if_contains("metadata") : nullptr;
  const json::Value* labels =
      md != nullptr && md->is_object() ? md->as_object().if_contains("labels") : nullptr;
  const json::Value* v =
      labels != nullptr && labels->is_object() ? labels->as_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

ChildWatches::ChildWatches(kube::Client& client, Callback on_change,
                           kube::InformerOptions defaults)
    : client_(client), on_change_(std::move(on_change)), defaults_(std::move(defaults)) {}

ChildWatches::~ChildWatches() { Stop(); }

Result<std::shared_ptr<kube::Informer>> ChildWatches::Ensure(const kube::Gvr& gvr,
                                                             std::chrono::milliseconds timeout) {
  std::shared_ptr<kube::Informer> inf;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = informers_.find(gvr);
    if (it != informers_.end()) {
      inf = it->second;
    } else {
      kube::InformerOptions opts = defaults_;
      opts.label_selector =
          std::string(api::kManagedByLabelKey) + "=" + std::string(api::kManagedByKroValue);
      inf = std::make_shared<kube::Informer>(client_, gvr, opts);
      // The map key outlives the informer's handlers: entries are never erased.
      const kube::Gvr& key = informers_.emplace(gvr, inf).first->first;
      auto notify = [cb = on_change_](const kube::ObjectPtr& obj) {
        if (obj == nullptr) {
          return;
        }
        InstanceRef ref{Label(*obj, api::kInstanceGroupLabel),
                        Label(*obj, api::kInstanceVersionLabel),
                        Label(*obj, api::kInstanceKindLabel),
                        Label(*obj, api::kInstanceNamespaceLabel),
                        Label(*obj, api::kInstanceLabel)};
        if (!ref.kind.empty() && !ref.name.empty()) {
          cb(ref);
        }
      };
      // The index first, so an instance enqueued by `notify` finds the change already indexed.
      kube::EventHandler h;
      h.on_add = [this, &key, notify](const kube::ObjectPtr& o) {
        index_.Add(key, o);
        notify(o);
      };
      h.on_update = [this, &key, notify](const kube::ObjectPtr& o, const kube::ObjectPtr& n) {
        index_.Update(key, o, n);
        notify(n);
      };
      h.on_delete = [this, &key, notify](const kube::ObjectPtr& o) {
        index_.Delete(key, o);
        notify(o);
      };
      inf->AddEventHandler(std::move(h));
      inf->Start();
    }
  }
  if (!inf->WaitForSync(timeout)) {
    return Unavailable("informer for " + gvr.ToString() + " did not sync");
  }
  return inf;
}

kube::ObjectPtr ChildWatches::Get(const kube::Gvr& gvr, std::string_view ns,
                                  std::string_view name) const {
  std::shared_ptr<kube::Informer> inf;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = informers_.find(gvr);
    if (it == informers_.end()) {
      return nullptr;
    }
    inf = it->second;
  }
  return inf->store().Get(ns, name);
}

std::vector<ChildObject> ChildWatches::ChildrenOf(std::string_view instance_uid) const {
  if (instance_uid.empty()) {
    return {};
  }
  std::vector<ChildObject> out;
  for (ChildKey& k : index_.ChildrenOf(instance_uid)) {
    // Absent only when deleted since the lookup: then it is no longer a child.
    if (kube::ObjectPtr obj = Get(*k.gvr, k.ns, k.name); obj != nullptr) {
      out.push_back(ChildObject{*k.gvr, std::move(obj)});
    }
  }
  return out;
}

size_t ChildWatches::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return informers_.size();
}

void ChildWatches::Stop() {
  std::map<kube::Gvr, std::shared_ptr<kube::Informer>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all = informers_;
  }
  for (auto& [gvr, inf] : all) {
    inf->Stop();
  }
}

}  // namespace kro::controller
