#include "kro/graph/dag.h"

#include <algorithm>
#include <queue>

namespace kro::graph {

Status Dag::AddVertex(const std::string& id, int order) {
  if (index_.count(id) != 0) return AlreadyExists("node " + id + " already exists");
  index_[id] = static_cast<int>(vertices_.size());
  vertices_.push_back({id, order, {}});
  return Status::Ok();
}

Status Dag::AddDependencies(const std::string& from, const std::vector<std::string>& deps) {
  auto it = index_.find(from);
  if (it == index_.end()) return NotFound("node " + from + " does not exist");
  Vertex& v = vertices_[it->second];
  for (const std::string& d : deps) {
    auto dit = index_.find(d);
    if (dit == index_.end()) return NotFound("node " + d + " does not exist");
    if (d == from) return InvalidArgument("self references are not allowed");
    if (std::find(v.deps.begin(), v.deps.end(), dit->second) == v.deps.end()) {
      v.deps.push_back(dit->second);
    }
  }
  return Status::Ok();
}

std::vector<std::string> Dag::DependenciesOf(const std::string& id) const {
  std::vector<std::string> out;
  auto it = index_.find(id);
  if (it == index_.end()) return out;
  std::vector<int> deps = vertices_[it->second].deps;
  std::sort(deps.begin(), deps.end(), [this](int a, int b) {
    return vertices_[a].order < vertices_[b].order;
  });
  for (int d : deps) out.push_back(vertices_[d].id);
  return out;
}

std::vector<std::string> Dag::FindCycle() const {
  // Iterative-free DFS over vertices in declaration order, dependencies in declaration order.
  const int n = static_cast<int>(vertices_.size());
  std::vector<int> by_order(n);
  for (int i = 0; i < n; ++i) by_order[i] = i;
  auto cmp = [this](int a, int b) {
    if (vertices_[a].order != vertices_[b].order) return vertices_[a].order < vertices_[b].order;
    return vertices_[a].id < vertices_[b].id;
  };
  std::sort(by_order.begin(), by_order.end(), cmp);
  std::vector<std::vector<int>> sorted_deps(n);
  for (int i = 0; i < n; ++i) {
    sorted_deps[i] = vertices_[i].deps;
    std::sort(sorted_deps[i].begin(), sorted_deps[i].end(), cmp);
  }
  enum { kWhite, kGrey, kBlack };
  std::vector<int> color(n, kWhite);
  std::vector<int> stack;
  std::vector<std::string> cycle;
  // Recursive lambda via explicit function object.
  struct Dfs {
    const std::vector<std::vector<int>>& deps;
    std::vector<int>& color;
    std::vector<int>& stack;
    int found = -1;
    bool Run(int v) {
      color[v] = kGrey;
      stack.push_back(v);
      for (int d : deps[v]) {
        if (color[d] == kGrey) {
          found = d;
          return true;
        }
        if (color[d] == kWhite && Run(d)) return true;
      }
      stack.pop_back();
      color[v] = kBlack;
      return false;
    }
  } dfs{sorted_deps, color, stack};
  for (int v : by_order) {
    if (color[v] != kWhite) continue;
    if (dfs.Run(v)) {
      auto start = std::find(stack.begin(), stack.end(), dfs.found);
      std::vector<int> ring(start, stack.end());
      // Rotate so the earliest-declared vertex comes first.
      auto first = std::min_element(ring.begin(), ring.end(), cmp);
      std::rotate(ring.begin(), first, ring.end());
      for (int i : ring) cycle.push_back(vertices_[i].id);
      cycle.push_back(vertices_[ring.front()].id);
      return cycle;
    }
  }
  return cycle;
}

Result<std::vector<std::string>> Dag::TopologicalSort() const {
  const int n = static_cast<int>(vertices_.size());
  std::vector<int> remaining(n);
  std::vector<std::vector<int>> dependents(n);
  for (int i = 0; i < n; ++i) {
    remaining[i] = static_cast<int>(vertices_[i].deps.size());
    for (int d : vertices_[i].deps) dependents[d].push_back(i);
  }
  auto later = [this](int a, int b) {
    if (vertices_[a].order != vertices_[b].order) return vertices_[a].order > vertices_[b].order;
    return vertices_[a].id > vertices_[b].id;
  };
  std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
  for (int i = 0; i < n; ++i) {
    if (remaining[i] == 0) ready.push(i);
  }
  std::vector<std::string> order;
  order.reserve(n);
  while (!ready.empty()) {
    int v = ready.top();
    ready.pop();
    order.push_back(vertices_[v].id);
    for (int d : dependents[v]) {
      if (--remaining[d] == 0) ready.push(d);
    }
  }
  if (static_cast<int>(order.size()) != n) {
    return FailedPrecondition("graph contains a cycle: " + FormatCycle(FindCycle()));
  }
  return order;
}

std::vector<std::vector<std::string>> Dag::Levels() const {
  const int n = static_cast<int>(vertices_.size());
  std::vector<int> level(n, -1);
  Result<std::vector<std::string>> order = TopologicalSort();
  std::vector<std::vector<std::string>> out;
  if (!order.ok()) return out;
  for (const std::string& id : *order) {
    int v = index_.at(id);
    int l = 0;
    for (int d : vertices_[v].deps) l = std::max(l, level[d] + 1);
    level[v] = l;
  }
  std::vector<int> by_order(n);
  for (int i = 0; i < n; ++i) by_order[i] = i;
  std::sort(by_order.begin(), by_order.end(),
            [this](int a, int b) { return vertices_[a].order < vertices_[b].order; });
  for (int v : by_order) {
    if (static_cast<int>(out.size()) <= level[v]) out.resize(level[v] + 1);
    out[level[v]].push_back(vertices_[v].id);
  }
  return out;
}

std::string FormatCycle(const std::vector<std::string>& cycle) {
  std::string out;
  for (size_t i = 0; i < cycle.size(); ++i) {
    if (i > 0) out += " -> ";
    out += cycle[i];
  }
  return out;
}

}  // namespace kro::graph
