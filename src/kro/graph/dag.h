// Dag: the dependency graph between an RGD's resources (upstream pkg/graph/dag).
//
// Vertices are resource ids with their declaration index. Topological order is Kahn's algorithm
// that always picks the ready vertex declared first, so independent resources keep the user's
// order. Levels group vertices whose dependencies are all in earlier levels (they can be applied
// in parallel). Thread-compatible; immutable after construction by the builder.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kro/base/result.h"

namespace kro::graph {

class Dag {
 public:
  // Adds a vertex. Error AlreadyExists if `id` is present.
  Status AddVertex(const std::string& id, int order);

  // Records that `from` depends on each of `deps` (they must be applied before `from`).
  // Errors: NotFound for an unknown vertex, InvalidArgument for a self reference. Cycles are
  // reported by FindCycle/TopologicalSort, not here, so all edges can be added first.
  Status AddDependencies(const std::string& from, const std::vector<std::string>& deps);

  // A cycle as a closed path in dependency direction ["a", "b", "a"] (a depends on b, b on a),
  // starting at the earliest-declared vertex on it; empty if acyclic. Deterministic.
  std::vector<std::string> FindCycle() const;

  // Topological order (dependencies first); error FailedPrecondition
  // "graph contains a cycle: a -> b -> a" if there is a cycle.
  Result<std::vector<std::string>> TopologicalSort() const;

  // Levels: level 0 holds vertices without dependencies; level k those whose deepest dependency
  // is in level k-1. Each level is in declaration order. REQUIRES: acyclic.
  std::vector<std::vector<std::string>> Levels() const;

  // Direct dependencies of `id` in declaration order (empty if unknown).
  std::vector<std::string> DependenciesOf(const std::string& id) const;

  size_t size() const { return vertices_.size(); }
  bool Contains(const std::string& id) const { return index_.count(id) != 0; }

 private:
  struct Vertex {
    std::string id;
    int order = 0;
    std::vector<int> deps;  // indices into vertices_, deduplicated
  };
  std::vector<Vertex> vertices_;
  std::map<std::string, int> index_;
};

// "a -> b -> a".
std::string FormatCycle(const std::vector<std::string>& cycle);

}  // namespace kro::graph
