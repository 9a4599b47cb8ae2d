#include "kro/cel/eval/program.h"

#include <cmath>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "kro/cel/eval/access.h"
#include "kro/cel/eval/regex_cache.h"
#include "kro/cel/lib/library.h"

namespace kro::cel {
namespace internal {

struct Frame {
  const Activation* act;
  Value* locals;
  EvalContext ctx;
  const Value& global(int slot) const { return act->values_[slot]; }
  bool bound(int slot) const { return act->bound_[slot] != 0; }
};

class Node {
 public:
  virtual ~Node() = default;
  virtual Value Eval(Frame& f) const = 0;
  // Constant nodes expose their value for plan-time decisions.
  virtual const Value* constant() const { return nullptr; }
};

}  // namespace internal

using internal::Frame;
using internal::Node;
using NodePtr = std::unique_ptr<Node>;

namespace {

class ConstNode : public Node {
 public:
  explicit ConstNode(Value v) : v_(std::move(v)) {}
  Value Eval(Frame&) const override { return v_; }
  const Value* constant() const override { return &v_; }

 private:
  Value v_;
};

class GlobalNode : public Node {
 public:
  GlobalNode(int slot, std::string name) : slot_(slot), name_(std::move(name)) {}
  int slot() const { return slot_; }
  Value Eval(Frame& f) const override {
    if (!f.bound(slot_)) {
      return Value::Error(ErrorKind::kNoSuchAttribute, "no such attribute: " + name_);
    }
    return f.global(slot_);
  }

 private:
  int slot_;
  std::string name_;
};

class LocalNode : public Node {
 public:
  explicit LocalNode(int slot) : slot_(slot) {}
  Value Eval(Frame& f) const override { return f.locals[slot_]; }

 private:
  int slot_;
};

// operand.f1.f2...fn, or has(operand.f1...fn) when test_only (only the last select tests).
// Over borrowed JSON the chain walks json::Value pointers and wraps only the final value; any
// other value (or a JSON value that is not an object) takes the general path.
class SelectPathNode : public Node {
 public:
  SelectPathNode(NodePtr operand, std::vector<std::string> fields, bool test_only)
      : operand_(std::move(operand)), fields_(std::move(fields)), test_only_(test_only) {
    if (const auto* g = dynamic_cast<const GlobalNode*>(operand_.get())) global_ = g;
  }
  Value Eval(Frame& f) const override {
    Value storage;
    const Value* base = &storage;
    if (global_ != nullptr) {
      if (!f.bound(global_->slot())) return global_->Eval(f);
      base = &f.global(global_->slot());
    } else {
      storage = operand_->Eval(f);
    }
    size_t n = fields_.size(), i = 0;
    if (base->kind() == ValueKind::kMap && base->json() != nullptr) {
      const json::Value* j = base->json();
      for (; i < n; ++i) {
        const json::Object* o = j->if_object();
        if (o == nullptr) break;
        const json::Value* next = JsonField(*o, fields_[i]);
        if (test_only_ && i + 1 == n) return Value::Bool(next != nullptr);
        if (next == nullptr) break;
        j = next;
      }
      if (i == n) return Value::FromJson(*j);
      storage = Value::FromJson(*j);
      base = &storage;
    }
    Value cur = *base;
    for (; i < n; ++i) {
      if (test_only_ && i + 1 == n) return TestField(cur, fields_[i]);
      cur = SelectField(cur, fields_[i]);
    }
    return cur;
  }
  // Appends a plain select to a path that does not end in a test.
  bool Extend(const std::string& field, bool test_only) {
    if (test_only_) return false;
    fields_.push_back(field);
    test_only_ = test_only;
    return true;
  }

 private:
  NodePtr operand_;
  const GlobalNode* global_ = nullptr;
  std::vector<std::string> fields_;
  bool test_only_;
};

class OptSelectNode : public Node {
 public:
  OptSelectNode(NodePtr operand, std::string field)
      : operand_(std::move(operand)), field_(std::move(field)) {}
  Value Eval(Frame& f) const override { return OptSelectField(operand_->Eval(f), field_); }

 private:
  NodePtr operand_;
  std::string field_;
};

class IndexNode : public Node {
 public:
  IndexNode(NodePtr operand, NodePtr index, bool optional)
      : operand_(std::move(operand)), index_(std::move(index)), optional_(optional) {}
  Value Eval(Frame& f) const override {
    Value a = operand_->Eval(f);
    if (a.is_error()) return a;
    Value i = index_->Eval(f);
    if (i.is_error()) return i;
    return optional_ ? OptIndexValue(a, i) : IndexValue(a, i);
  }

