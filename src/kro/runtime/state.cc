#include "kro/runtime/state.h"

#include "kro/api/conditions.h"

namespace kro::runtime {

std::string_view NodeStateName(NodeState s) {
  switch (s) {
    case NodeState::kInProgress:
      return api::kNodeStateInProgress;
    case NodeState::kWaitingForReadiness:
      return api::kNodeStateWaitingForReadiness;
    case NodeState::kSynced:
      return api::kNodeStateSynced;
    case NodeState::kSkipped:
      return api::kNodeStateSkipped;
    case NodeState::kDeleting:
      return api::kNodeStateDeleting;
    case NodeState::kDeleted:
      return api::kNodeStateDeleted;
    case NodeState::kError:
      return api::kNodeStateError;
  }
  return "UNKNOWN";
}

std::string_view InstanceStateName(InstanceState s) {
  switch (s) {
    case InstanceState::kInProgress:
      return api::kInstanceStateInProgress;
    case InstanceState::kActive:
      return api::kInstanceStateActive;
    case InstanceState::kError:
      return api::kInstanceStateError;
    case InstanceState::kDeleting:
      return api::kInstanceStateDeleting;
  }
  return "UNKNOWN";
}

void StateManager::Set(std::string_view id, NodeState state, Status error) {
  for (NodeStatus& n : nodes_) {
    if (n.id == id) {
      n.state = state;
      n.error = std::move(error);
      return;
    }
  }
  nodes_.push_back(NodeStatus{std::string(id), state, std::move(error)});
}

const NodeStatus* StateManager::Get(std::string_view id) const {
  for (const NodeStatus& n : nodes_) {
    if (n.id == id) {
      return &n;
    }
  }
  return nullptr;
}

InstanceState StateManager::Update() {
  if (!reconcile_error_.ok()) {
    state_ = InstanceState::kError;
    return state_;
  }
  if (state_ == InstanceState::kDeleting) {
    return state_;
  }
  bool all_synced = true;
  for (const NodeStatus& n : nodes_) {
    if (n.state == NodeState::kError) {
      state_ = InstanceState::kError;
      return state_;
    }
    if (n.state != NodeState::kSynced && n.state != NodeState::kSkipped &&
        n.state != NodeState::kDeleted) {
      all_synced = false;
    }
  }
  state_ = all_synced ? InstanceState::kActive : InstanceState::kInProgress;
  return state_;
}

std::string StateManager::NodeErrors() const {
  std::string out;
  for (const NodeStatus& n : nodes_) {
    if (!n.error.ok()) {
      if (!out.empty()) {
        out += "; ";
      }
      out += n.error.message();
    }
  }
  return out;
}

}  // namespace kro::runtime
