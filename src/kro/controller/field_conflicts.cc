#include "kro/controller/field_conflicts.h"

#include <algorithm>

namespace kro::controller {

namespace {

std::string StrField(const json::Object& o, std::string_view key) {
  const json::Value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// True when `fields` (a FieldsV1 set) owns a field that `desired` sets.
bool Overlaps(const json::Value& fields, const json::Value& desired) {
  if (!fields.is_object()) {
    return false;
  }
  for (const auto& kv : fields.as_object()) {
    std::string_view key = kv.key();
    if (key == ".") {
      continue;
    }
    if (key.size() > 2 && key.substr(0, 2) == "f:") {
      if (!desired.is_object()) {
        continue;
      }
      const json::Value* child = desired.as_object().if_contains(key.substr(2));
      if (child == nullptr) {
        continue;
      }
      const json::Value& sub = kv.value();
      bool has_members = false;
      if (sub.is_object()) {
        for (const auto& m : sub.as_object()) {
          has_members |= m.key() != ".";
        }
      }
      if (!has_members) {
        // A leaf (or only the container's existence): shared when we set a value there.
        if (!child->is_object() || !sub.is_object() || sub.as_object().empty()) {
          return true;
        }
        continue;
      }
      if (Overlaps(sub, *child)) {
        return true;
      }
    } else if (desired.is_array()) {
      return true;  // k:, v:, i: list entries of a list we set
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> CoApplyingManagers(const json::Value& live, const json::Value& desired,
                                            std::string_view self) {
  std::vector<std::string> out;
  const json::Value* mf = json::Find(live, "metadata.managedFields");
  if (mf == nullptr || !mf->is_array()) {
    return out;
  }
  for (const json::Value& entry : mf->as_array()) {
    if (!entry.is_object()) {
      continue;
    }
    const json::Object& e = entry.as_object();
    std::string manager = StrField(e, "manager");
    if (manager == self || StrField(e, "operation") != "Apply" ||
        !StrField(e, "subresource").empty()) {
      continue;
    }
    const json::Value* fields = e.if_contains("fieldsV1");
    if (fields != nullptr && Overlaps(*fields, desired)) {
      out.push_back(std::move(manager));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace kro::controller