 private:
  NodePtr operand_, index_;
  bool optional_;
};

class AndOrNode : public Node {
 public:
  AndOrNode(std::vector<NodePtr> args, bool is_and) : args_(std::move(args)), and_(is_and) {}
  Value Eval(Frame& f) const override {
    Value err;
    bool have_err = false;
    for (const auto& a : args_) {
      Value v = a->Eval(f);
      if (v.kind() == ValueKind::kBool) {
        if (v.bool_value() != and_) return v;  // short circuit: false for &&, true for ||
        continue;
      }
      if (!have_err) {
        have_err = true;
        err = v.is_error() ? v : NoMatchingOverload(and_ ? "_&&_" : "_||_", &v, 1);
      }
    }
    if (have_err) return err;
    return Value::Bool(and_);
  }

 private:
  std::vector<NodePtr> args_;
  bool and_;
};

class TernaryNode : public Node {
 public:
  TernaryNode(NodePtr c, NodePtr t, NodePtr e)
      : c_(std::move(c)), t_(std::move(t)), e_(std::move(e)) {}
  Value Eval(Frame& f) const override {
    Value c = c_->Eval(f);
    if (c.kind() == ValueKind::kBool) return c.bool_value() ? t_->Eval(f) : e_->Eval(f);
    if (c.is_error()) return c;
    return NoMatchingOverload("_?_:_", &c, 1);
  }

 private:
  NodePtr c_, t_, e_;
};

class NotStrictlyFalseNode : public Node {
 public:
  explicit NotStrictlyFalseNode(NodePtr a) : a_(std::move(a)) {}
  Value Eval(Frame& f) const override {
    Value v = a_->Eval(f);
    if (v.kind() == ValueKind::kBool) return v;
    return Value::Bool(true);
  }

 private:
  NodePtr a_;
};

// The overloads a call may run, narrowed at plan time by name, arity and call style, plus the
// one it most likely runs (`hint`): the first candidate compatible with the arguments' static
// kinds. The hint runs directly when every argument has the kind it needs (its parameter kind, or
// else the static kind) and none is an error: then every earlier candidate cannot match, so
// Dispatch would pick the hint too. Otherwise Dispatch decides.
class CallTarget {
 public:
  static constexpr uint8_t kAnyKind = 0xff;

  CallTarget(std::string name, std::vector<const Overload*> cands,
             const std::vector<std::optional<ValueKind>>& static_kinds)
      : name_(std::move(name)), cands_(std::move(cands)) {
    for (const Overload* o : cands_) {
      bool compatible = true;
      for (size_t i = 0; i < o->params.size() && compatible; ++i) {
        const Param& p = o->params[i];
        compatible = p.tag == Param::kAny || !static_kinds[i] || *static_kinds[i] == p.kind;
      }
      if (!compatible) continue;
      hint_ = o;
      for (size_t i = 0; i < o->params.size(); ++i) {
        const Param& p = o->params[i];
        if (p.tag == Param::kKind) {
          need_.push_back(static_cast<uint8_t>(p.kind));
        } else {
          need_.push_back(static_kinds[i] ? static_cast<uint8_t>(*static_kinds[i]) : kAnyKind);
        }
      }
      break;
    }
  }

  const std::vector<const Overload*>& candidates() const { return cands_; }

  Value Invoke(const Value* args, size_t n, EvalContext& ctx) const {
    if (hint_ != nullptr && HintApplies(args, n)) return hint_->fn(args, n, ctx);
    return Dispatch(name_, cands_, args, n, ctx);
  }

 private:
  bool HintApplies(const Value* args, size_t n) const {
    for (size_t i = 0; i < n; ++i) {
      ValueKind k = args[i].kind();
      if (k == ValueKind::kError) return false;
      if (need_[i] != kAnyKind && static_cast<uint8_t>(k) != need_[i]) return false;
      if (!hint_->params[i].Matches(args[i])) return false;
    }
    return true;
  }

