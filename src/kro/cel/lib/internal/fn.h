// Shorthands for writing library functions (private to kro/cel/lib).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "kro/cel/eval/registry.h"
#include "kro/cel/eval/value.h"

// A library function literal: a captureless lambda convertible to kro::cel::Function.
#define KRO_CEL_FN []([[maybe_unused]] const ::kro::cel::Value* a, size_t, ::kro::cel::EvalContext&) -> ::kro::cel::Value
#define KRO_CEL_FNN []([[maybe_unused]] const ::kro::cel::Value* a, [[maybe_unused]] size_t n, ::kro::cel::EvalContext&) -> ::kro::cel::Value
#define KRO_CEL_FNC \
  []([[maybe_unused]] const ::kro::cel::Value* a, size_t, ::kro::cel::EvalContext& ctx) -> ::kro::cel::Value

namespace kro::cel::internal {

using K = ValueKind;
inline Param P(K k) { return Param::Of(k); }
inline Param Any() { return Param::Any(); }
inline Param Opaque(std::string_view type) { return Param::OfOpaque(type); }
inline Value Err(std::string m) { return Value::Error(ErrorKind::kInvalidArgument, std::move(m)); }
inline Value Err(ErrorKind k, std::string m) { return Value::Error(k, std::move(m)); }
// Registers an overload whose argument `pattern_arg` is a regular expression: the function
// compiles it with CompileRegex(ctx.regexes, ...) (kro/cel/eval/regex_cache.h).
inline void AddWithPattern(Registry& r, std::string name, bool member, std::vector<Param> params,
                           Function fn, int pattern_arg) {
  Overload o;
  o.id = name;
  o.member = member;
  o.params = std::move(params);
  o.fn = fn;
  o.pattern_arg = pattern_arg;
  r.Add(std::move(name), std::move(o));
}
inline Value BudgetError() {
  return Value::Error(ErrorKind::kBudgetExceeded, "evaluation budget exceeded");
}

}  // namespace kro::cel::internal
