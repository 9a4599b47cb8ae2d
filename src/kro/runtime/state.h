// Per-node and instance states of one reconcile (upstream pkg/controller/instance/state.go).
//
// The instance is ERROR when the reconcile failed or any node is in ERROR, ACTIVE when every node
// is SYNCED, SKIPPED or DELETED, IN_PROGRESS otherwise; DELETING sticks once set.
// Thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kro/base/status.h"

namespace kro::runtime {

enum class NodeState {
  kInProgress,
  kWaitingForReadiness,
  kSynced,
  kSkipped,
  kDeleting,
  kDeleted,
  kError,
};
// Upstream spelling ("IN_PROGRESS", "WAITING_FOR_READINESS", ...).
std::string_view NodeStateName(NodeState s);

enum class InstanceState { kInProgress, kActive, kError, kDeleting };
// Upstream spelling ("IN_PROGRESS", "ACTIVE", "ERROR", "DELETING").
std::string_view InstanceStateName(InstanceState s);

struct NodeStatus {
  std::string id;
  NodeState state = NodeState::kInProgress;
  Status error;  // why it is not synced (pending reasons too), may be OK
};

class StateManager {
 public:
  // Sets (or replaces) the state of node `id`; nodes keep the order of their first Set.
  void Set(std::string_view id, NodeState state, Status error = Status::Ok());
  const NodeStatus* Get(std::string_view id) const;
  const std::vector<NodeStatus>& nodes() const { return nodes_; }

  void SetReconcileError(Status error) { reconcile_error_ = std::move(error); }
  const Status& reconcile_error() const { return reconcile_error_; }
  void SetDeleting() { state_ = InstanceState::kDeleting; }

  // Recomputes and returns the instance state.
  InstanceState Update();
  InstanceState state() const { return state_; }
  // Every node error message joined with "; " (node order); empty when none.
  std::string NodeErrors() const;

 private:
  std::vector<NodeStatus> nodes_;
  Status reconcile_error_;
  InstanceState state_ = InstanceState::kInProgress;
};

}  // namespace kro::runtime
