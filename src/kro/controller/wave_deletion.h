// Deletion of an instance's children by apply-order wave, from the ApplySet inventory alone
// (no graph, no CEL), so it also works when the RGD is invalid or gone.
//
// Every managed child carries internal.kro.run/apply-order: its 1-based reverse-topological
// layer (resources nothing depends on get the highest number). The instance, as ApplySet parent,
// carries internal.kro.run/applyset-inventory-hash over its ApplySet id, contains-group-kinds
// and additional-namespaces. Deletion lists the inventory members, deletes the highest wave,
// and waits until that whole wave is gone before the next; children with no or a bad order
// form wave 0, deleted last.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/controller/child_watches.h"
#include "kro/graph/graph.h"
#include "kro/kube/discovery.h"

namespace kro::controller {

inline constexpr std::string_view kApplyOrderAnnotation = "internal.kro.run/apply-order";
inline constexpr std::string_view kApplySetInventoryHashAnnotation =
    "internal.kro.run/applyset-inventory-hash";

// Node id -> apply order: len(layers) - i for the i-th reverse-topological layer (layer 0 holds
// the nodes no other node depends on).
std::map<std::string, int> ApplyOrders(const graph::Graph& g);

// The child's apply order, or 0 when the annotation is missing, not an integer or not positive.
int ApplyOrderOf(const json::Value& obj);

// The members of the highest remaining wave (in input order) and its number; {0, {}} for none.
struct Wave {
  int order = 0;
  std::vector<ChildObject> members;
};
Wave HighestWave(const std::vector<ChildObject>& children);

// "sha256:" + unpadded URL-safe base64 of sha256(id NUL sorted-group-kinds NUL sorted-namespaces);
// the two lists are comma-separated as in the ApplySet annotations (order does not matter).
std::string InventoryHash(std::string_view applyset_id, std::string_view group_kinds,
                          std::string_view namespaces);

// A group-kind named by the inventory ("Kind" or "Kind.group").
struct GroupKind {
  std::string group, kind;
};

// The inventory of `instance` after checking it: the id label equals `applyset_id`, the
// tooling annotation is kro's, both list annotations are present and well formed, and the hash
// (optional, for parents written before it existed) matches. Errors: kFailedPrecondition
// naming the bad key.
Result<std::vector<GroupKind>> ValidateInventory(const json::Value& instance,
                                                 std::string_view applyset_id);

// What one deletion step needs.
struct WaveDeletionDeps {
  kube::RestMapper& mapper;
  ChildWatches& children;
  std::function<Status(const ChildObject&)> delete_child;
  // Versions to try for a group-kind, from the last graph served for the kind (may be null).
  const graph::Graph* last_graph = nullptr;
};

struct WaveStep {
  bool done = false;  // no member is left: the finalizer may go
  int order = 0;      // the wave being deleted
  size_t remaining = 0;
};

// One step: validate the inventory, watch its kinds, and delete the highest wave's members that
// are not already being deleted. Errors: an invalid inventory, a kind that cannot be resolved or
// watched, or a failed delete.
Result<WaveStep> DeleteNextWave(const json::Value& instance, std::string_view applyset_id,
                                const WaveDeletionDeps& deps);

}  // namespace kro::controller