  std::string name_;
  std::vector<const Overload*> cands_;
  const Overload* hint_ = nullptr;
  std::vector<uint8_t> need_;
};

// A call with N arguments (N known at plan time, so the argument values live on the stack).
template <size_t N>
class FixedCallNode : public Node {
 public:
  FixedCallNode(CallTarget target, std::vector<NodePtr> args)
      : target_(std::move(target)) {
    for (size_t i = 0; i < N; ++i) args_[i] = std::move(args[i]);
  }
  Value Eval(Frame& f) const override {
    Value vals[N];
    for (size_t i = 0; i < N; ++i) vals[i] = args_[i]->Eval(f);
    return target_.Invoke(vals, N, f.ctx);
  }

 private:
  CallTarget target_;
  NodePtr args_[N];
};

class CallNode : public Node {
 public:
  CallNode(CallTarget target, std::vector<NodePtr> args)
      : target_(std::move(target)), args_(std::move(args)) {}
  Value Eval(Frame& f) const override {
    std::vector<Value> vals;
    vals.reserve(args_.size());
    for (const auto& a : args_) vals.push_back(a->Eval(f));
    return target_.Invoke(vals.data(), vals.size(), f.ctx);
  }

 private:
  CallTarget target_;
  std::vector<NodePtr> args_;
};

// x.or(y) / x.orValue(y): y is evaluated only when x is an empty optional.
class OptionalOrNode : public Node {
 public:
  OptionalOrNode(NodePtr target, NodePtr alt, bool or_value)
      : target_(std::move(target)), alt_(std::move(alt)), or_value_(or_value) {}
  Value Eval(Frame& f) const override {
    Value t = target_->Eval(f);
    if (t.is_error()) return t;
    const char* name = or_value_ ? "orValue" : "or";
    if (t.kind() != ValueKind::kOptional) {
      Value a = alt_->Eval(f);
      Value args[2] = {t, a};
      return NoMatchingOverload(name, args, 2);
    }
    if (t.optional_has_value()) return or_value_ ? t.optional_value() : t;
    Value a = alt_->Eval(f);
    if (a.is_error()) return a;
    if (!or_value_ && a.kind() != ValueKind::kOptional) {
      Value args[2] = {t, a};
      return NoMatchingOverload(name, args, 2);
    }
    return a;
  }

 private:
  NodePtr target_, alt_;
  bool or_value_;
};

class ListNode : public Node {
 public:
  ListNode(std::vector<NodePtr> elems, std::vector<bool> optional)
      : elems_(std::move(elems)), optional_(std::move(optional)) {}
  Value Eval(Frame& f) const override {
    std::vector<Value> out;
    out.reserve(elems_.size());
    for (size_t i = 0; i < elems_.size(); ++i) {
      Value v = elems_[i]->Eval(f);
      if (v.is_error()) return v;
      if (optional_[i]) {
        if (v.kind() != ValueKind::kOptional) {
          return NoMatchingOverload("optional list element", &v, 1);
        }
        if (v.optional_has_value()) out.push_back(v.optional_value());
        continue;
      }
      out.push_back(std::move(v));
    }
    return Value::List(std::move(out));
  }

 private:
  std::vector<NodePtr> elems_;
  std::vector<bool> optional_;
};

class MapNode : public Node {
 public:
  struct E {
    NodePtr key, value;
    bool optional;
  };
  explicit MapNode(std::vector<E> entries) : entries_(std::move(entries)) {}
  Value Eval(Frame& f) const override {
    MapBuilder b;
    for (const auto& e : entries_) {
      Value k = e.key->Eval(f);
      if (k.is_error()) return k;
      Value v = e.value->Eval(f);
      if (v.is_error()) return v;
      if (e.optional) {
        if (v.kind() != ValueKind::kOptional) {
          return NoMatchingOverload("optional map entry", &v, 1);
        }
        if (!v.optional_has_value()) continue;
        v = v.optional_value();
      }
      if (!b.Add(std::move(k), std::move(v))) return b.error();
    }
    return b.Build();
  }

 private:
  std::vector<E> entries_;
};

class ErrorNode : public Node {
 public:
  explicit ErrorNode(Value err) : err_(std::move(err)) {}
  Value Eval(Frame&) const override { return err_; }

