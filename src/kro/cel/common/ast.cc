#include "kro/cel/common/ast.h"

namespace kro::cel {

ExprPtr Expr::Clone() const {
  auto c = std::make_unique<Expr>();
  c->id = id;
  c->offset = offset;
  c->kind = kind;
  c->constant = constant;
  c->name = name;
  c->operand = operand ? operand->Clone() : nullptr;
  c->test_only = test_only;
  c->args.reserve(args.size());
  for (const auto& a : args) c->args.push_back(a ? a->Clone() : nullptr);
  c->optional_indices = optional_indices;
  for (const auto& e : entries) {
    Entry n;
    n.id = e.id;
    n.offset = e.offset;
    n.field = e.field;
    n.key = e.key ? e.key->Clone() : nullptr;
    n.value = e.value ? e.value->Clone() : nullptr;
    n.optional = e.optional;
    c->entries.push_back(std::move(n));
  }
  c->iter_var = iter_var;
  c->iter_var2 = iter_var2;
  c->accu_var = accu_var;
  c->iter_range = iter_range ? iter_range->Clone() : nullptr;
  c->accu_init = accu_init ? accu_init->Clone() : nullptr;
  c->loop_condition = loop_condition ? loop_condition->Clone() : nullptr;
  c->loop_step = loop_step ? loop_step->Clone() : nullptr;
  c->result = result ? result->Clone() : nullptr;
  return c;
}

}  // namespace kro::cel
