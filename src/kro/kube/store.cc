#include "kro/kube/store.h"

#include <mutex>

#include "kro/kube/client.h"

namespace kro::kube {

ObjectPtr Store::Get(std::string_view ns, std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = objects_.find(Key(std::string(ns), std::string(name)));
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Store::List() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [key, obj] : objects_) {
    out.push_back(obj);
  }
  return out;
}

std::vector<ObjectPtr> Store::ListNamespace(std::string_view ns) const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  for (auto it = objects_.lower_bound(Key(std::string(ns), std::string()));
       it != objects_.end() && it->first.first == ns; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::vector<ObjectKey> Store::Keys() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectKey> out;
  out.reserve(objects_.size());
  for (const auto& [key, obj] : objects_) {
    out.push_back(ObjectKey{key.first, key.second});
  }
  return out;
}

size_t Store::size() const {
  std::shared_lock lock(mu_);
  return objects_.size();
}

ObjectPtr Store::Upsert(ObjectPtr obj) {
  Key key(std::string(NamespaceOf(*obj)), std::string(NameOf(*obj)));
  std::unique_lock lock(mu_);
  auto& slot = objects_[std::move(key)];
  ObjectPtr old = std::move(slot);
  slot = std::move(obj);
  return old;
}

ObjectPtr Store::Erase(std::string_view ns, std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = objects_.find(Key(std::string(ns), std::string(name)));
  if (it == objects_.end()) {
    return nullptr;
  }
  ObjectPtr old = std::move(it->second);
  objects_.erase(it);
  return old;
}

size_t ApproximateBytes(const json::Value& v) {
  size_t n = 0;
  switch (v.kind()) {
    case boost::json::kind::string:
      // Short strings live inside the value (SSO); longer ones on the heap.
      n += v.get_string().capacity() > 14 ? v.get_string().capacity() + 1 : 0;
      break;
    case boost::json::kind::array:
      n += v.get_array().capacity() * sizeof(json::Value) + 16;
      for (const auto& e : v.get_array()) {
        n += ApproximateBytes(e);
      }
      break;
    case boost::json::kind::object:
      // key_value_pair entries plus the hash index Boost.JSON keeps for larger objects.
      n += v.get_object().capacity() * (sizeof(boost::json::key_value_pair) + 4) + 24;
      for (const auto& kv : v.get_object()) {
        n += kv.key().size() + 1;
        n += ApproximateBytes(kv.value());
      }
      break;
    default:
      break;
  }
  return n;
}

void DropManagedFields(json::Value& obj) {
  if (!obj.is_object()) {
    return;
  }
  auto* meta = obj.get_object().if_contains("metadata");
  if (meta != nullptr && meta->is_object()) {
    meta->get_object().erase("managedFields");
  }
}

}  // namespace kro::kube