 private:
  Value err_;
};

// The step `accu + [e...]` of a comprehension (see Planner::PlanStep). When the accumulator is
// a list that only its local slot holds, the elements are appended in place instead of copying
// the list every iteration (which made map/filter quadratic); the step's result is stored back
// into that slot at once, so nothing observes the mutation. Otherwise it is the `_+_` call.
class AccuAppendNode : public Node {
 public:
  AccuAppendNode(int slot, std::vector<NodePtr> elems, CallTarget add)
      : slot_(slot), elems_(std::move(elems)), add_(std::move(add)) {}
  Value Eval(Frame& f) const override {
    // The elements first: they may read (and so share) the accumulator.
    Value one;
    std::vector<Value> many;
    if (elems_.size() == 1) {
      one = elems_[0]->Eval(f);
    } else {
      many.reserve(elems_.size());
      for (const auto& e : elems_) many.push_back(e->Eval(f));
    }
    Value& acc = f.locals[slot_];
    if (acc.is_error()) return acc;
    if (elems_.size() == 1 && one.is_error()) return one;
    for (const Value& v : many) {
      if (v.is_error()) return v;
    }
    if (ListRep* rep = ValueAccess::unique_list(acc)) {
      if (elems_.size() == 1) {
        rep->elems.push_back(std::move(one));
      } else {
        for (Value& v : many) rep->elems.push_back(std::move(v));
      }
      return acc;
    }
    if (elems_.size() == 1) many.push_back(std::move(one));
    Value args[2] = {acc, Value::List(std::move(many))};
    return add_.Invoke(args, 2, f.ctx);
  }

 private:
  int slot_;
  std::vector<NodePtr> elems_;
  CallTarget add_;
};

class ComprehensionNode : public Node {
 public:
  NodePtr range, init, cond, step, result;
  int iter1 = -1, iter2 = -1, accu = -1;

  Value Eval(Frame& f) const override {
    Value r = range->Eval(f);
    if (r.is_error()) return r;
    Value* L = f.locals;
    L[accu] = init->Eval(f);
    auto iterate = [&](const Value& a, const Value& b) -> int {  // 0 continue, 1 break, 2 error
      if (!f.ctx.Spend(1)) return 2;
      if (iter2 >= 0) {
        L[iter1] = a;
        L[iter2] = b;
      } else {
        L[iter1] = a;
      }
      Value c = cond->Eval(f);
      if (c.kind() == ValueKind::kBool && !c.bool_value()) return 1;
      L[accu] = step->Eval(f);
      return 0;
    };
    int st = 0;
    if (r.kind() == ValueKind::kList) {
      size_t n = r.list_size();
      for (size_t i = 0; i < n && st == 0; ++i) {
        if (iter2 >= 0) {
          st = iterate(Value::Int(static_cast<int64_t>(i)), r.list_at(i));
        } else {
          st = iterate(r.list_at(i), Value());
        }
      }
    } else if (r.kind() == ValueKind::kMap) {
      r.map_for_each([&](const Value& k, const Value& v) {
        st = iterate(k, v);
        return st == 0;
      });
    } else {
      return NoMatchingOverload("comprehension range", &r, 1);
    }
    if (st == 2) {
      return Value::Error(ErrorKind::kBudgetExceeded, "evaluation budget exceeded");
    }
    Value out = result->Eval(f);
    // Release references held by the locals.
    L[accu] = Value();
    if (iter1 >= 0) L[iter1] = Value();
    if (iter2 >= 0) L[iter2] = Value();
    return out;
  }
};

const std::unordered_set<std::string>& TypeIdentNames() {
  static const std::unordered_set<std::string> kNames = {
      "int",       "uint",        "double",
      "bool",      "string",      "bytes",
      "list",      "map",         "null_type",
      "type",      "optional_type", "google.protobuf.Timestamp",
      "google.protobuf.Duration", "kubernetes.Quantity", "kubernetes.URL",
      "kubernetes.Semver", "net.IP", "net.CIDR",
      "kro.run.Condition"};
  return kNames;
}

// Candidate qualified names for `name` in `container` (most specific first).
std::vector<std::string> Candidates(const std::string& container, std::string_view name) {
  std::vector<std::string> out;
  if (!name.empty() && name[0] == '.') {
    out.emplace_back(name.substr(1));
    return out;
  }
  std::string c = container;
  while (!c.empty()) {
    out.push_back(c + "." + std::string(name));
    size_t dot = c.rfind('.');
    if (dot == std::string::npos) {
      c.clear();
    } else {
      c.resize(dot);
    }
  }
  out.emplace_back(name);
  return out;
}

Value ConstantToValue(const Constant& c) {
  return std::visit(
      [](const auto& x) -> Value {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, NullValue>) {
          return Value();
        } else if constexpr (std::is_same_v<T, bool>) {
          return Value::Bool(x);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return Value::Int(x);
        } else if constexpr (std::is_same_v<T, uint64_t>) {
          return Value::Uint(x);
        } else if constexpr (std::is_same_v<T, double>) {
          return Value::Double(x);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return Value::String(x);
        } else {
          return Value::Bytes(x.data);
        }
      },
      c);
}

class Planner {
 public:
  Planner(const PlanOptions& opts, const Registry& reg, std::unique_ptr<RegexCache>* regexes)
      : opts_(opts), reg_(reg), regexes_(regexes) {
    for (size_t i = 0; i < opts.variables.size(); ++i) {
      vars_.emplace(opts.variables[i], static_cast<int>(i));
    }
  }

