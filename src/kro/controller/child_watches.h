// ChildWatches: ONE shared informer per child GVR (not per instance), as upstream pkg/watch.
//
// Informers list+watch objects labelled app.kubernetes.io/managed-by=kro across all namespaces.
// Every add, update or delete of such an object is mapped back to its instance through the
// kro.run/instance-{group,version,kind,namespace,name} labels and handed to the callback given
// at construction (which must only enqueue). The same events keep a ChildIndex, which answers
// "what children does this instance have" (by kro.run/instance-id) for pruning and deletion.
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
#include "kro/controller/child_index.h"
#include "kro/kube/client.h"
#include "kro/kube/informer.h"

namespace kro::controller {

struct InstanceRef {
  std::string group, version, kind, ns, name;
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
  // Every cached object labelled kro.run/instance-id=`instance_uid`, in every watched GVR,
  // sorted by GVR, namespace and name. Costs the instance's children, not the caches' size.
  std::vector<ChildObject> ChildrenOf(std::string_view instance_uid) const;
  size_t size() const;
  void Stop();

 private:
  kube::Client& client_;
  Callback on_change_;
  const kube::InformerOptions defaults_;
  mutable std::mutex mu_;  // before the index's lock when both are held
  // Never erased: the index points at these keys.
  std::map<kube::Gvr, std::shared_ptr<kube::Informer>> informers_;  // guarded by mu_
  ChildIndex index_;
};

}  // namespace kro::controller
