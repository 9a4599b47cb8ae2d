// ChildIndex: the cached children of each instance, keyed by their kro.run/instance-id label.
//
// ChildWatches feeds it every change its informers make to their stores (add, update, delete,
// in store order for each GVR), so "what children does this instance have" costs a lookup and
// the instance's own children instead of a scan of every cached object. The index holds keys
// (GVR, namespace, name), not objects: the informer stores keep the objects. About 72 bytes per
// child plus one map entry per instance. Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "kro/kube/gvr.h"
#include "kro/kube/store.h"

namespace kro::controller {

struct ChildObject {
  kube::Gvr gvr;
  kube::ObjectPtr object;
};

struct ChildKey {
  const kube::Gvr* gvr;  // the key of ChildWatches' informer map
  std::string ns, name;
};

class ChildIndex {
 public:
  // REQUIRES: `gvr` outlives the index (ChildWatches passes the key of its informer map).
  // `obj` entered the store of `gvr`'s informer. Objects without the label are not indexed.
  void Add(const kube::Gvr& gvr, const kube::ObjectPtr& obj);
  // `new_obj` replaced `old_obj` in the store; a changed or removed label moves or drops it.
  void Update(const kube::Gvr& gvr, const kube::ObjectPtr& old_obj,
              const kube::ObjectPtr& new_obj);
  // The object left the store. `last` is its state as the delete event carries it; when its
  // label no longer names the instance it was indexed under (an object that stopped matching the
  // informer's selector because its labels were edited), every instance is searched.
  void Delete(const kube::Gvr& gvr, const kube::ObjectPtr& last);

  // The keys of the indexed objects labelled kro.run/instance-id=`instance_uid`, sorted by GVR,
  // namespace and name (the order of a scan of the informers). Empty for "".
  std::vector<ChildKey> ChildrenOf(std::string_view instance_uid) const;
  // Number of indexed objects, and of instances with at least one.
  size_t size() const;
  size_t instances() const;

 private:
  using Bucket = std::vector<ChildKey>;
  using Map = std::map<std::string, Bucket, std::less<>>;

  // Remove the entry for `gvr` + the key of `obj` from the bucket of `uid` (or at `it`, which
  // is erased when it empties); false when absent. REQUIRES: mu_ held.
  bool RemoveLocked(std::string_view uid, const kube::Gvr& gvr, const json::Value& obj);
  bool RemoveFrom(Map::iterator it, const kube::Gvr& gvr, const json::Value& obj);

  mutable std::mutex mu_;
  Map by_instance_;  // guarded by mu_
  size_t size_ = 0;                                        // guarded by mu_
};

}  // namespace kro::controller
