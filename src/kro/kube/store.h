// Store: an informer's cache of objects keyed by namespace/name.
//
// Objects are immutable once stored (shared_ptr<const json::Value>), so readers can keep a
// pointer after the store moved on. Thread-safe (a reader/writer lock); writers are the
// informer, readers anyone.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kro/json/json.h"
#include "kro/kube/gvr.h"

namespace kro::kube {

using ObjectPtr = std::shared_ptr<const json::Value>;

class Store {
 public:
  // nullptr when absent. `ns` is "" for cluster-scoped objects.
  ObjectPtr Get(std::string_view ns, std::string_view name) const;
  std::vector<ObjectPtr> List() const;
  std::vector<ObjectPtr> ListNamespace(std::string_view ns) const;
  std::vector<ObjectKey> Keys() const;
  size_t size() const;

  // Inserts or replaces the object under its metadata key; returns the previous one (or null).
  ObjectPtr Upsert(ObjectPtr obj);
  // Removes and returns the object (or null).
  ObjectPtr Erase(std::string_view ns, std::string_view name);

 private:
  using Key = std::pair<std::string, std::string>;
  mutable std::shared_mutex mu_;
  std::map<Key, ObjectPtr, std::less<>> objects_;  // guarded by mu_
};

// An estimate of the heap bytes a parsed document holds (node sizes, string and container
// capacities), for memory accounting of caches.
size_t ApproximateBytes(const json::Value& v);

// Removes metadata.managedFields (server-side apply bookkeeping, often most of an object's
// size) in place.
void DropManagedFields(json::Value& obj);

}  // namespace kro::kube