  int num_locals() const { return next_local_; }

  Result<NodePtr> PlanExpr(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kConstant: return NodePtr(new ConstNode(ConstantToValue(e.constant)));
      case ExprKind::kIdent: return PlanIdent(e);
      case ExprKind::kSelect: return PlanSelect(e);
      case ExprKind::kCall: return PlanCall(e);
      case ExprKind::kList: {
        std::vector<NodePtr> elems;
        std::vector<bool> opt(e.args.size(), false);
        for (int32_t i : e.optional_indices) {
          if (i >= 0 && static_cast<size_t>(i) < opt.size()) opt[i] = true;
        }
        bool all_const = e.optional_indices.empty();
        for (const auto& a : e.args) {
          KRO_ASSIGN_OR_RETURN(NodePtr n, PlanExpr(*a));
          if (n->constant() == nullptr || n->constant()->is_error()) all_const = false;
          elems.push_back(std::move(n));
        }
        if (all_const) {
          std::vector<Value> vals;
          for (const auto& n : elems) vals.push_back(*n->constant());
          return NodePtr(new ConstNode(Value::List(std::move(vals))));
        }
        return NodePtr(new ListNode(std::move(elems), std::move(opt)));
      }
      case ExprKind::kMap: {
        std::vector<MapNode::E> entries;
        for (const auto& en : e.entries) {
          if (!en.key || !en.value) return InvalidArgument("malformed map entry");
          KRO_ASSIGN_OR_RETURN(NodePtr k, PlanExpr(*en.key));
          KRO_ASSIGN_OR_RETURN(NodePtr v, PlanExpr(*en.value));
          entries.push_back({std::move(k), std::move(v), en.optional});
        }
        return NodePtr(new MapNode(std::move(entries)));
      }
      case ExprKind::kStruct:
        return Unimplemented("message construction is not supported: " + e.name);
      case ExprKind::kComprehension: return PlanComprehension(e);
    }
    return Internal("unknown expression kind");
  }

 private:
  int LookupLocal(std::string_view name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return -1;
  }

  // Resolves a (possibly qualified) name to a variable or type; null when unknown.
  NodePtr ResolveName(std::string_view name) {
    for (const auto& c : Candidates(opts_.container, name)) {
      auto it = vars_.find(c);
      if (it != vars_.end()) return NodePtr(new GlobalNode(it->second, c));
    }
    for (const auto& c : Candidates(opts_.container, name)) {
      if (TypeIdentNames().count(c)) return NodePtr(new ConstNode(Value::Type(c)));
    }
    return nullptr;
  }

  Result<NodePtr> PlanIdent(const Expr& e) {
    int local = LookupLocal(e.name);
    if (local >= 0) return NodePtr(new LocalNode(local));
    if (NodePtr n = ResolveName(e.name)) return n;
    return NodePtr(new ErrorNode(Value::Error(ErrorKind::kNoSuchAttribute,
                                              "undeclared reference to '" + e.name + "'")));
  }

  // For a.b.c (plain selects over an identifier) returns {"a", "b", "c"}; empty otherwise.
  static std::vector<std::string> QualifiedChain(const Expr& e) {
    std::vector<std::string> rev;
    const Expr* cur = &e;
    while (cur->kind == ExprKind::kSelect && !cur->test_only && cur->operand) {
      rev.push_back(cur->name);
      cur = cur->operand.get();
    }
    if (cur->kind != ExprKind::kIdent) return {};
    rev.push_back(cur->name);
    return std::vector<std::string>(rev.rbegin(), rev.rend());
  }

