// cel-go ext.Math: greatest/least, rounding, abs/sign, classification, bit operations, sqrt.
#include <cmath>
#include <string>

#include "kro/cel/lib/internal/fn.h"
#include "kro/cel/lib/library.h"

namespace kro::cel {
namespace {

using internal::Any;
using internal::Err;
using internal::K;
using internal::P;

bool IsNum(const Value& v) {
  return v.kind() == K::kInt || v.kind() == K::kUint || v.kind() == K::kDouble;
}

Value Extreme(const Value* args, size_t n, bool greatest, const char* name) {
  const Value* vals = args;
  std::vector<Value> storage;
  if (n == 1 && args[0].kind() == K::kList) {
    for (size_t i = 0; i < args[0].list_size(); ++i) storage.push_back(args[0].list_at(i));
    vals = storage.data();
    n = storage.size();
    if (n == 0) return Err(std::string(name) + "(list) argument must not be empty");
  }
  const Value* best = nullptr;
  for (size_t i = 0; i < n; ++i) {
    if (!IsNum(vals[i])) return NoMatchingOverload(name, &vals[i], 1);
    if (best == nullptr) {
      best = &vals[i];
      continue;
    }
    if (vals[i].kind() == K::kDouble && std::isnan(vals[i].double_value())) {
      best = &vals[i];
      continue;
    }
    if (best->kind() == K::kDouble && std::isnan(best->double_value())) continue;
    bool comparable;
    auto c = Compare(vals[i], *best, &comparable);
    if (c && ((greatest && *c > 0) || (!greatest && *c < 0))) best = &vals[i];
  }
  return *best;
}

template <bool kGreatest>
Value ExtremeFn(const Value* a, size_t n, EvalContext&) {
  return Extreme(a, n, kGreatest, kGreatest ? "math.greatest" : "math.least");
}

Value ShiftError(int64_t s) {
  return Err("math.bitShift() negative offset: " + std::to_string(s));
}

}  // namespace

void AddMathLibrary(Registry& r) {
  for (size_t arity = 1; arity <= 12; ++arity) {
    std::vector<Param> params(arity, Any());
    r.AddGlobal("math.greatest", params, &ExtremeFn<true>);
    r.AddGlobal("math.least", params, &ExtremeFn<false>);
  }
  r.AddGlobal("math.ceil", {P(K::kDouble)},
              KRO_CEL_FN { return Value::Double(std::ceil(a[0].double_value())); });
  r.AddGlobal("math.floor", {P(K::kDouble)},
              KRO_CEL_FN { return Value::Double(std::floor(a[0].double_value())); });
  r.AddGlobal("math.round", {P(K::kDouble)},
              KRO_CEL_FN { return Value::Double(std::round(a[0].double_value())); });
  r.AddGlobal("math.trunc", {P(K::kDouble)},
              KRO_CEL_FN { return Value::Double(std::trunc(a[0].double_value())); });
  r.AddGlobal("math.abs", {P(K::kInt)}, KRO_CEL_FN {
    if (a[0].int_value() == INT64_MIN) return ErrorOverflow("integer");
    return Value::Int(a[0].int_value() < 0 ? -a[0].int_value() : a[0].int_value());
  });
  r.AddGlobal("math.abs", {P(K::kUint)}, KRO_CEL_FN { return a[0]; });
  r.AddGlobal("math.abs", {P(K::kDouble)},
              KRO_CEL_FN { return Value::Double(std::fabs(a[0].double_value())); });
  r.AddGlobal("math.sign", {P(K::kInt)}, KRO_CEL_FN {
    int64_t i = a[0].int_value();
    return Value::Int(i > 0 ? 1 : (i < 0 ? -1 : 0));
  });
  r.AddGlobal("math.sign", {P(K::kUint)},
              KRO_CEL_FN { return Value::Uint(a[0].uint_value() > 0 ? 1 : 0); });
  r.AddGlobal("math.sign", {P(K::kDouble)}, KRO_CEL_FN {
    double d = a[0].double_value();
    if (std::isnan(d)) return a[0];
    return Value::Double(d > 0 ? 1.0 : (d < 0 ? -1.0 : 0.0));
  });
  r.AddGlobal("math.isNaN", {P(K::kDouble)},
              KRO_CEL_FN { return Value::Bool(std::isnan(a[0].double_value())); });
  r.AddGlobal("math.isInf", {P(K::kDouble)},
              KRO_CEL_FN { return Value::Bool(std::isinf(a[0].double_value())); });
  r.AddGlobal("math.isFinite", {P(K::kDouble)},
              KRO_CEL_FN { return Value::Bool(std::isfinite(a[0].double_value())); });
  r.AddGlobal("math.sqrt", {P(K::kDouble)},
              KRO_CEL_FN { return Value::Double(std::sqrt(a[0].double_value())); });
  r.AddGlobal("math.sqrt", {P(K::kInt)}, KRO_CEL_FN {
    return Value::Double(std::sqrt(static_cast<double>(a[0].int_value())));
  });
  r.AddGlobal("math.sqrt", {P(K::kUint)}, KRO_CEL_FN {
    return Value::Double(std::sqrt(static_cast<double>(a[0].uint_value())));
  });
  r.AddGlobal("math.bitAnd", {P(K::kInt), P(K::kInt)},
              KRO_CEL_FN { return Value::Int(a[0].int_value() & a[1].int_value()); });
  r.AddGlobal("math.bitAnd", {P(K::kUint), P(K::kUint)},
              KRO_CEL_FN { return Value::Uint(a[0].uint_value() & a[1].uint_value()); });
  r.AddGlobal("math.bitOr", {P(K::kInt), P(K::kInt)},
              KRO_CEL_FN { return Value::Int(a[0].int_value() | a[1].int_value()); });
  r.AddGlobal("math.bitOr", {P(K::kUint), P(K::kUint)},
              KRO_CEL_FN { return Value::Uint(a[0].uint_value() | a[1].uint_value()); });
  r.AddGlobal("math.bitXor", {P(K::kInt), P(K::kInt)},
              KRO_CEL_FN { return Value::Int(a[0].int_value() ^ a[1].int_value()); });
  r.AddGlobal("math.bitXor", {P(K::kUint), P(K::kUint)},
              KRO_CEL_FN { return Value::Uint(a[0].uint_value() ^ a[1].uint_value()); });
  r.AddGlobal("math.bitNot", {P(K::kInt)}, KRO_CEL_FN { return Value::Int(~a[0].int_value()); });
  r.AddGlobal("math.bitNot", {P(K::kUint)}, KRO_CEL_FN { return Value::Uint(~a[0].uint_value()); });
  r.AddGlobal("math.bitShiftLeft", {P(K::kInt), P(K::kInt)}, KRO_CEL_FN {
    int64_t s = a[1].int_value();
    if (s < 0) return ShiftError(s);
    if (s > 63) return Value::Int(0);
    return Value::Int(static_cast<int64_t>(static_cast<uint64_t>(a[0].int_value()) << s));
  });
  r.AddGlobal("math.bitShiftLeft", {P(K::kUint), P(K::kInt)}, KRO_CEL_FN {
    int64_t s = a[1].int_value();
    if (s < 0) return ShiftError(s);
    if (s > 63) return Value::Uint(0);
    return Value::Uint(a[0].uint_value() << s);
  });
  r.AddGlobal("math.bitShiftRight", {P(K::kInt), P(K::kInt)}, KRO_CEL_FN {
    int64_t s = a[1].int_value();
    if (s < 0) return ShiftError(s);
    if (s > 63) return Value::Int(0);
    return Value::Int(static_cast<int64_t>(static_cast<uint64_t>(a[0].int_value()) >> s));
  });
  r.AddGlobal("math.bitShiftRight", {P(K::kUint), P(K::kInt)}, KRO_CEL_FN {
    int64_t s = a[1].int_value();
    if (s < 0) return ShiftError(s);
    if (s > 63) return Value::Uint(0);
    return Value::Uint(a[0].uint_value() >> s);
  });
}

}  // namespace kro::cel
