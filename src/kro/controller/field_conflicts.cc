#include "kro/controller/field_conflicts.h"

#include <algorithm>

namespace kro::controller {

namespace {

std::string StrField(const json::Object& o, std::string_view key) {
  const json::Value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// True when `fields` (a FieldsV1 set) owns a field that `desired` sets to something other than
// its `live` value (null when absent): only such fields can conflict.
bool OwnsDifferingField(const json::Value& fields, const json::Value& desired,
                        const json::Value* live) {
  if (!fields.is_object() || !desired.is_object()) {
    return false;
  }
  for (const auto& kv : fields.as_object()) {
    std::string_view key = kv.key();
    if (key.size() <= 2 || key.substr(0, 2) != "f:") {
      continue;  // "." (the container itself) here; k:/v:/i: are handled with their list
    }
    std::string_view name = key.substr(2);
    const json::Value* want = desired.as_object().if_contains(name);
    if (want == nullptr) {
      continue;
    }
    const json::Value* have = live != nullptr && live->is_object()
                                  ? live->as_object().if_contains(name)
                                  : nullptr;
    bool differs = have == nullptr || !json::Equal(*want, *have);
    if (!differs) {
      continue;
    }
    const json::Value& sub = kv.value();
    bool has_fields = false;
    bool has_items = false;
    if (sub.is_object()) {
      for (const auto& m : sub.as_object()) {
        std::string_view mk = m.key();
        has_fields |= mk.size() > 2 && mk.substr(0, 2) == "f:";
        has_items |= mk.size() > 2 && (mk[0] == 'k' || mk[0] == 'v' || mk[0] == 'i') &&
                     mk[1] == ':';
      }
    }
    if (has_items && want->is_array()) {
      return true;  // entries of a list we set, which differs (conservative)
    }
    if (has_fields) {
      if (OwnsDifferingField(sub, *want, have)) {
        return true;
      }
      continue;
    }
    // A leaf, or only the container's existence (a map or list whose members others own).
    bool container_only = sub.is_object() && !sub.as_object().empty();
    if (!container_only || !(want->is_object() || want->is_array())) {
      return true;
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
    if (fields != nullptr && OwnsDifferingField(*fields, desired, &live)) {
      out.push_back(std::move(manager));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace kro::controller
