#include "kro/cel/checker/checker.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace kro::cel {

const Type* CheckResult::TypeOf(int64_t id) const {
  auto it = types.find(id);
  return it == types.end() ? nullptr : &it->second;
}

const Reference* CheckResult::ReferenceOf(int64_t id) const {
  auto it = references.find(id);
  return it == references.end() ? nullptr : &it->second;
}

std::string CheckResult::FormatIssues(const Source& source) const {
  constexpr size_t kMaxIssues = 100;
  std::vector<const CheckIssue*> sorted;
  sorted.reserve(issues.size());
  for (const auto& issue : issues) {
    sorted.push_back(&issue);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [&](const CheckIssue* a, const CheckIssue* b) {
    SourceLocation la = source.Location(a->offset);
    SourceLocation lb = source.Location(b->offset);
    return la.line < lb.line || (la.line == lb.line && la.column < lb.column);
  });
  std::string out;
  for (size_t i = 0; i < sorted.size() && i < kMaxIssues; ++i) {
    if (i > 0) {
      out += '\n';
    }
    out += source.FormatError(sorted[i]->offset, sorted[i]->message);
  }
  if (sorted.size() > kMaxIssues) {
    out += '\n';
    out += std::to_string(sorted.size() - kMaxIssues) + " more errors were truncated";
  }
  return out;
}

namespace {

struct Resolved {
  std::string name;
  Type type;
};

class Checker {
 public:
  explicit Checker(const CheckerEnv& env) : env_(env) {}

  CheckResult Run(const Expr& root) {
    Visit(root);
    for (auto& [id, type] : result_.types) {
      type = Substitute(mapping_, type, true);
    }
    result_.result_type = result_.types.count(root.id) ? result_.types[root.id] : Type::Error();
    return std::move(result_);
  }

 private:
  // ---- bookkeeping --------------------------------------------------------------------------

  void SetType(const Expr& e, Type t) { result_.types[e.id] = std::move(t); }
  Type GetType(const Expr& e) const {
    auto it = result_.types.find(e.id);
    return it == result_.types.end() ? Type::Error() : it->second;
  }
  void SetReference(const Expr& e, Reference r) { result_.references[e.id] = std::move(r); }
  void Error(int32_t offset, std::string message) {
    result_.issues.push_back({offset, std::move(message)});
  }

  Type NewTypeVar() { return Type::Param("_var" + std::to_string(free_type_var_counter_++)); }
  bool Assignable(const Type& t1, const Type& t2) { return IsAssignable(mapping_, t1, t2); }

  void TypeMismatch(int32_t offset, const Type& expected, const Type& actual) {
    Error(offset, "expected type '" + FormatCelType(expected) + "' but found '" +
                      FormatCelType(actual) + "'");
  }
  void UndeclaredReference(int32_t offset, const std::string& name) {
    Error(offset, "undeclared reference to '" + name + "' (in container '" + env_.container() +
                      "')");
  }

  // ---- scopes and name resolution -----------------------------------------------------------

  const Type* FindLocal(const std::string& name) const {
    for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
      for (auto it = scope->rbegin(); it != scope->rend(); ++it) {
        if (it->first == name) {
          return &it->second;
        }
      }
    }
    return nullptr;
  }

  std::optional<Type> FindGlobal(const std::string& candidate) const {
    if (const VariableDecl* v = env_.FindVariable(candidate)) {
      return v->type;
    }
    if (auto t = env_.provider().FindStructType(candidate)) {
      return Type::TypeOf(*t);
    }
    return std::nullopt;
  }

  std::optional<Resolved> ResolveSimpleIdent(const std::string& name) const {
    bool leading_dot = !name.empty() && name[0] == '.';
    const Type* local = FindLocal(name);
    if (local != nullptr && !leading_dot) {
      return Resolved{name, *local};
    }
    for (const auto& candidate : env_.CandidateNames(name)) {
      if (auto t = FindGlobal(candidate)) {
        return Resolved{local != nullptr ? "." + candidate : candidate, *t};
      }
    }
    return std::nullopt;
  }

