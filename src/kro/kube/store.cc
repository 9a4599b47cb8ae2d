#include "kro/kube/store.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "kro/kube/client.h"

namespace kro::kube {

namespace {

// Text in a store was written by json::Serialize, so it always parses; failing to is memory
// corruption, and carrying on with a missing object would be worse than stopping.
ObjectPtr Thaw(const std::string& text) {
  auto v = json::Parse(text);
  if (!v.ok()) {
    std::fprintf(stderr, "kro: informer cache entry does not parse: %s\n",
                 v.status().ToString().c_str());
    std::abort();
  }
  return std::make_shared<const json::Value>(std::move(*v));
}

}  // namespace

ObjectPtr Store::Get(std::string_view ns, std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = objects_.find(Key(std::string(ns), std::string(name)));
  return it == objects_.end() ? nullptr : Thaw(it->second);
}

std::vector<ObjectPtr> Store::List() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [key, text] : objects_) {
    out.push_back(Thaw(text));
  }
  return out;
}

std::vector<ObjectPtr> Store::ListNamespace(std::string_view ns) const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  for (auto it = objects_.lower_bound(Key(std::string(ns), std::string()));
       it != objects_.end() && it->first.first == ns; ++it) {
    out.push_back(Thaw(it->second));
  }
  return out;
}

std::vector<ObjectKey> Store::Keys() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectKey> out;
  out.reserve(objects_.size());
  for (const auto& [key, text] : objects_) {
    out.push_back(ObjectKey{key.first, key.second});
  }
  return out;
}

size_t Store::size() const {
  std::shared_lock lock(mu_);
  return objects_.size();
}

size_t Store::text_bytes() const {
  std::shared_lock lock(mu_);
  return text_bytes_;
}

ObjectPtr Store::Upsert(const json::Value& obj) {
  Key key(std::string(NamespaceOf(obj)), std::string(NameOf(obj)));
  std::string text = json::Serialize(obj);
  text.shrink_to_fit();
  std::unique_lock lock(mu_);
  std::string& slot = objects_[std::move(key)];
  ObjectPtr old = slot.empty() ? nullptr : Thaw(slot);
  text_bytes_ += text.size();
  text_bytes_ -= slot.size();
  slot = std::move(text);
  return old;
}

ObjectPtr Store::Erase(std::string_view ns, std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = objects_.find(Key(std::string(ns), std::string(name)));
  if (it == objects_.end()) {
    return nullptr;
  }
  ObjectPtr old = Thaw(it->second);
  text_bytes_ -= it->second.size();
  objects_.erase(it);
  return old;
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
