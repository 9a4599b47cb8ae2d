#include "kro/controller/author_conditions.h"

#include <algorithm>
#include <set>
#include <utility>

#include "kro/api/conditions.h"

namespace kro::controller {

namespace {

int64_t GenerationOf(const json::Value& obj) {
  const json::Value* g = json::Find(obj, "metadata.generation");
  return g != nullptr && g->is_int64() ? g->get_int64() : 0;
}

bool IsBuiltin(const std::string& type) {
  return std::find(api::kKroBuiltinConditionTypes.begin(), api::kKroBuiltinConditionTypes.end(),
                   type) != api::kKroBuiltinConditionTypes.end();
}

}  // namespace

std::vector<runtime::Condition> StampAuthorConditions(
    const std::vector<runtime::AuthorCondition>& authored, bool incomplete,
    const std::vector<runtime::Condition>& previous, int64_t generation, const std::string& now) {
  std::vector<runtime::Condition> out;
  std::set<std::string> types;
  for (const runtime::AuthorCondition& a : authored) {
    runtime::Condition c;
    c.type = a.type;
    c.status = a.status;
    c.reason = a.reason;
    c.message = a.message;
    c.has_reason = !a.reason.empty();
    c.has_message = !a.message.empty();
    c.observed_generation = generation;
    c.last_transition_time = now;
    for (const runtime::Condition& p : previous) {
      if (p.type == a.type && p.status == a.status && !p.last_transition_time.empty()) {
        c.last_transition_time = p.last_transition_time;
      }
    }
    types.insert(c.type);
    out.push_back(std::move(c));
  }
  if (incomplete) {
    for (const runtime::Condition& p : previous) {
      if (types.insert(p.type).second) out.push_back(p);
    }
  }
  return out;
}

std::optional<AuthorStatus> AuthorStatusConditions(runtime::Runtime* rt,
                                                   const std::vector<runtime::Condition>& builtins,
                                                   const json::Value& instance, bool deleting,
                                                   const std::string& now) {
  if (rt == nullptr || !rt->HasAuthorConditions()) return std::nullopt;
  std::vector<runtime::Condition> previous = runtime::ConditionsOf(instance);
  // Only kro's own types are built-ins (the wire holds the author's conditions).
  std::vector<runtime::Condition> kro;
  for (const runtime::Condition& c : builtins) {
    if (IsBuiltin(c.type)) kro.push_back(c);
  }
  AuthorStatus out;
  if (deleting) {
    std::vector<runtime::AuthorCondition> rr;
    for (const runtime::Condition& c : kro) {
      if (c.type == api::kInstanceConditionResourcesReady) {
        rr.push_back({c.type, c.status, c.reason, c.message});
      }
    }
    out.conditions = runtime::EncodeConditions(
        StampAuthorConditions(rr, true, previous, GenerationOf(instance), now));
    return out;
  }
  runtime::AuthorConditions ac = rt->EvaluateAuthorConditions(kro);
  out.conditions = runtime::EncodeConditions(StampAuthorConditions(
      ac.conditions, ac.incomplete, previous, GenerationOf(instance), now));
  out.errors = std::move(ac.errors);
  return out;
}

}  // namespace kro::controller
