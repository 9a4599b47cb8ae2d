#include "kro/controller/wave_deletion.h"


#include <algorithm>
#include <charconv>
#include <chrono>
#include <set>

#include "kro/api/labels.h"
#include "kro/controller/applyset.h"
#include "kro/controller/object_meta.h"

namespace kro::controller {

namespace {

const json::Value* MetaField(const json::Value& obj, std::string_view section,
                             std::string_view key) {
  const json::Value* m = json::Find(obj, "metadata");
  const json::Value* s =
      m != nullptr && m->is_object() ? m->as_object().if_contains(section) : nullptr;
  return s != nullptr && s->is_object() ? s->as_object().if_contains(key) : nullptr;
}

std::vector<std::string> SplitSorted(std::string_view csv) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= csv.size() && !csv.empty()) {
    size_t comma = csv.find(',', start);
    std::string_view item =
        csv.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    out.emplace_back(item);
    if (comma == std::string_view::npos) {
      break;
    }
    start = comma + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    out += (out.empty() ? "" : ",") + s;
  }
  return out;
}

bool IsDnsLabel(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max || s.front() == '-' || s.back() == '-') {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
  });
}

Status Invalid(std::string msg) { return Status(ErrorCode::kFailedPrecondition, std::move(msg)); }

}  // namespace

std::map<std::string, int> ApplyOrders(const graph::Graph& g) {
  // height(n): 0 when nothing depends on n, else 1 + the largest height of its dependants.
  std::map<std::string, std::vector<std::string>> dependants;
  for (const graph::Node& n : g.nodes) {
    for (const std::string& d : n.dependencies) {
      dependants[d].push_back(n.id);
    }
  }
  std::map<std::string, int> height;
  // Reverse topological order visits every dependant before what it depends on.
  std::vector<std::string> order = g.topological_order;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    int h = 0;
    for (const std::string& dep : dependants[*it]) {
      h = std::max(h, height[dep] + 1);
    }
    height[*it] = h;
  }
  int layers = 0;
  for (const auto& [id, h] : height) {
    layers = std::max(layers, h + 1);
  }
  std::map<std::string, int> orders;
  for (const auto& [id, h] : height) {
    orders[id] = layers - h;
  }
  return orders;
}

int ApplyOrderOf(const json::Value& obj) {
  const json::Value* v = MetaField(obj, "annotations", kApplyOrderAnnotation);
  if (v == nullptr || !v->is_string()) {
    return 0;
  }
  std::string_view s = v->as_string();
  int order = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), order);
  if (ec != std::errc() || p != s.data() + s.size() || order <= 0) {
    return 0;
  }
  return order;
}

Wave HighestWave(const std::vector<ChildObject>& children) {
  Wave w;
  for (const ChildObject& ch : children) {
    int order = ApplyOrderOf(*ch.object);
    if (order > w.order) {
      w.order = order;
      w.members.clear();
    }
    if (order == w.order) {
      w.members.push_back(ch);
    }
  }
  return w;
}

std::string InventoryHash(std::string_view applyset_id, std::string_view group_kinds,
                          std::string_view namespaces) {
  std::string payload = std::string(applyset_id) + '\0' + Join(SplitSorted(group_kinds)) + '\0' +
                        Join(SplitSorted(namespaces));
  return "sha256:" + Sha256Base64Url(payload);
}

