#include "kro/controller/child_index.h"

#include <algorithm>
#include <tuple>

#include "kro/api/labels.h"
#include "kro/kube/client.h"

namespace kro::controller {

namespace {

std::string_view InstanceUid(const json::Value& obj) {
  const json::Value* md = obj.is_object() ? obj.as_object().if_contains("metadata") : nullptr;
  const json::Value* labels =
      md != nullptr && md->is_object() ? md->as_object().if_contains("labels") : nullptr;
  const json::Value* v = labels != nullptr && labels->is_object()
                             ? labels->as_object().if_contains(api::kInstanceIdLabel)
                             : nullptr;
  return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

bool SameKey(const ChildKey& k, const kube::Gvr& gvr, const json::Value& obj) {
  return k.gvr == &gvr && k.name == kube::NameOf(obj) && k.ns == kube::NamespaceOf(obj);
}

}  // namespace

void ChildIndex::Add(const kube::Gvr& gvr, const kube::ObjectPtr& obj) {
  if (obj == nullptr) {
    return;
  }
  std::string_view uid = InstanceUid(*obj);
  if (uid.empty()) {
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_instance_.find(uid);
  if (it == by_instance_.end()) {
    it = by_instance_.emplace(std::string(uid), Bucket{}).first;
  }
  // An add for a key already indexed (not expected from an informer) changes nothing.
  for (const ChildKey& k : it->second) {
    if (SameKey(k, gvr, *obj)) {
      return;
    }
  }
  it->second.push_back(
      ChildKey{&gvr, std::string(kube::NamespaceOf(*obj)), std::string(kube::NameOf(*obj))});
  ++size_;
}

void ChildIndex::Update(const kube::Gvr& gvr, const kube::ObjectPtr& old_obj,
                        const kube::ObjectPtr& new_obj) {
  if (old_obj == nullptr) {
    Add(gvr, new_obj);
    return;
  }
  if (new_obj == nullptr) {
    Delete(gvr, old_obj);
    return;
  }
  std::string_view old_uid = InstanceUid(*old_obj);
  std::string_view new_uid = InstanceUid(*new_obj);
  if (!old_uid.empty() && old_uid == new_uid) {
    // The common case: same instance, so the key is indexed already.
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_instance_.find(old_uid);
    if (it != by_instance_.end()) {
      for (const ChildKey& k : it->second) {
        if (SameKey(k, gvr, *new_obj)) {
          return;
        }
      }
    }
  } else if (!old_uid.empty()) {
    // `old_obj` is the object the store held, so its label is where it was indexed.
    std::lock_guard<std::mutex> lock(mu_);
    RemoveLocked(old_uid, gvr, *old_obj);
  }
  Add(gvr, new_obj);
}

void ChildIndex::Delete(const kube::Gvr& gvr, const kube::ObjectPtr& last) {
  if (last == nullptr) {
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::string_view uid = InstanceUid(*last);
  if (!uid.empty() && RemoveLocked(uid, gvr, *last)) {
    return;
  }
  // Rare: the event's labels differ from the cached object's. Find the key wherever it is.
  for (auto it = by_instance_.begin(); it != by_instance_.end(); ++it) {
    if (RemoveFrom(it, gvr, *last)) {
      return;  // `it` may be gone; stop at once
    }
  }
}

bool ChildIndex::RemoveLocked(std::string_view uid, const kube::Gvr& gvr, const json::Value& obj) {
  auto it = by_instance_.find(uid);
  return it != by_instance_.end() && RemoveFrom(it, gvr, obj);
}

bool ChildIndex::RemoveFrom(Map::iterator it, const kube::Gvr& gvr, const json::Value& obj) {
  Bucket& b = it->second;
  for (size_t i = 0; i < b.size(); ++i) {
    if (SameKey(b[i], gvr, obj)) {
      b[i] = std::move(b.back());
      b.pop_back();
      --size_;
      if (b.empty()) {
        by_instance_.erase(it);
      }
      return true;
    }
  }
  return false;
}

std::vector<ChildKey> ChildIndex::ChildrenOf(std::string_view instance_uid) const {
  std::vector<ChildKey> found;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_instance_.find(instance_uid);
    if (it == by_instance_.end()) {
      return {};
    }
    found = it->second;
  }
  std::sort(found.begin(), found.end(), [](const ChildKey& a, const ChildKey& b) {
    return std::tie(*a.gvr, a.ns, a.name) < std::tie(*b.gvr, b.ns, b.name);
  });
  return found;
}

size_t ChildIndex::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return size_;
}

size_t ChildIndex::instances() const {
  std::lock_guard<std::mutex> lock(mu_);
  return by_instance_.size();
}

}  // namespace kro::controller
