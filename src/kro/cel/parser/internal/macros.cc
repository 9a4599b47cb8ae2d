#include "kro/cel/parser/internal/macros.h"

#include <utility>

namespace kro::cel::internal {
namespace {

// cel-go's pre-hidden accumulator name; rejected as an iteration variable too.
constexpr std::string_view kLegacyAccumulatorName = "__result__";
// The name the sortBy expansion binds its input list to (as cel-go ext/lists.go).
constexpr std::string_view kSortByInput = "@__sortBy_input__";

struct Error {
  int32_t offset = 0;
  std::string message;
};

// Everything a macro body needs; the result is an expression or an error.
struct Ctx {
  ExprFactory& f;
  int32_t off;
  ExprPtr target;
  std::vector<ExprPtr>& args;
  Error err;
  bool failed = false;

  ExprPtr Fail(int32_t at, std::string message) {
    err = Error{at, std::move(message)};
    failed = true;
    return nullptr;
  }
  ExprPtr Accu() { return f.Ident(off, kAccumulatorName); }
  ExprPtr Bool(bool b) { return f.Const(off, b); }
  ExprPtr Int(int64_t i) { return f.Const(off, i); }
};

bool IsAccumulator(std::string_view name) {
  return name == kAccumulatorName || name == kLegacyAccumulatorName;
}

// The simple name in `e`, or an error (message as cel-go uses for that macro).
bool IdentName(Ctx& c, const ExprPtr& e, std::string_view message, std::string* name) {
  if (e->kind != ExprKind::kIdent) {
    c.Fail(e->offset, std::string(message));
    return false;
  }
  *name = e->name;
  return true;
}

// has(a.b) -> a.b with test_only.
ExprPtr Has(Ctx& c) {
  ExprPtr& arg = c.args[0];
  if (arg->kind != ExprKind::kSelect || arg->test_only) {
    return c.Fail(arg->offset, "invalid argument to has() macro");
  }
  return c.f.Select(c.off, std::move(arg->operand), std::move(arg->name), /*test_only=*/true);
}

enum class Quantifier { kAll, kExists, kExistsOne };

ExprPtr BuildQuantifier(Ctx& c, Quantifier q, std::string v1, std::string v2, ExprPtr pred) {
  ExprPtr init, cond, step, result;
  switch (q) {
    case Quantifier::kAll:
      init = c.Bool(true);
      cond = c.f.Call(c.off, op::kNotStrictlyFalse, c.Accu());
      step = c.f.Call(c.off, op::kLogicalAnd, c.Accu(), std::move(pred));
      result = c.Accu();
      break;
    case Quantifier::kExists:
      init = c.Bool(false);
      cond = c.f.Call(c.off, op::kNotStrictlyFalse, c.f.Call(c.off, op::kLogicalNot, c.Accu()));
      step = c.f.Call(c.off, op::kLogicalOr, c.Accu(), std::move(pred));
      result = c.Accu();
      break;
    case Quantifier::kExistsOne:
      init = c.Int(0);
      cond = c.Bool(true);
      step = c.f.Call(c.off, op::kConditional, std::move(pred),
                      c.f.Call(c.off, op::kAdd, c.Accu(), c.Int(1)), c.Accu());
      result = c.f.Call(c.off, op::kEquals, c.Accu(), c.Int(1));
      break;
  }
  return c.f.Comprehension(c.off, std::move(c.target), std::move(v1), std::move(v2),
                           kAccumulatorName, std::move(init), std::move(cond), std::move(step),
                           std::move(result));
}

// Checks one iteration variable of a macro.
bool IterVar(Ctx& c, const ExprPtr& e, std::string* name) {
  if (!IdentName(c, e, "argument must be a simple name", name)) return false;
  if (IsAccumulator(*name)) {
    c.Fail(e->offset, "iteration variable overwrites accumulator variable");
    return false;
  }
  return true;
}

// The two variables of a two-variable comprehension (cel-go ext/comprehensions.go).
bool IterVars(Ctx& c, std::string* v1, std::string* v2) {
  if (!IterVar(c, c.args[0], v1) || !IterVar(c, c.args[1], v2)) return false;
  if (*v1 == *v2) {
    c.Fail(c.args[1]->offset, "duplicate variable name: " + *v1);
    return false;
  }
  return true;
}

ExprPtr Quantify(Ctx& c, Quantifier q) {
  std::string v;
  if (!IterVar(c, c.args[0], &v)) return nullptr;
  return BuildQuantifier(c, q, std::move(v), "", std::move(c.args[1]));
}

ExprPtr Quantify2(Ctx& c, Quantifier q) {
  std::string v1, v2;
  if (!IterVars(c, &v1, &v2)) return nullptr;
  return BuildQuantifier(c, q, std::move(v1), std::move(v2), std::move(c.args[2]));
}

// list.map(x, [filter,] fn) -> fold appending [fn] to @result.
ExprPtr Map(Ctx& c) {
  std::string v;
  if (!IdentName(c, c.args[0], "argument is not an identifier", &v)) return nullptr;
  if (IsAccumulator(v)) {
    return c.Fail(c.args[0]->offset, "iteration variable overwrites accumulator variable");
  }
  ExprPtr filter = c.args.size() == 3 ? std::move(c.args[1]) : nullptr;
  ExprPtr fn = std::move(c.args.back());
  ExprPtr step = c.f.Call(c.off, op::kAdd, c.Accu(), c.f.List(c.off, std::move(fn)));
  if (filter) step = c.f.Call(c.off, op::kConditional, std::move(filter), std::move(step), c.Accu());
  return c.f.Comprehension(c.off, std::move(c.target), std::move(v), "", kAccumulatorName,
                           c.f.List(c.off), c.Bool(true), std::move(step), c.Accu());
}

// list.filter(x, p) -> fold appending [x] when p.
ExprPtr Filter(Ctx& c) {
  std::string v;
  if (!IdentName(c, c.args[0], "argument is not an identifier", &v)) return nullptr;
  if (IsAccumulator(v)) {
    return c.Fail(c.args[0]->offset, "iteration variable overwrites accumulator variable");
  }
  ExprPtr step = c.f.Call(c.off, op::kAdd, c.Accu(), c.f.List(c.off, std::move(c.args[0])));
  step = c.f.Call(c.off, op::kConditional, std::move(c.args[1]), std::move(step), c.Accu());
  return c.f.Comprehension(c.off, std::move(c.target), std::move(v), "", kAccumulatorName,
                           c.f.List(c.off), c.Bool(true), std::move(step), c.Accu());
}

enum class Transform { kList, kMap, kMapEntry };

// transformList / transformMap / transformMapEntry (k, v, [filter,] expr).
ExprPtr TransformMacro(Ctx& c, Transform t) {
  std::string v1, v2;
  if (!IterVars(c, &v1, &v2)) return nullptr;
  ExprPtr filter = c.args.size() == 4 ? std::move(c.args[2]) : nullptr;
  ExprPtr fn = std::move(c.args.back());
  ExprPtr step, init;
  switch (t) {
    case Transform::kList:
      step = c.f.Call(c.off, op::kAdd, c.Accu(), c.f.List(c.off, std::move(fn)));
      init = c.f.List(c.off);
      break;
    case Transform::kMap:
      step = c.f.Call(c.off, "cel.@mapInsert", c.Accu(), c.f.Ident(c.off, v1), std::move(fn));
      init = c.f.New(ExprKind::kMap, c.off);
      break;
    case Transform::kMapEntry:
      step = c.f.Call(c.off, "cel.@mapInsert", c.Accu(), std::move(fn));
      init = c.f.New(ExprKind::kMap, c.off);
      break;
  }
  if (filter) step = c.f.Call(c.off, op::kConditional, std::move(filter), std::move(step), c.Accu());
  return c.f.Comprehension(c.off, std::move(c.target), std::move(v1), std::move(v2),
                           kAccumulatorName, std::move(init), c.Bool(true), std::move(step),
                           c.Accu());
}

// A comprehension that never iterates and binds `var` to `init` while evaluating `result`.
ExprPtr Bind(Ctx& c, std::string var, ExprPtr init, ExprPtr result) {
  ExprPtr step = c.f.Ident(c.off, var);
  return c.f.Comprehension(c.off, c.f.List(c.off), kUnusedIterVar, "", std::move(var),
                           std::move(init), c.Bool(false), std::move(step), std::move(result));
}

// cel.bind(v, init, expr) (cel-go ext/bindings.go).
ExprPtr CelBind(Ctx& c) {
  std::string v;
  if (!IdentName(c, c.args[0], "cel.bind() variable names must be simple identifiers", &v)) {
    return nullptr;
  }
  return Bind(c, std::move(v), std::move(c.args[1]), std::move(c.args[2]));
}

// opt.optMap(x, e) -> opt.hasValue() ? optional.of(bind x = opt.value() in e) : optional.none()
// opt.optFlatMap(x, e) is the same without the optional.of wrapper (cel-go cel/library.go).
ExprPtr OptMap(Ctx& c, bool flat) {
  std::string v;
  if (!IdentName(c, c.args[0],
                 flat ? "optFlatMap() variable name must be a simple identifier"
                      : "optMap() variable name must be a simple identifier",
                 &v)) {
    return nullptr;
  }
  ExprPtr copy = c.target->Clone();
  // The clone keeps the original ids; renumber so ids stay unique in the tree.
  std::vector<Expr*> stack{copy.get()};
  while (!stack.empty()) {
    Expr* e = stack.back();
    stack.pop_back();
    e->id = c.f.NextId();
    for (Expr* child : {e->operand.get(), e->iter_range.get(), e->accu_init.get(),
                        e->loop_condition.get(), e->loop_step.get(), e->result.get()}) {
      if (child) stack.push_back(child);
    }
    for (auto& a : e->args) {
      if (a) stack.push_back(a.get());
    }
    for (auto& en : e->entries) {
      en.id = c.f.NextId();
      if (en.key) stack.push_back(en.key.get());
      if (en.value) stack.push_back(en.value.get());
    }
  }
  ExprPtr has_value = c.f.MemberCall(c.off, "hasValue", std::move(c.target));
  ExprPtr value = c.f.MemberCall(c.off, "value", std::move(copy));
  ExprPtr bound = Bind(c, std::move(v), std::move(value), std::move(c.args[1]));
  if (!flat) bound = c.f.Call(c.off, "optional.of", std::move(bound));
  return c.f.Call(c.off, op::kConditional, std::move(has_value), std::move(bound),
                  c.f.Call(c.off, "optional.none"));
}

// list.sortBy(x, key) -> bind @__sortBy_input__ = list in
//   @sortByAssociatedKeys(@__sortBy_input__, @__sortBy_input__.map(x, key))
// cel-go ext/lists.go makes the same binding; we call the helper as a global 2-argument function.
ExprPtr SortBy(Ctx& c) {
  ExprKind k = c.target->kind;
  if (k != ExprKind::kList && k != ExprKind::kSelect && k != ExprKind::kIdent &&
      k != ExprKind::kComprehension && k != ExprKind::kCall) {
    return c.Fail(c.target->offset,
                  "sortBy can only be applied to a list, identifier, comprehension, call or "
                  "select expression");
  }
  ExprPtr list = std::move(c.target);
  c.target = c.f.Ident(c.off, std::string(kSortByInput));
  ExprPtr keys = Map(c);
  if (!keys) return nullptr;
  ExprPtr call = c.f.Call(c.off, "@sortByAssociatedKeys", c.f.Ident(c.off, std::string(kSortByInput)),
                          std::move(keys));
  return Bind(c, std::string(kSortByInput), std::move(list), std::move(call));
}

// runtime.newCondition({type: t, status: s, reason: r, message: m}): kro's
// pkg/cel/library/runtime.go newConditionMacro turns the bare keys into strings.
ExprPtr NewCondition(Ctx& c) {
  ExprPtr& m = c.args[0];
  if (m->kind != ExprKind::kMap) {
    return c.Fail(m->offset, "runtime.newCondition: argument must be a map literal");
  }
  bool seen[4] = {false, false, false, false};
  static constexpr std::string_view kKeys[4] = {"type", "status", "reason", "message"};
  for (Entry& e : m->entries) {
    if (e.key->kind != ExprKind::kIdent) {
      return c.Fail(e.key->offset,
                    "runtime.newCondition: keys must be bare identifiers (type, status, reason, "
                    "message); quoted or computed keys are not allowed");
    }
    int idx = -1;
    for (int i = 0; i < 4; ++i) {
      if (e.key->name == kKeys[i]) idx = i;
    }
    if (idx < 0) {
      return c.Fail(e.key->offset, "runtime.newCondition: unknown key \"" + e.key->name +
                                       "\" (allowed: type, status, reason, message)");
    }
    if (seen[idx]) {
      return c.Fail(e.key->offset,
                    "runtime.newCondition: duplicate key \"" + e.key->name + "\"");
    }
    seen[idx] = true;
    e.key = c.f.Const(e.key->offset, std::string(kKeys[idx]));
    e.optional = false;
  }
  if (!seen[0]) return c.Fail(m->offset, "runtime.newCondition: 'type' is required");
  if (!seen[1]) return c.Fail(m->offset, "runtime.newCondition: 'status' is required");
  return c.f.MemberCall(c.off, "newCondition", std::move(c.target), std::move(m));
}

bool TargetIs(const ExprPtr& target, std::string_view name) {
  return target && target->kind == ExprKind::kIdent && target->name == name;
}

}  // namespace

MacroOutcome ExpandMacro(ExprFactory& factory, const MacroSet& set, int32_t offset,
                         std::string_view function, ExprPtr& target, std::vector<ExprPtr>& args,
                         ExprPtr* out, int32_t* error_offset, std::string* error) {
  const size_t n = args.size();
  const bool recv = target != nullptr;
  // 1. Select the macro by name, argument count and call style (as cel-go's macro keys).
  using Fn = ExprPtr (*)(Ctx&);
  Fn fn = nullptr;
  if (!recv) {
    if (function == "has" && n == 1) fn = Has;
  } else if (function == "all") {
    if (n == 2) fn = [](Ctx& c) { return Quantify(c, Quantifier::kAll); };
    if (n == 3) fn = [](Ctx& c) { return Quantify2(c, Quantifier::kAll); };
  } else if (function == "exists") {
    if (n == 2) fn = [](Ctx& c) { return Quantify(c, Quantifier::kExists); };
    if (n == 3) fn = [](Ctx& c) { return Quantify2(c, Quantifier::kExists); };
  } else if (function == "exists_one" || function == "existsOne") {
    if (n == 2) fn = [](Ctx& c) { return Quantify(c, Quantifier::kExistsOne); };
    if (n == 3) fn = [](Ctx& c) { return Quantify2(c, Quantifier::kExistsOne); };
  } else if (function == "map") {
    if (n == 2 || n == 3) fn = Map;
  } else if (function == "filter") {
    if (n == 2) fn = Filter;
  } else if (function == "transformList") {
    if (n == 3 || n == 4) fn = [](Ctx& c) { return TransformMacro(c, Transform::kList); };
  } else if (function == "transformMap") {
    if (n == 3 || n == 4) fn = [](Ctx& c) { return TransformMacro(c, Transform::kMap); };
  } else if (function == "transformMapEntry") {
    if (n == 3 || n == 4) fn = [](Ctx& c) { return TransformMacro(c, Transform::kMapEntry); };
  } else if (function == "bind") {
    if (n == 3 && TargetIs(target, "cel")) fn = CelBind;
  } else if (function == "optMap") {
    if (n == 2 && set.optional) fn = [](Ctx& c) { return OptMap(c, false); };
  } else if (function == "optFlatMap") {
    if (n == 2 && set.optional) fn = [](Ctx& c) { return OptMap(c, true); };
  } else if (function == "sortBy") {
    if (n == 2) fn = SortBy;
  } else if (function == "newCondition") {
    if (n == 1 && TargetIs(target, "runtime")) fn = NewCondition;
  }
  if (fn == nullptr) return MacroOutcome::kNotMacro;

  // 2. Expand; the macro consumes target and args either way.
  Ctx c{factory, offset, std::move(target), args, {}, false};
  ExprPtr result = fn(c);
  target.reset();
  args.clear();
  if (c.failed || !result) {
    *error_offset = c.err.offset;
    *error = std::move(c.err.message);
    return MacroOutcome::kError;
  }
  *out = std::move(result);
  return MacroOutcome::kExpanded;
}

}  // namespace kro::cel::internal