  std::optional<Resolved> ResolveQualifiedIdent(const std::vector<std::string>& qualifiers) const {
    if (qualifiers.size() == 1) {
      return ResolveSimpleIdent(qualifiers[0]);
    }
    bool leading_dot = !qualifiers[0].empty() && qualifiers[0][0] == '.';
    const Type* local = FindLocal(qualifiers[0]);
    if (local != nullptr && !leading_dot) {
      return std::nullopt;  // a field selection on the local variable
    }
    std::string joined;
    for (const auto& q : qualifiers) {
      if (!joined.empty()) {
        joined += '.';
      }
      joined += q;
    }
    for (const auto& candidate : env_.CandidateNames(joined)) {
      if (auto t = FindGlobal(candidate)) {
        return Resolved{local != nullptr ? "." + candidate : candidate, *t};
      }
    }
    return std::nullopt;
  }

  const FunctionDecl* LookupFunction(const std::string& name) const {
    for (const auto& candidate : env_.CandidateNames(name)) {
      if (const FunctionDecl* fn = env_.FindFunction(candidate)) {
        return fn;
      }
    }
    return nullptr;
  }

  // "a.b.c" for an ident/select chain (no presence tests), else nullopt.
  static std::optional<std::string> ToQualifiedName(const Expr& e) {
    if (e.kind == ExprKind::kIdent) {
      return e.name;
    }
    if (e.kind == ExprKind::kSelect && !e.test_only && e.operand) {
      if (auto prefix = ToQualifiedName(*e.operand)) {
        return *prefix + "." + e.name;
      }
    }
    return std::nullopt;
  }

  // ---- the visitor --------------------------------------------------------------------------