  Result<NodePtr> PlanSelect(const Expr& e) {
    if (!e.operand) return InvalidArgument("select without operand");
    if (!e.test_only) {
      std::vector<std::string> chain = QualifiedChain(e);
      if (!chain.empty() && LookupLocal(chain[0]) < 0) {
        // Longest qualified prefix that names a variable or type wins.
        for (size_t len = chain.size(); len >= 2; --len) {
          std::string q = chain[0];
          for (size_t i = 1; i < len; ++i) q += "." + chain[i];
          if (NodePtr n = ResolveName(q)) {
            for (size_t i = len; i < chain.size(); ++i) {
              n = MakeSelect(std::move(n), chain[i], false);
            }
            return n;
          }
        }
      }
    }
    KRO_ASSIGN_OR_RETURN(NodePtr operand, PlanExpr(*e.operand));
    return MakeSelect(std::move(operand), e.name, e.test_only);
  }

  // operand.field: extends a select path instead of nesting one node per field.
  static NodePtr MakeSelect(NodePtr operand, const std::string& field, bool test_only) {
    if (auto* path = dynamic_cast<SelectPathNode*>(operand.get())) {
      if (path->Extend(field, test_only)) return operand;
    }
    return NodePtr(new SelectPathNode(std::move(operand), {field}, test_only));
  }

  // The static kind of each argument of call `e` (receiver first when `with_target`).
  std::vector<std::optional<ValueKind>> ArgKinds(const Expr& e, bool with_target) const {
    std::vector<std::optional<ValueKind>> kinds;
    auto add = [&](const Expr& a) {
      kinds.push_back(opts_.static_kind ? opts_.static_kind(a.id) : std::nullopt);
    };
    if (with_target && e.operand) add(*e.operand);
    for (const auto& a : e.args) add(*a);
    return kinds;
  }

  // Qualified function name for receiver-style calls on a namespace (base64.encode(x)).
  std::optional<std::string> NamespacedFunction(const Expr& e) {
    if (!e.operand) return std::nullopt;
    std::vector<std::string> chain = QualifiedChain(*e.operand);
    if (chain.empty() || LookupLocal(chain[0]) >= 0) return std::nullopt;
    std::string q = chain[0];
    for (size_t i = 1; i < chain.size(); ++i) q += "." + chain[i];
    q += "." + e.name;
    for (const auto& c : Candidates(opts_.container, q)) {
      if (reg_.Find(c) != nullptr) return c;
    }
    return std::nullopt;
  }

  Result<std::vector<NodePtr>> PlanArgs(const Expr& e, bool with_target) {
    std::vector<NodePtr> args;
    if (with_target && e.operand) {
      KRO_ASSIGN_OR_RETURN(NodePtr t, PlanExpr(*e.operand));
      args.push_back(std::move(t));
    }
    for (const auto& a : e.args) {
      KRO_ASSIGN_OR_RETURN(NodePtr n, PlanExpr(*a));
      args.push_back(std::move(n));
    }
    return args;
  }

  Result<NodePtr> PlanCall(const Expr& e) {
    const std::string& fn = e.name;
    if (!e.operand) {
      if (fn == op::kLogicalAnd || fn == op::kLogicalOr) {
        KRO_ASSIGN_OR_RETURN(auto args, PlanArgs(e, false));
        return NodePtr(new AndOrNode(std::move(args), fn == op::kLogicalAnd));
      }
      if (fn == op::kConditional && e.args.size() == 3) {
        KRO_ASSIGN_OR_RETURN(auto args, PlanArgs(e, false));
        return NodePtr(new TernaryNode(std::move(args[0]), std::move(args[1]),
                                       std::move(args[2])));
      }
      if (fn == op::kNotStrictlyFalse && e.args.size() == 1) {
        KRO_ASSIGN_OR_RETURN(auto args, PlanArgs(e, false));
        return NodePtr(new NotStrictlyFalseNode(std::move(args[0])));
      }
      if (fn == op::kOptSelect && e.args.size() == 2 &&
          e.args[1]->kind == ExprKind::kConstant &&
          std::holds_alternative<std::string>(e.args[1]->constant)) {
        KRO_ASSIGN_OR_RETURN(NodePtr operand, PlanExpr(*e.args[0]));
        return NodePtr(
            new OptSelectNode(std::move(operand), std::get<std::string>(e.args[1]->constant)));
      }
      if ((fn == op::kIndex || fn == op::kOptIndex) && e.args.size() == 2) {
        KRO_ASSIGN_OR_RETURN(auto args, PlanArgs(e, false));
        return NodePtr(
            new IndexNode(std::move(args[0]), std::move(args[1]), fn == op::kOptIndex));
      }
    } else {
      if ((fn == "or" || fn == "orValue") && e.args.size() == 1) {
        if (!NamespacedFunction(e)) {
          KRO_ASSIGN_OR_RETURN(auto args, PlanArgs(e, true));
          return NodePtr(
              new OptionalOrNode(std::move(args[0]), std::move(args[1]), fn == "orValue"));
        }
      }
      if (auto q = NamespacedFunction(e)) {
        KRO_ASSIGN_OR_RETURN(auto args, PlanArgs(e, false));
        return MakeCall(*q, false, std::move(args), ArgKinds(e, false));
      }
    }
    KRO_ASSIGN_OR_RETURN(auto args, PlanArgs(e, true));
    if (!e.operand) {
      for (const auto& c : Candidates(opts_.container, fn)) {
        if (reg_.Find(c) != nullptr) return MakeCall(c, false, std::move(args), ArgKinds(e, true));
      }
    }
    return MakeCall(fn, e.operand != nullptr, std::move(args), ArgKinds(e, true));
  }

