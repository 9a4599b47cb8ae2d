#include "kro/controller/rgd_deletion_protection.h"

namespace kro::controller {

Result<size_t> CountInstances(kube::Client& client, const kube::Gvr& gvr) {
  size_t n = 0;
  kube::ListOptions lo;
  lo.limit = 500;
  Result<kube::ListResult> r = client.ListEach(gvr, "", lo, [&n](json::Value&&) {
    ++n;
    return Status::Ok();
  });
  if (!r.ok()) {
    if (r.status().code() == ErrorCode::kNotFound) {
      return size_t{0};
    }
    return r.status().WithPrefix("counting instances of " + gvr.ToString());
  }
  return n;
}

std::string DeletionBlockedMessage(size_t instances, std::string_view kind) {
  return "deletion blocked: " + std::to_string(instances) +
         (instances == 1 ? " instance of " : " instances of ") + std::string(kind) +
         (instances == 1 ? " still exists" : " still exist");
}

}  // namespace kro::controller
