// libFuzzer target for the CEL parser: any input must produce an AST or an error, never a crash,
// and a successful parse must have unique ids below next_id.
//
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -Isrc \
//     src/kro/cel/parser/parser_fuzz.cc src/kro/cel/parser/*.cc src/kro/cel/parser/internal/*.cc \
//     src/kro/cel/common/*.cc src/kro/base/status.cc -o /tmp/parser_fuzz
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "kro/cel/parser/ast_printer.h"
#include "kro/cel/parser/parser.h"

namespace {

void CheckIds(const kro::cel::ParsedExpr& parsed) {
  std::unordered_set<int64_t> seen;
  std::vector<const kro::cel::Expr*> stack{parsed.expr.get()};
  auto add = [&](int64_t id) {
    if (id < 1 || id >= parsed.next_id || !seen.insert(id).second) std::abort();
  };
  while (!stack.empty()) {
    const kro::cel::Expr* e = stack.back();
    stack.pop_back();
    if (e == nullptr) std::abort();
    add(e->id);
    for (const kro::cel::Expr* c : {e->operand.get(), e->iter_range.get(), e->accu_init.get(),
                                    e->loop_condition.get(), e->loop_step.get(),
                                    e->result.get()}) {
      if (c) stack.push_back(c);
    }
    for (const auto& a : e->args) stack.push_back(a.get());
    for (const auto& en : e->entries) {
      add(en.id);
      if (en.key) stack.push_back(en.key.get());
      stack.push_back(en.value.get());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool macros : {true, false}) {
    kro::cel::ParseOptions options;
    options.enable_macros = macros;
    options.enable_optional_syntax = macros;
    kro::Result<kro::cel::ParsedExpr> r = kro::cel::Parse(text, options);
    if (r.ok()) {
      CheckIds(*r);
      (void)kro::cel::AstToString(*r->expr);
      (void)r->expr->Clone();
    } else if (r.status().message().empty()) {
      std::abort();
    }
  }
  return 0;
}
