// --rgd-deletion-protection: an RGD whose kind still has instances keeps its finalizer, with a
// condition that counts them, so deleting the RGD cannot strand the instances' finalizers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "kro/base/result.h"
#include "kro/kube/client.h"

namespace kro::controller {

// Set False (reason kDeletionBlockedReason) on an RGD held by the protection.
inline constexpr std::string_view kRgdConditionDeletionAllowed = "DeletionAllowed";
inline constexpr std::string_view kDeletionBlockedReason = "InstancesExist";

// The number of `gvr` objects in every namespace; 0 when the kind is no longer served.
Result<size_t> CountInstances(kube::Client& client, const kube::Gvr& gvr);

// "deletion blocked: 3 instances of WebApp still exist" (1: "1 instance ... still exists").
std::string DeletionBlockedMessage(size_t instances, std::string_view kind);

}  // namespace kro::controller
