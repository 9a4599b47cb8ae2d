#include "kro/runtime/conditions.h"

#include <algorithm>

#include "kro/api/conditions.h"

namespace kro::runtime {
namespace {

std::string StringField(const json::Object& o, std::string_view key, bool* present = nullptr) {
  const json::Value* v = o.if_contains(key);
  if (present != nullptr) *present = v != nullptr && v->is_string();
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

std::vector<Condition> ConditionsOf(const json::Value& object) {
  std::vector<Condition> out;
  const json::Value* conds = json::Find(object, "status.conditions");
  if (conds == nullptr || !conds->is_array()) return out;
  for (const auto& item : conds->get_array()) {
    if (!item.is_object()) continue;
    const json::Object& o = item.get_object();
    Condition c;
    c.type = StringField(o, "type");
    c.status = StringField(o, "status");
    c.reason = StringField(o, "reason", &c.has_reason);
    c.message = StringField(o, "message", &c.has_message);
    c.last_transition_time = StringField(o, "lastTransitionTime");
    if (const json::Value* g = o.if_contains("observedGeneration"); g && g->is_int64()) {
      c.observed_generation = g->get_int64();
    }
    out.push_back(std::move(c));
  }
  return out;
}

json::Array EncodeConditions(const std::vector<Condition>& conditions) {
  json::Array arr;
  for (const auto& c : conditions) {
    json::Object o;
    o["type"] = c.type;
    o["status"] = c.status;
    if (!c.last_transition_time.empty()) o["lastTransitionTime"] = c.last_transition_time;
    if (c.has_reason) o["reason"] = c.reason;
    if (c.has_message) o["message"] = c.message;
    if (c.observed_generation != 0) o["observedGeneration"] = c.observed_generation;
    arr.push_back(std::move(o));
  }
  return arr;
}

ConditionSet::ConditionSet(std::string root, std::vector<std::string> dependents,
                           std::vector<Condition> initial, int64_t generation,
                           std::string creation_time, std::string now)
    : root_(std::move(root)), dependents_(std::move(dependents)),
      conditions_(std::move(initial)), generation_(generation),
      creation_time_(std::move(creation_time)), now_(std::move(now)) {
  std::vector<std::string> all = {root_};
  all.insert(all.end(), dependents_.begin(), dependents_.end());
  for (const auto& t : all) {
    if (Get(t) == nullptr) {
      SetUnknown(t, "AwaitingReconciliation",
                 "condition \"" + t + "\" is awaiting reconciliation");
    }
  }
}

bool ConditionSet::IsDependent(std::string_view type) const {
  return type == root_ ||
         std::find(dependents_.begin(), dependents_.end(), type) != dependents_.end();
}

const Condition* ConditionSet::Get(std::string_view type) const {
  for (const auto& c : conditions_) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

bool ConditionSet::IsRootTrue() const {
  const Condition* r = Get(root_);
  return r != nullptr && r->status == api::kConditionTrue && r->observed_generation == generation_;
}

bool ConditionSet::SetTrue(std::string_view type, std::string_view reason,
                           std::string_view message) {
  return Set(Condition{std::string(type), std::string(api::kConditionTrue), std::string(reason),
                       std::string(message), "", 0, true, true});
}

bool ConditionSet::SetFalse(std::string_view type, std::string_view reason,
                            std::string_view message) {
  return Set(Condition{std::string(type), std::string(api::kConditionFalse), std::string(reason),
                       std::string(message), "", 0, true, true});
}

bool ConditionSet::SetUnknown(std::string_view type, std::string_view reason,
                              std::string_view message) {
  return Set(Condition{std::string(type), std::string(api::kConditionUnknown),
                       std::string(reason), std::string(message), "", 0, true, true});
}

bool ConditionSet::Set(Condition c) {
  c.observed_generation = generation_;
  bool found = false;
  std::vector<Condition> next;
  next.reserve(conditions_.size() + 1);
  for (const auto& cur : conditions_) {
    if (cur.type != c.type) {
      next.push_back(cur);
      continue;
    }
    found = true;
    c.last_transition_time = cur.status == c.status ? cur.last_transition_time : now_;
    if (c == cur) return false;
  }
  if (!found) c.last_transition_time = IsDependent(c.type) ? creation_time_ : now_;
  std::string type = c.type;
  next.push_back(std::move(c));
  // Root last; the rest by transition time (stable, empty first), as upstream sorts them.
  std::stable_sort(next.begin(), next.end(), [&](const Condition& a, const Condition& b) {
    if (a.type == root_ || b.type == root_) return b.type == root_ && a.type != root_;
    return a.last_transition_time < b.last_transition_time;
  });
  conditions_ = std::move(next);
  RecomputeRoot(type);
  return true;
}

void ConditionSet::RecomputeRoot(std::string_view changed) {
  if (changed == root_) return;
  std::vector<const Condition*> unhealthy;
  for (const auto& c : conditions_) {
    if (std::find(dependents_.begin(), dependents_.end(), c.type) == dependents_.end()) continue;
    if (c.status != api::kConditionTrue || c.observed_generation != generation_) {
      unhealthy.push_back(&c);
    }
  }
  if (unhealthy.empty()) {
    SetTrue(root_, root_, "");
    return;
  }
  // Most recent first.
  std::stable_sort(unhealthy.begin(), unhealthy.end(), [](const Condition* a, const Condition* b) {
    return a->last_transition_time > b->last_transition_time;
  });
  for (std::string_view want : {api::kConditionFalse, api::kConditionUnknown}) {
    for (const Condition* c : unhealthy) {
      if (c->status == want) {
        Condition root{root_, c->status, c->reason, c->message, "", 0, c->has_reason,
                       c->has_message};
        Set(std::move(root));
        return;
      }
    }
  }
}

ConditionSet InstanceConditions(const json::Value& instance, std::string now) {
  int64_t generation = 0;
  if (const json::Value* g = json::Find(instance, "metadata.generation"); g && g->is_int64()) {
    generation = g->get_int64();
  }
  std::string created;
  if (const json::Value* t = json::Find(instance, "metadata.creationTimestamp");
      t && t->is_string()) {
    created = std::string(t->get_string());
  }
  return ConditionSet(std::string(api::kInstanceConditionReady),
                      {std::string(api::kInstanceConditionInstanceManaged),
                       std::string(api::kInstanceConditionGraphResolved),
                       std::string(api::kInstanceConditionResourcesReady)},
                      ConditionsOf(instance), generation, created, std::move(now));
}

}  // namespace kro::runtime