Result<std::vector<GroupKind>> ValidateInventory(const json::Value& instance,
                                                 std::string_view applyset_id) {
  const json::Value* id = MetaField(instance, "labels", kApplySetIdLabel);
  std::string have_id = id != nullptr && id->is_string() ? std::string(id->as_string()) : "";
  if (have_id != applyset_id) {
    return Invalid("invalid " + std::string(kApplySetIdLabel) + " label: got \"" + have_id +
                   "\", want \"" + std::string(applyset_id) + "\"");
  }
  const json::Value* tooling = MetaField(instance, "annotations", kApplySetToolingAnnotation);
  if (tooling == nullptr || !tooling->is_string() || !tooling->as_string().starts_with("kro/")) {
    return Invalid("invalid " + std::string(kApplySetToolingAnnotation) +
                   " annotation: not owned by kro");
  }
  const json::Value* gks = MetaField(instance, "annotations", kApplySetGroupKindsAnnotation);
  const json::Value* nss = MetaField(instance, "annotations", kApplySetNamespacesAnnotation);
  if (gks == nullptr || !gks->is_string()) {
    return Invalid("missing required " + std::string(kApplySetGroupKindsAnnotation) +
                   " annotation");
  }
  if (nss == nullptr || !nss->is_string()) {
    return Invalid("missing required " + std::string(kApplySetNamespacesAnnotation) +
                   " annotation");
  }
  std::vector<GroupKind> out;
  for (const std::string& gk : SplitSorted(gks->as_string())) {
    size_t dot = gk.find('.');
    GroupKind k{dot == std::string::npos ? "" : gk.substr(dot + 1), gk.substr(0, dot)};
    if (k.kind.empty() || (dot != std::string::npos && !IsDnsLabel(k.group, 253))) {
      return Invalid("invalid " + std::string(kApplySetGroupKindsAnnotation) +
                     " annotation: bad group-kind \"" + gk + "\"");
    }
    out.push_back(std::move(k));
  }
  for (const std::string& ns : SplitSorted(nss->as_string())) {
    if (!IsDnsLabel(ns, 63) || ns.find('.') != std::string::npos) {
      return Invalid("invalid " + std::string(kApplySetNamespacesAnnotation) +
                     " annotation: bad namespace \"" + ns + "\"");
    }
  }
  const json::Value* hash = MetaField(instance, "annotations", kApplySetInventoryHashAnnotation);
  if (hash != nullptr) {
    std::string want = InventoryHash(applyset_id, gks->as_string(), nss->as_string());
    std::string got = hash->is_string() ? std::string(hash->as_string()) : "";
    if (got != want) {
      return Invalid("invalid " + std::string(kApplySetInventoryHashAnnotation) +
                     " annotation: got \"" + got + "\", want \"" + want + "\"");
    }
  }
  return out;
}

Result<WaveStep> DeleteNextWave(const json::Value& instance, std::string_view applyset_id,
                                const WaveDeletionDeps& deps) {
  Result<std::vector<GroupKind>> inventory = ValidateInventory(instance, applyset_id);
  if (!inventory.ok()) {
    return inventory.status().WithPrefix("validate deletion inventory");
  }
  // Every kind of the inventory must be watched before "nothing is left" can be trusted.
  for (const GroupKind& gk : *inventory) {
    std::set<std::string> versions;
    if (deps.last_graph != nullptr) {
      for (const graph::Node& n : deps.last_graph->nodes) {
        if (n.gvk.group == gk.group && n.gvk.kind == gk.kind) {
          versions.insert(n.gvk.version);
        }
      }
    }
    if (versions.empty() && gk.group.empty()) {
      versions.insert("v1");
    }
    if (versions.empty()) {
      return Invalid("list deletion inventory: no known version for " + gk.kind +
                     (gk.group.empty() ? "" : "." + gk.group));
    }
    for (const std::string& v : versions) {
      Result<kube::RestMapping> m = deps.mapper.Map(kube::Gvk{gk.group, v, gk.kind});
      if (!m.ok()) {
        if (m.status().code() == ErrorCode::kNotFound) {
          continue;  // the kind is no longer served: its objects are gone
        }
        return m.status().WithPrefix("list deletion inventory");
      }
      Result<std::shared_ptr<kube::Informer>> inf =
          deps.children.Ensure(m->gvr, std::chrono::seconds(30));
      if (!inf.ok()) {
        return inf.status().WithPrefix("list deletion inventory");
      }
    }
  }
  std::string uid(kube::UidOf(instance));
  std::vector<ChildObject> members =
      uid.empty() ? std::vector<ChildObject>{} : deps.children.ChildrenOf(uid);
  WaveStep step;
  if (members.empty()) {
    step.done = true;
    return step;
  }
  Wave w = HighestWave(members);
  step.order = w.order;
  step.remaining = members.size();
  for (const ChildObject& ch : w.members) {
    if (HasDeletionTimestamp(*ch.object)) {
      continue;
    }
    Status s = deps.delete_child(ch);
    if (!s.ok()) {
      return s;
    }
  }
  return step;
}

}  // namespace kro::controller
