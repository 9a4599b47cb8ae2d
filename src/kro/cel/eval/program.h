// kro::cel::Program: an expression planned once and evaluated many times.
//
//   KRO_ASSIGN_OR_RETURN(Program p, Plan(*parsed.expr, {.variables = {"schema"}}));
//   Activation act(p);
//   act.Bind("schema", Value::FromJson(doc));   // borrows doc
//   Value v = p.Evaluate(act);                  // v may borrow doc too
//
// Plan() resolves every identifier to a variable slot, a comprehension local or a type name
// (following the container rules of cel-spec), and narrows every call to its candidate
// overloads, so Evaluate() does no name lookups. CEL errors (no such key, overflow, ...) are
// returned as error Values; Plan() returns a Status only for expressions it cannot run at all.
// A Program is immutable after Plan() and may be evaluated concurrently from several threads,
// each with its own Activation.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/cel/common/ast.h"
#include "kro/cel/eval/registry.h"
#include "kro/cel/eval/value.h"

namespace kro::cel {

struct PlanOptions {
  // Declared variables (names may be qualified, "a.b.c"). Their order gives the slot numbers.
  std::vector<std::string> variables = {};
  // Namespace for name resolution ("com.example"); empty for none.
  std::string container = {};
  // Functions; null means DefaultRegistry() (kro/cel/lib/library.h).
  std::shared_ptr<const Registry> registry = {};
  // Evaluation budget: comprehension iterations plus library cost units (large lists/strings).
  int64_t max_iterations = 10000000;
  // Optional: the run-time kind an expression node (by id) has when its value is well-formed, as
  // a type checker knows it (nullopt: unknown or dyn). Plan() uses it to pick, per call, the
  // overload to try first; a wrong or missing answer only costs speed, never correctness.
  std::function<std::optional<ValueKind>(int64_t id)> static_kind = {};
};

namespace internal {
class Node;
struct Frame;
}  // namespace internal

class Activation;
class RegexCache;

class Program {
 public:
  Program(Program&&) noexcept;
  Program& operator=(Program&&) noexcept;
  ~Program();

  // Slot of a declared variable, or -1.
  int SlotOf(std::string_view name) const;
  size_t num_slots() const { return variables_.size(); }
  // The evaluation budget of Evaluate(act) (PlanOptions::max_iterations).
  int64_t max_iterations() const { return max_iterations_; }
  const std::vector<std::string>& variables() const { return variables_; }
  // The compiled patterns of its regex calls; null when it has none.
  const RegexCache* regex_cache() const { return regexes_.get(); }

  // Evaluates against the bound variables. The result may borrow JSON bound in `act`.
  Value Evaluate(const Activation& act) const;
  Value Evaluate(const Activation& act, int64_t budget) const;

 private:
  friend Result<Program> Plan(const Expr& expr, const PlanOptions& options);
  Program();

  std::vector<std::string> variables_;
  std::shared_ptr<const Registry> registry_;
  std::unique_ptr<internal::Node> root_;
  std::unique_ptr<RegexCache> regexes_;  // null when no regex function is called
  int num_locals_ = 0;
  int64_t max_iterations_ = 0;
};

Result<Program> Plan(const Expr& expr, const PlanOptions& options);

// Variable values for one evaluation, by slot.
class Activation {
 public:
  explicit Activation(const Program& program);

  // NotFound when the program does not declare `name`.
  Status Bind(std::string_view name, Value value);
  void BindSlot(int slot, Value value);

 private:
  friend class Program;
  friend struct internal::Frame;
  const Program* program_;
  std::vector<Value> values_;
  std::vector<uint8_t> bound_;
};

}  // namespace kro::cel
