#include "kro/controller/graph_revisions.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "kro/api/labels.h"
#include "kro/controller/object_meta.h"
#include "kro/runtime/conditions.h"

namespace kro::controller {
namespace {

constexpr size_t kMaxNameLength = 253;

std::string Str(const json::Value& obj, std::string_view path) {
  const json::Value* v = json::Find(obj, path);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t Int(const json::Value& obj, std::string_view path) {
  const json::Value* v = json::Find(obj, path);
  if (v == nullptr) {
    return 0;
  }
  if (v->is_int64()) {
    return v->as_int64();
  }
  return v->is_uint64() ? static_cast<int64_t>(v->as_uint64()) : 0;
}

uint64_t Fnv1a64(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint32_t Fnv1a32(std::string_view data) {
  uint32_t h = 0x811c9dc5U;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x01000193U;
  }
  return h;
}

std::string Label(const json::Value& obj, std::string_view key) {
  const json::Value* labels = json::Find(obj, "metadata.labels");
  if (labels == nullptr || !labels->is_object()) {
    return {};
  }
  const json::Value* v = labels->as_object().if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string GraphRevisionName(std::string_view rgd_name, int64_t revision) {
  char suffix[48];
  std::snprintf(suffix, sizeof(suffix), "-r%05lld", static_cast<long long>(revision));
  std::string s(suffix);
  if (rgd_name.size() + s.size() <= kMaxNameLength) {
    return std::string(rgd_name) + s;
  }
  std::snprintf(suffix, sizeof(suffix), "-r%05lld-%08x", static_cast<long long>(revision),
                Fnv1a32(rgd_name));
  s = suffix;
  std::string head(rgd_name.substr(0, kMaxNameLength - s.size()));
  while (!head.empty() && (head.back() == '.' || head.back() == '-')) {
    head.pop_back();
  }
  return (head.empty() ? std::string("gr") : head) + s;
}

std::string SpecDigest(const json::Value& spec) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx",
                static_cast<unsigned long long>(Fnv1a64(json::Serialize(spec))));
  return hex;
}

GraphRevisions::GraphRevisions(kube::Client& client, Logger log, int max_revisions)
    : client_(client), log_(log), max_revisions_(max_revisions) {}

void GraphRevisions::Forget(const std::string& rgd_name) {
  std::lock_guard<std::mutex> lock(mu_);
  issued_.erase(rgd_name);
}

Result<int64_t> GraphRevisions::Sync(const json::Value& rgd, const RevisionResult& result) {
  std::string name = Str(rgd, "metadata.name");
  const json::Value* spec_ptr = json::Find(rgd, "spec");
  json::Value spec = spec_ptr != nullptr ? *spec_ptr : json::Value(json::Object{});
  std::string digest = SpecDigest(spec);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = issued_.find(name);
    if (it != issued_.end() && it->second.digest == digest &&
        it->second.verified == result.verified) {
      return it->second.revision;
    }
  }
  kube::ListOptions lo;
  lo.field_selector = "spec.snapshot.name=" + name;
  KRO_ASSIGN_OR_RETURN(kube::ListResult list, client_.List(kGraphRevisionGvr, "", lo));
  std::vector<json::Value> live;
  const json::Value* latest = nullptr;
  for (json::Value& item : list.items) {
    if (!HasDeletionTimestamp(item)) {
      live.push_back(std::move(item));
    }
  }
  for (const json::Value& item : live) {
    if (latest == nullptr || Int(item, "spec.revision") > Int(*latest, "spec.revision")) {
      latest = &item;
    }
  }
  json::Value current;
  if (latest != nullptr && Label(*latest, api::kGraphRevisionHashLabel) == digest) {
    current = *latest;
  } else {
    int64_t next = std::max(latest != nullptr ? Int(*latest, "spec.revision") : 0,
                            Int(rgd, "status.lastIssuedRevision")) + 1;
    json::Object labels{{std::string(api::kOwnedLabel), "true"},
                        {std::string(api::kResourceGraphDefinitionNameLabel), name},
                        {std::string(api::kGraphRevisionHashLabel), digest}};
    json::Object owner{{"apiVersion", "kro.run/v1alpha1"},
                       {"kind", "ResourceGraphDefinition"},
                       {"name", name},
                       {"uid", std::string(kube::UidOf(rgd))},
                       {"controller", true},
                       {"blockOwnerDeletion", true}};
    json::Object snapshot{{"name", name},
                          {"generation", Int(rgd, "metadata.generation")},
                          {"spec", spec}};
    json::Object obj{
        {"apiVersion", "internal.kro.run/v1alpha1"},
        {"kind", "GraphRevision"},
        {"metadata", json::Object{{"name", GraphRevisionName(name, next)},
                                  {"labels", std::move(labels)},
                                  {"ownerReferences", json::Array{json::Value(std::move(owner))}}}},
        {"spec", json::Object{{"revision", next}, {"snapshot", std::move(snapshot)}}}};
    Result<json::Value> created = client_.Create(kGraphRevisionGvr, "", json::Value(std::move(obj)));
    if (!created.ok()) {
      return created.status().WithPrefix("issuing graph revision " + std::to_string(next));
    }
    log_.Info("rgd " + name + ": issued graph revision " + std::to_string(next));
    current = std::move(*created);
    live.push_back(current);
  }
  int64_t revision = Int(current, "spec.revision");
  KRO_RETURN_IF_ERROR(WriteStatus(current, result));
  KRO_RETURN_IF_ERROR(CollectGarbage(std::move(live)));
  std::lock_guard<std::mutex> lock(mu_);
  issued_[name] = Issued{revision, digest, result.verified};
  return revision;
}

Status GraphRevisions::WriteStatus(const json::Value& revision, const RevisionResult& result) {
  runtime::ConditionSet cs("Ready", {"GraphVerified"}, runtime::ConditionsOf(revision),
                           Int(revision, "metadata.generation"),
                           Str(revision, "metadata.creationTimestamp"), NowRfc3339());
  if (result.verified) {
    cs.SetTrue("GraphVerified", "Verified", "graph revision compiled and verified");
  } else {
    cs.SetFalse("GraphVerified", "InvalidGraph", result.message);
  }
  json::Object status;
  if (result.verified) {
    json::Array order;
    for (const std::string& id : result.topological_order) {
      order.emplace_back(json::String(id));
    }
    status["topologicalOrder"] = std::move(order);
    status["resources"] = result.resources;
  }
  status["conditions"] = runtime::EncodeConditions(cs.conditions());
  json::Value desired(std::move(status));
  const json::Value* now = json::Find(revision, "status");
  if (now != nullptr && json::Equal(*now, desired)) {
    return Status::Ok();  // nothing changed: no write
  }
  json::Value updated = revision;
  updated.as_object()["status"] = std::move(desired);
  Result<json::Value> r = client_.UpdateStatus(kGraphRevisionGvr, "", updated);
  return r.ok() ? Status::Ok() : r.status().WithPrefix("writing graph revision status");
}

Status GraphRevisions::CollectGarbage(std::vector<json::Value> live) {
  if (max_revisions_ <= 0 || live.size() <= static_cast<size_t>(max_revisions_)) {
    return Status::Ok();
  }
  std::sort(live.begin(), live.end(), [](const json::Value& a, const json::Value& b) {
    return Int(a, "spec.revision") < Int(b, "spec.revision");
  });
  size_t excess = live.size() - static_cast<size_t>(max_revisions_);
  for (size_t i = 0; i < excess; ++i) {
    Status s = client_.Delete(kGraphRevisionGvr, "", kube::NameOf(live[i]));
    if (!s.ok() && s.code() != ErrorCode::kNotFound) {
      return s.WithPrefix("removing graph revision " + std::string(kube::NameOf(live[i])));
    }
  }
  return Status::Ok();
}

}  // namespace kro::controller