  void Visit(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kConstant:
        CheckConstant(e);
        return;
      case ExprKind::kIdent:
        CheckIdent(e);
        return;
      case ExprKind::kSelect:
        CheckSelect(e);
        return;
      case ExprKind::kCall:
        CheckCall(e);
        return;
      case ExprKind::kList:
        CheckList(e);
        return;
      case ExprKind::kMap:
        CheckMap(e);
        return;
      case ExprKind::kStruct:
        CheckStruct(e);
        return;
      case ExprKind::kComprehension:
        CheckComprehension(e);
        return;
    }
  }

  void CheckConstant(const Expr& e) {
    static const Type* const kTypes[] = {
        new Type(Type::Null()),   new Type(Type::Bool()),   new Type(Type::Int()),
        new Type(Type::Uint()),   new Type(Type::Double()), new Type(Type::String()),
        new Type(Type::Bytes()),
    };
    SetType(e, *kTypes[e.constant.index()]);
  }

  void CheckIdent(const Expr& e) {
    if (auto r = ResolveSimpleIdent(e.name)) {
      SetType(e, r->type);
      SetReference(e, Reference{r->name, {}, false});
      return;
    }
    SetType(e, Type::Error());
    UndeclaredReference(e.offset, e.name);
  }

  void CheckSelect(const Expr& e) {
    // First try to interpret the whole chain as a qualified variable name.
    if (!e.test_only) {
      std::vector<std::string> qualifiers;
      const Expr* cur = &e;
      bool found = false;
      while (cur->kind == ExprKind::kSelect && !cur->test_only && cur->operand) {
        qualifiers.push_back(cur->name);
        cur = cur->operand.get();
        if (cur->kind == ExprKind::kIdent) {
          qualifiers.push_back(cur->name);
          found = true;
          break;
        }
      }
      if (found) {
        std::reverse(qualifiers.begin(), qualifiers.end());
        if (auto r = ResolveQualifiedIdent(qualifiers)) {
          SetType(e, r->type);
          SetReference(e, Reference{r->name, {}, false});
          return;
        }
      }
    }
    Type result = CheckSelectField(e, *e.operand, e.name, false);
    if (e.test_only) {
      result = Type::Bool();
    }
    SetType(e, Substitute(mapping_, result, false));
  }

  Type CheckSelectField(const Expr& e, const Expr& operand, const std::string& field,
                        bool optional) {
    Visit(operand);
    Type operand_type = Substitute(mapping_, GetType(operand), false);
    bool is_opt = operand_type.IsOptional();
    Type target = operand_type.UnwrapOptional();
    Type result = Type::Error();
    switch (target.kind()) {
      case TypeKind::kMap:
        result = target.params()[1];
        break;
      case TypeKind::kStruct:
        if (auto ft = LookupFieldType(e.offset, target.name(), field)) {
          result = *ft;
        }
        break;
      case TypeKind::kTypeParam:
        Assignable(Type::Dyn(), target);
        result = Type::Dyn();
        break;
      default:
        if (!target.IsDynOrError()) {
          Error(e.offset,
                "type '" + FormatCelType(target) + "' does not support field selection");
        }
        result = Type::Dyn();
        break;
    }
    if (is_opt || optional) {
      return Type::Optional(result);
    }
    return result;
  }

  std::optional<Type> LookupFieldType(int32_t offset, const std::string& struct_name,
                                      const std::string& field) {
    const TypeProvider& provider = env_.provider();
    if (!provider.FindStructType(struct_name)) {
      Error(offset, "unexpected failed resolution of '" + struct_name + "'");
      return std::nullopt;
    }
    if (auto ft = provider.FindFieldType(struct_name, field)) {
      return ft->type;
    }
    if (provider.PreservesUnknownFields(struct_name)) {
      return Type::Dyn();  // kro: x-kubernetes-preserve-unknown-fields
    }
    Error(offset, "undefined field '" + field + "'");
    return std::nullopt;
  }

  void CheckOptSelect(const Expr& e) {
    if (e.args.size() != 2 || e.operand) {
      std::string what = e.operand ? " member call with" : "";
      Error(e.offset, "unsupported optional field selection: incorrect signature." + what +
                          " argument count: " + std::to_string(e.args.size()));
      SetType(e, Type::Error());
      return;
    }
    const Expr& field = *e.args[1];
    if (field.kind != ExprKind::kConstant || !std::holds_alternative<std::string>(field.constant)) {
      Error(field.offset, "unsupported optional field selection: field is not a string literal");
      SetType(e, Type::Error());
      return;
    }
    Type result = CheckSelectField(e, *e.args[0], std::get<std::string>(field.constant), true);
    SetType(field, Type::String());
    SetType(e, Substitute(mapping_, result, false));
    SetReference(e, Reference{op::kOptSelect, {"select_optional_field"}, false});
  }

  void CheckCall(const Expr& e) {
    const std::string& fn_name = e.name;
    if (fn_name == op::kOptSelect) {
      CheckOptSelect(e);
      return;
    }
    for (const auto& arg : e.args) {
      Visit(*arg);
    }
    if (!e.operand) {
      const FunctionDecl* fn = LookupFunction(fn_name);
      if (fn == nullptr) {
        UndeclaredReference(e.offset, fn_name);
        SetType(e, Type::Error());
        return;
      }
      ResolveOverloadOrError(e, *fn, nullptr, false);
      return;
    }
    // a.b.f(x): either a namespaced function "a.b.f" or a member call of f on a.b.
    if (auto prefix = ToQualifiedName(*e.operand)) {
      if (const FunctionDecl* fn = LookupFunction(*prefix + "." + fn_name)) {
        ResolveOverloadOrError(e, *fn, nullptr, true);
        return;
      }
    }
    Visit(*e.operand);
    const FunctionDecl* fn = LookupFunction(fn_name);
    if (fn == nullptr) {
      SetType(e, Type::Error());
      UndeclaredReference(e.offset, fn_name);
      return;
    }
    ResolveOverloadOrError(e, *fn, e.operand.get(), false);
  }

  void ResolveOverloadOrError(const Expr& call, const FunctionDecl& fn, const Expr* target,
                              bool namespaced) {
    std::vector<Type> arg_types;
    if (target != nullptr) {
      arg_types.push_back(GetType(*target));
    }
    for (const auto& arg : call.args) {
      arg_types.push_back(GetType(*arg));
    }
    std::optional<Type> result_type;
    Reference ref{fn.name, {}, namespaced};
    for (const auto& overload : fn.overloads) {
      if ((target == nullptr) == overload.member) {
        continue;  // call style does not match
      }
      if (fn.name == op::kLogicalAnd || fn.name == op::kLogicalOr) {
        ref.overload_ids = {overload.id};
        bool ok = true;
        for (size_t i = 0; i < arg_types.size(); ++i) {
          if (!Assignable(arg_types[i], Type::Bool())) {
            TypeMismatch(call.args[i]->offset, Type::Bool(), arg_types[i]);
            ok = false;
          }
        }
        if (!ok) {
          SetType(call, Type::Error());
          return;
        }
        SetType(call, Type::Bool());
        SetReference(call, std::move(ref));
        return;
      }
      std::vector<Type> params = overload.params;
      Type result = overload.result;
      std::vector<std::string> type_params = overload.TypeParams();
      if (!type_params.empty()) {
        TypeMapping fresh;
        for (const auto& p : type_params) {
          fresh.Add(Type::Param(p), NewTypeVar());
        }
        for (auto& p : params) {
          p = Substitute(fresh, p, false);
        }
        result = Substitute(fresh, result, false);
      }
      if (!IsAssignableList(mapping_, arg_types, params)) {
        continue;
      }
      ref.overload_ids.push_back(overload.id);
      Type fn_result = Substitute(mapping_, result, false);
      if (!result_type) {
        result_type = fn_result;
      } else if (!result_type->IsDyn() && !(fn_result == *result_type)) {
        result_type = Type::Dyn();
      }
    }
    if (!result_type && target == nullptr && arg_types.size() >= 3 &&
        (fn.name == "math.greatest" || fn.name == "math.least")) {
      result_type = VariadicNumericResult(arg_types);
    }
    if (!result_type) {
      std::string sig;
      size_t start = 0;
      if (target != nullptr) {
        sig += FormatCelType(Substitute(mapping_, arg_types[0], true)) + ".";
        start = 1;
      }
      sig += "(";
      for (size_t i = start; i < arg_types.size(); ++i) {
        if (i > start) {
          sig += ", ";
        }
        sig += FormatCelType(Substitute(mapping_, arg_types[i], true));
      }
      sig += ")";
      Error(call.offset,
            "found no matching overload for '" + fn.name + "' applied to '" + sig + "'");
      SetType(call, Type::Error());
      return;
    }
    SetType(call, *result_type);
    SetReference(call, std::move(ref));
  }

  // math.greatest/math.least with 3+ arguments (cel-go's macro turns them into a list): every
  // argument must be numeric; the result is their common type, or dyn when they differ.
  std::optional<Type> VariadicNumericResult(const std::vector<Type>& arg_types) {
    std::optional<Type> common;
    for (const auto& arg : arg_types) {
      Type t = Substitute(mapping_, arg, false);
      bool numeric = t.kind() == TypeKind::kInt || t.kind() == TypeKind::kUint ||
                     t.kind() == TypeKind::kDouble;
      if (!numeric && !t.IsDynOrError()) {
        return std::nullopt;
      }
      common = !common || *common == t ? t : Type::Dyn();
    }
    return common;
  }

  Type JoinTypes(const Type* previous, const Type& current) {
    if (previous == nullptr) {
      return current;
    }
    if (Assignable(*previous, current)) {
      return MostGeneral(*previous, current);
    }
    return Type::Dyn();  // kro does not enable homogeneous aggregate literals
  }

  // For [?x] and {?k: v}: the optional's value type (with a mismatch error if not optional).
  Type UnwrapOptionalEntry(const Expr& value, const Type& type) {
    if (type.IsOptional()) {
      return type.params()[0];
    }
    if (!type.IsDyn()) {
      TypeMismatch(value.offset, Type::Optional(type), type);
    }
    return type;
  }

  void CheckList(const Expr& e) {
    std::optional<Type> elems;
    for (size_t i = 0; i < e.args.size(); ++i) {
      const Expr& elem = *e.args[i];
      Visit(elem);
      Type t = GetType(elem);
      if (std::find(e.optional_indices.begin(), e.optional_indices.end(),
                    static_cast<int32_t>(i)) != e.optional_indices.end()) {
        t = UnwrapOptionalEntry(elem, t);
      }
      elems = JoinTypes(elems ? &*elems : nullptr, t);
    }
    SetType(e, Type::List(elems ? *elems : NewTypeVar()));
  }

  void CheckMap(const Expr& e) {
    std::optional<Type> key_type;
    std::optional<Type> value_type;
    for (const auto& entry : e.entries) {
      Visit(*entry.key);
      key_type = JoinTypes(key_type ? &*key_type : nullptr, GetType(*entry.key));
      Visit(*entry.value);
      Type vt = GetType(*entry.value);
      if (entry.optional) {
        vt = UnwrapOptionalEntry(*entry.value, vt);
      }
      value_type = JoinTypes(value_type ? &*value_type : nullptr, vt);
    }
    if (!key_type) {
      key_type = NewTypeVar();
      value_type = NewTypeVar();
    }
    SetType(e, Type::Map(*key_type, *value_type));
  }

  std::optional<Resolved> ResolveTypeIdent(const std::string& name) const {
    for (const auto& candidate : env_.CandidateNames(name)) {
      if (auto t = env_.provider().FindStructType(candidate)) {
        return Resolved{candidate, Type::TypeOf(*t)};
      }
    }
    return std::nullopt;
  }

  void CheckStruct(const Expr& e) {
    auto ident = ResolveTypeIdent(e.name);
    if (!ident) {
      UndeclaredReference(e.offset, e.name);
      SetType(e, Type::Error());
      for (const auto& entry : e.entries) {
        Visit(*entry.value);
      }
      return;
    }
    SetReference(e, Reference{ident->name, {}, false});
    Type result = ident->type.params()[0];
    SetType(e, result);
    for (const auto& entry : e.entries) {
      Visit(*entry.value);
      Type field_type = Type::Error();
      if (auto ft = LookupFieldType(entry.offset, result.name(), entry.field)) {
        field_type = *ft;
      }
      Type vt = GetType(*entry.value);
      if (entry.optional) {
        vt = UnwrapOptionalEntry(*entry.value, vt);
      }
      if (!Assignable(field_type, vt)) {
        Error(entry.offset, "expected type of field '" + entry.field + "' is '" +
                                FormatCelType(field_type) + "' but provided type is '" +
                                FormatCelType(vt) + "'");
      }
    }
  }

  void CheckComprehension(const Expr& e) {
    Visit(*e.iter_range);
    Visit(*e.accu_init);
    Type range_type = Substitute(mapping_, GetType(*e.iter_range), false);
    Type accu_type = GetType(*e.accu_init);
    scopes_.push_back({{e.accu_var, accu_type}});

    bool two_vars = !e.iter_var2.empty();
    Type var_type = Type::Error();
    Type var2_type = Type::Error();
    switch (range_type.kind()) {
      case TypeKind::kList:
        var_type = range_type.params()[0];
        if (two_vars) {
          var2_type = var_type;
          var_type = Type::Int();
        }
        break;
      case TypeKind::kMap:
        var_type = range_type.params()[0];
        var2_type = range_type.params()[1];
        break;
      case TypeKind::kDyn:
      case TypeKind::kAny:
      case TypeKind::kError:
      case TypeKind::kTypeParam:
        Assignable(Type::Dyn(), range_type);
        var_type = Type::Dyn();
        var2_type = Type::Dyn();
        break;
      default:
        Error(e.iter_range->offset, "expression of type '" + FormatCelType(range_type) +
                                        "' cannot be range of a comprehension (must be list, "
                                        "map, or dynamic)");
        break;
    }
    std::vector<std::pair<std::string, Type>> loop_scope = {{e.iter_var, var_type}};
    if (two_vars) {
      loop_scope.emplace_back(e.iter_var2, var2_type);
    }
    scopes_.push_back(std::move(loop_scope));
    Visit(*e.loop_condition);
    AssertType(*e.loop_condition, Type::Bool());
    Visit(*e.loop_step);
    AssertType(*e.loop_step, accu_type);
    scopes_.pop_back();
    Visit(*e.result);
    scopes_.pop_back();
    SetType(e, Substitute(mapping_, GetType(*e.result), false));
  }

  void AssertType(const Expr& e, const Type& expected) {
    Type actual = GetType(e);
    if (!Assignable(expected, actual)) {
      TypeMismatch(e.offset, expected, actual);
    }
  }

  const CheckerEnv& env_;
  CheckResult result_;
  TypeMapping mapping_;
  int free_type_var_counter_ = 0;
  std::vector<std::vector<std::pair<std::string, Type>>> scopes_;
};

}  // namespace

CheckResult Check(const Expr& root, const CheckerEnv& env) { return Checker(env).Run(root); }

CheckResult Check(const ParsedExpr& parsed, const CheckerEnv& env) {
  return Check(*parsed.expr, env);
}

}  // namespace kro::cel