  // The call target for `name` with `nargs` arguments; nullopt when no overload fits.
  std::optional<CallTarget> MakeTarget(const std::string& name, bool member, size_t nargs,
                                       const std::vector<std::optional<ValueKind>>& kinds) {
    std::vector<const Overload*> cands;
    if (const auto* all = reg_.Find(name)) {
      for (const auto& o : *all) {
        if (o.member == member && o.params.size() == nargs) cands.push_back(&o);
      }
    }
    if (cands.empty()) return std::nullopt;
    return CallTarget(name, std::move(cands), kinds);
  }

  Result<NodePtr> MakeCall(const std::string& name, bool member, std::vector<NodePtr> args,
                           const std::vector<std::optional<ValueKind>>& kinds) {
    std::optional<CallTarget> target = MakeTarget(name, member, args.size(), kinds);
    if (!target) {
      return NodePtr(new ErrorNode(Value::Error(
          ErrorKind::kNoMatchingOverload,
          "found no matching overload for '" + name + "' with " + std::to_string(args.size()) +
              " argument(s)")));
    }
    PreparePatterns(*target, args);
    switch (args.size()) {
      case 1: return NodePtr(new FixedCallNode<1>(std::move(*target), std::move(args)));
      case 2: return NodePtr(new FixedCallNode<2>(std::move(*target), std::move(args)));
      case 3: return NodePtr(new FixedCallNode<3>(std::move(*target), std::move(args)));
      default: return NodePtr(new CallNode(std::move(*target), std::move(args)));
    }
  }

  // A call that may run a regex function gets the Program's RegexCache; a constant pattern is
  // compiled now.
  void PreparePatterns(const CallTarget& target, const std::vector<NodePtr>& args) {
    for (const Overload* o : target.candidates()) {
      if (o->pattern_arg < 0 || static_cast<size_t>(o->pattern_arg) >= args.size()) continue;
      if (*regexes_ == nullptr) *regexes_ = std::make_unique<RegexCache>();
      const Value* c = args[static_cast<size_t>(o->pattern_arg)]->constant();
      if (c != nullptr && c->is(ValueKind::kString)) (*regexes_)->Pin(c->str());
    }
  }

  // The step of a comprehension whose accumulator is local `accu`. `accu + [e...]`, also as a
  // branch of a conditional (how map, filter and transformList expand), appends in place.
  Result<NodePtr> PlanStep(const Expr& step, int accu) {
    if (step.kind == ExprKind::kCall && !step.operand && step.name == op::kConditional &&
        step.args.size() == 3) {
      KRO_ASSIGN_OR_RETURN(NodePtr c, PlanExpr(*step.args[0]));
      KRO_ASSIGN_OR_RETURN(NodePtr t, PlanStep(*step.args[1], accu));
      KRO_ASSIGN_OR_RETURN(NodePtr e, PlanStep(*step.args[2], accu));
      return NodePtr(new TernaryNode(std::move(c), std::move(t), std::move(e)));
    }
    if (step.kind == ExprKind::kCall && !step.operand && step.name == op::kAdd &&
        step.args.size() == 2 && step.args[0]->kind == ExprKind::kIdent &&
        LookupLocal(step.args[0]->name) == accu && step.args[1]->kind == ExprKind::kList &&
        step.args[1]->optional_indices.empty()) {
      std::optional<CallTarget> add = MakeTarget(op::kAdd, false, 2, ArgKinds(step, false));
      if (add) {
        std::vector<NodePtr> elems;
        for (const auto& a : step.args[1]->args) {
          KRO_ASSIGN_OR_RETURN(NodePtr n, PlanExpr(*a));
          elems.push_back(std::move(n));
        }
        return NodePtr(new AccuAppendNode(accu, std::move(elems), std::move(*add)));
      }
    }
    return PlanExpr(step);
  }

