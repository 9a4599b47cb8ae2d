// ChildWatches: ONE shared informer per child GVR (not per instance), as upstream pkg/watch.
//
// Informers list+watch objects labelled app.kubernetes.io/managed-by=kro across all namespaces.
// Every add, update or delete of such an object is mapped back to its instance through the
// kro.run/instance-{group,version,kind,namespace,name} labels and handed to the callback given
// at construction (which must only enqueue). The caches also answer "what children does this
// instance have" (by kro.run/instance-id) for pruning and deletion.
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kro/base/result.h"
#include "kro/kube/client.h"
#include "kro/kube/informer.h"

namespace kro::controller {

struct InstanceRef {
  std::string group, version, kind, ns, name;
};

struct ChildObject {
  kube::Gvr gvr;
  kube::ObjectPtr object;
};

class ChildWatches {
 public:
  using Callback = std::function<void(const InstanceRef&)>;
  // `client` must outlive this object. Every informer starts from `defaults` (error handler,
  // back-off); the label selector for kro-managed objects is set here.
  ChildWatches(kube::Client& client, Callback on_change, kube::InformerOptions defaults = {});
  ~ChildWatches();

  // The shared informer for `gvr`, created, started and synced (up to `timeout`) on first use.
  // Errors: kUnavailable when the first list does not finish in time.
  Result<std::shared_ptr<kube::Informer>> Ensure(const kube::Gvr& gvr,
                                                 std::chrono::milliseconds timeout);
  // The cached object, or null (also null when `gvr` is not watched).
  kube::ObjectPtr Get(const kube::Gvr& gvr, std::string_view ns, std::string_view name) const;
  // Every cached object labelled kro.run/instance-id=`instance_uid`, in every watched GVR.
  std::vector<ChildObject> ChildrenOf(std::string_view instance_uid) const;
  size_t size() const;
  void Stop();

 private:
  kube::Client& client_;
  Callback on_change_;
  const kube::InformerOptions defaults_;
  mutable std::mutex mu_;
  std::map<kube::Gvr, std::shared_ptr<kube::Informer>> informers_;  // guarded by mu_
};

}  // namespace kro::controller
