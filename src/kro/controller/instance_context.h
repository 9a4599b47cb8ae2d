// What the phases of an instance reconcile share (instance_controller.cc loads the instance and
// runs them; instance_resources.cc: ensure-managed, resolve/apply/prune of the nodes;
// instance_deletion.cc: deletion by wave; instance_status.cc: the status write). Internal to
// src/kro/controller: the reconcile context and a few JSON helpers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kro/base/status.h"
#include "kro/controller/child_watches.h"
#include "kro/controller/instance_controller.h"
#include "kro/json/json.h"
#include "kro/runtime/runtime.h"
#include "kro/runtime/state.h"

namespace kro::controller {
namespace instance_detail {

inline std::string Str(const json::Value& obj, std::string_view path) {
  const json::Value* v = json::Find(obj, path);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// metadata.<map>[key] ("labels" or "annotations") as a string; empty when absent.
inline std::string MetadataEntry(const json::Value& obj, std::string_view map, std::string_view key) {
  const json::Value* md = obj.is_object() ? obj.as_object().if_contains("metadata") : nullptr;
  const json::Value* m =
      md != nullptr && md->is_object() ? md->as_object().if_contains(map) : nullptr;
  const json::Value* v = m != nullptr && m->is_object() ? m->as_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

inline std::string Label(const json::Value& obj, std::string_view key) {
  return MetadataEntry(obj, "labels", key);
}

// Transient failures are retried with back-off; the rest are reported and wait for a change.
inline bool IsTransient(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
    case ErrorCode::kResourceExhausted:
    case ErrorCode::kAborted:
    case ErrorCode::kInternal:
    case ErrorCode::kUnknown:
    case ErrorCode::kCancelled:
      return true;
    default:
      return false;
  }
}

inline json::Array ToArray(const std::vector<std::string>& v) {
  json::Array a;
  for (const std::string& s : v) {
    a.emplace_back(json::String(s));
  }
  return a;
}

}  // namespace instance_detail

// Everything one reconcile works with.
struct InstanceController::Ctx {
  InstanceKey key;
  std::shared_ptr<const InstanceGraph> ig;
  json::Value instance;
  std::string uid;
  std::string applyset_id;  // the instance as ApplySet parent (applyset.h)
  std::unique_ptr<runtime::Runtime> rt;
  runtime::StateManager sm;
  bool managed = false;
  Status managed_error;
  std::string reconcile_message;  // extra text for ResourcesReady when not ready
  bool deleting_children = false;
  bool suspended = false;  // kro.run/reconcile: suspended: status only, no child write
  // The instance's children in the cache when the reconcile began (ChildWatches::ChildrenOf),
  // read once for the ApplySet namespaces, collection pruning and pruning. Children this pass
  // creates are missing, which is safe: those steps only delete children no node wants.
  std::vector<ChildObject> children;
};

}  // namespace kro::controller