  Result<NodePtr> PlanComprehension(const Expr& e) {
    if (!e.iter_range || !e.accu_init || !e.loop_condition || !e.loop_step || !e.result) {
      return InvalidArgument("malformed comprehension");
    }
    auto node = std::make_unique<ComprehensionNode>();
    KRO_ASSIGN_OR_RETURN(node->range, PlanExpr(*e.iter_range));
    KRO_ASSIGN_OR_RETURN(node->init, PlanExpr(*e.accu_init));
    node->accu = next_local_++;
    scopes_.emplace_back(e.accu_var, node->accu);
    node->iter1 = next_local_++;
    scopes_.emplace_back(e.iter_var, node->iter1);
    if (!e.iter_var2.empty()) {
      node->iter2 = next_local_++;
      scopes_.emplace_back(e.iter_var2, node->iter2);
    }
    KRO_ASSIGN_OR_RETURN(node->cond, PlanExpr(*e.loop_condition));
    KRO_ASSIGN_OR_RETURN(node->step, PlanStep(*e.loop_step, node->accu));
    scopes_.pop_back();
    if (!e.iter_var2.empty()) scopes_.pop_back();
    // The result sees the accumulator but not the iteration variables.
    KRO_ASSIGN_OR_RETURN(node->result, PlanExpr(*e.result));
    scopes_.pop_back();
    return NodePtr(node.release());
  }

  const PlanOptions& opts_;
  const Registry& reg_;
  std::unique_ptr<RegexCache>* regexes_;
  std::unordered_map<std::string, int> vars_;
  std::vector<std::pair<std::string, int>> scopes_;
  int next_local_ = 0;
};

}  // namespace

Program::Program() = default;
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;
Program::~Program() = default;

int Program::SlotOf(std::string_view name) const {
  for (size_t i = 0; i < variables_.size(); ++i) {
    if (variables_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Value Program::Evaluate(const Activation& act) const { return Evaluate(act, max_iterations_); }

Value Program::Evaluate(const Activation& act, int64_t budget) const {
  Frame f;
  f.act = &act;
  f.ctx.budget = budget;
  f.ctx.regexes = regexes_.get();
  if (num_locals_ == 0) {
    f.locals = nullptr;
    return root_->Eval(f);
  }
  constexpr int kInlineLocals = 8;
  if (num_locals_ <= kInlineLocals) {
    Value locals[kInlineLocals];
    f.locals = locals;
    return root_->Eval(f);
  }
  std::vector<Value> locals(num_locals_);
  f.locals = locals.data();
  return root_->Eval(f);
}

Result<Program> Plan(const Expr& expr, const PlanOptions& options) {
  Program p;
  p.registry_ = options.registry ? options.registry : DefaultRegistry();
  p.variables_ = options.variables;
  p.max_iterations_ = options.max_iterations;
  Planner planner(options, *p.registry_, &p.regexes_);
  KRO_ASSIGN_OR_RETURN(p.root_, planner.PlanExpr(expr));
  p.num_locals_ = planner.num_locals();
  return p;
}

Activation::Activation(const Program& program)
    : program_(&program), values_(program.num_slots()), bound_(program.num_slots(), 0) {}

Status Activation::Bind(std::string_view name, Value value) {
  int slot = program_->SlotOf(name);
  if (slot < 0) return NotFound("variable not declared: " + std::string(name));
  BindSlot(slot, std::move(value));
  return Status::Ok();
}

void Activation::BindSlot(int slot, Value value) {
  values_[slot] = std::move(value);
  bound_[slot] = 1;
}

}  // namespace kro::cel
