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

bool SameKey(const json::Value& a, const json::Value& b) {
  return kube::NameOf(a) == kube::NameOf(b) && kube::NamespaceOf(a) == kube::NamespaceOf(b);
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
  // An add for a key already indexed (not expected from an informer) replaces it.
  for (Entry& e : it->second) {
    if (e.gvr == &gvr && SameKey(*e.object, *obj)) {
      e.object = obj;
      return;
    }
  }
  it->second.push_back(Entry{&gvr, obj});
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
    // The common case: same instance, swap the pointer in place.
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_instance_.find(old_uid);
    if (it != by_instance_.end()) {
      for (Entry& e : it->second) {
        if (e.gvr == &gvr && SameKey(*e.object, *new_obj)) {
          e.object = new_obj;
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
    if (b[i].gvr == &gvr && SameKey(*b[i].object, obj)) {
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

std::vector<ChildObject> ChildIndex::ChildrenOf(std::string_view instance_uid) const {
  std::vector<Entry> found;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_instance_.find(instance_uid);
    if (it == by_instance_.end()) {
      return {};
    }
    found = it->second;
  }
  std::sort(found.begin(), found.end(), [](const Entry& a, const Entry& b) {
    std::string_view ans = kube::NamespaceOf(*a.object), bns = kube::NamespaceOf(*b.object);
    std::string_view an = kube::NameOf(*a.object), bn = kube::NameOf(*b.object);
    return std::tie(*a.gvr, ans, an) < std::tie(*b.gvr, bns, bn);
  });
  std::vector<ChildObject> out;
  out.reserve(found.size());
  for (Entry& e : found) {
    out.push_back(ChildObject{*e.gvr, std::move(e.object)});
  }
  return out;
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
