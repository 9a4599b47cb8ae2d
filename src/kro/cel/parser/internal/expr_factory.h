// ExprFactory: allocates AST nodes with fresh ids for the parser and its macro expanders.
//
// Ids start at 1 and increase; each factory belongs to one parse. Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kro/cel/common/ast.h"

namespace kro::cel::internal {

class ExprFactory {
 public:
  // Reserves an id (for a node created later, so ids follow source order as in cel-go).
  int64_t NextId() { return next_id_++; }
  int64_t next_id() const { return next_id_; }

  // A node of `kind` at `offset`; id 0 means "allocate one now".
  ExprPtr New(ExprKind kind, int32_t offset, int64_t id = 0) {
    auto e = std::make_unique<Expr>();
    e->id = id != 0 ? id : NextId();
    e->offset = offset;
    e->kind = kind;
    return e;
  }
  ExprPtr Const(int32_t offset, Constant value, int64_t id = 0) {
    ExprPtr e = New(ExprKind::kConstant, offset, id);
    e->constant = std::move(value);
    return e;
  }
  ExprPtr Ident(int32_t offset, std::string name, int64_t id = 0) {
    ExprPtr e = New(ExprKind::kIdent, offset, id);
    e->name = std::move(name);
    return e;
  }
  ExprPtr Select(int32_t offset, ExprPtr operand, std::string field, bool test_only = false,
                 int64_t id = 0) {
    ExprPtr e = New(ExprKind::kSelect, offset, id);
    e->operand = std::move(operand);
    e->name = std::move(field);
    e->test_only = test_only;
    return e;
  }
  // A global call (operators included): Call(off, "_+_", a, b).
  template <typename... Args>
  ExprPtr Call(int32_t offset, std::string_view function, Args&&... args) {
    ExprPtr e = New(ExprKind::kCall, offset);
    e->name = std::string(function);
    e->args.reserve(sizeof...(args));
    (e->args.push_back(std::forward<Args>(args)), ...);
    return e;
  }
  template <typename... Args>
  ExprPtr MemberCall(int32_t offset, std::string_view function, ExprPtr target, Args&&... args) {
    ExprPtr e = Call(offset, function, std::forward<Args>(args)...);
    e->operand = std::move(target);
    return e;
  }
  template <typename... Args>
  ExprPtr List(int32_t offset, Args&&... elems) {
    ExprPtr e = New(ExprKind::kList, offset);
    (e->args.push_back(std::forward<Args>(elems)), ...);
    return e;
  }
  ExprPtr Comprehension(int32_t offset, ExprPtr range, std::string iter_var, std::string iter_var2,
                        std::string accu_var, ExprPtr init, ExprPtr cond, ExprPtr step,
                        ExprPtr result) {
    ExprPtr e = New(ExprKind::kComprehension, offset);
    e->iter_range = std::move(range);
    e->iter_var = std::move(iter_var);
    e->iter_var2 = std::move(iter_var2);
    e->accu_var = std::move(accu_var);
    e->accu_init = std::move(init);
    e->loop_condition = std::move(cond);
    e->loop_step = std::move(step);
    e->result = std::move(result);
    return e;
  }

 private:
  int64_t next_id_ = 1;
};

}  // namespace kro::cel::internal
