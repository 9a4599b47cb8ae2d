// GraphRevisions (internal.kro.run/v1alpha1, as upstream kro v0.9): each change of an RGD's spec
// is issued as an immutable, numbered snapshot `<rgd>-r00001`, `-r00002`, ... that records the
// result of compiling it; the RGD's status.lastIssuedRevision names the newest. At most
// `max_revisions` are kept per RGD (the oldest go first).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/controller/logging.h"
#include "kro/json/json.h"
#include "kro/kube/client.h"

namespace kro::controller {

inline const kube::Gvr kGraphRevisionGvr{"internal.kro.run", "v1alpha1", "graphrevisions"};

// `<rgd>-r<revision, 5 digits>`; names too long for an object are cut and given a hash of the
// RGD name so that they stay distinct and valid.
std::string GraphRevisionName(std::string_view rgd_name, int64_t revision);

// A label-safe digest of an RGD spec (FNV-64a of its JSON, hex): equal specs, equal digests.
std::string SpecDigest(const json::Value& spec);

// What compiling a spec gave, for the revision's status.
struct RevisionResult {
  bool verified = false;
  std::string message;                    // why not, when !verified
  std::vector<std::string> topological_order;
  json::Array resources;                  // [{id, dependencies: [{id}]}], as the RGD status
};

class GraphRevisions {
 public:
  // `client` must outlive this object.
  GraphRevisions(kube::Client& client, Logger log, int max_revisions);

  // Makes the newest revision of `rgd` snapshot its current spec (issuing a new one when the
  // spec changed or there is none), records `result` in its status and removes the revisions
  // beyond the limit. Returns the revision number. A spec already issued costs no request.
  // Errors: kNotFound when the cluster does not serve GraphRevisions (the CRD is not
  // installed; callers go on without revisions); API errors otherwise.
  Result<int64_t> Sync(const json::Value& rgd, const RevisionResult& result);

  // Forgets what is known of `rgd_name` (the RGD was deleted).
  void Forget(const std::string& rgd_name);

 private:
  struct Issued {
    int64_t revision = 0;
    std::string digest;
    bool verified = false;
  };
  Status WriteStatus(const json::Value& revision, const RevisionResult& result);
  Status CollectGarbage(std::vector<json::Value> live);

  kube::Client& client_;
  Logger log_;
  int max_revisions_;
  std::mutex mu_;
  std::map<std::string, Issued> issued_;  // by RGD name; guarded by mu_
};

}  // namespace kro::controller
