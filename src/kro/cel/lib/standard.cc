// The CEL standard library (cel-spec "Standard Definitions", cel-go semantics).
#include <re2/re2.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>

#include "kro/cel/eval/regex_cache.h"
#include "kro/cel/eval/time.h"
#include "kro/cel/lib/internal/fn.h"
#include "kro/cel/lib/library.h"

namespace kro::cel {
namespace {

using K = ValueKind;
#define FN [](const Value* a, size_t, EvalContext&) -> Value  // NOLINT
#define FNC [](const Value* a, size_t, EvalContext& ctx) -> Value  // NOLINT

Param P(K k) { return Param::Of(k); }
Param Any() { return Param::Any(); }

Value Err(ErrorKind k, std::string m) { return Value::Error(k, std::move(m)); }

Value Bool(bool b) { return Value::Bool(b); }

Value CheckedTimestamp(Int128 n) {
  if (!ValidTimestamp(n)) return Err(ErrorKind::kOverflow, "timestamp out of range");
  return Value::Timestamp(n);
}
Value CheckedDuration(Int128 n) {
  if (!ValidDuration(n)) return Err(ErrorKind::kOverflow, "duration out of range");
  return Value::Duration(n);
}

// Go strconv.ParseInt(s, 10, 64) / ParseUint.
bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  size_t p = 0;
  if (s[0] == '+') p = 1;
  auto r = std::from_chars(s.data() + p, s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && p < s.size() &&
         !(p == 1 && s[1] == '-');
}
bool ParseUint64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  size_t p = 0;
  if (s[0] == '+') p = 1;
  if (p < s.size() && s[p] == '-') return false;
  auto r = std::from_chars(s.data() + p, s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && p < s.size();
}
bool ParseDouble(std::string_view s, double* out) {
  std::string t(s);
  std::string lower;
  for (char c : t) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view l = lower;
  bool neg = false;
  if (!l.empty() && (l[0] == '+' || l[0] == '-')) {
    neg = l[0] == '-';
    l.remove_prefix(1);
  }
  if (l == "inf" || l == "infinity") {
    *out = neg ? -INFINITY : INFINITY;
    return true;
  }
  if (l == "nan") {
    *out = NAN;
    return true;
  }
  if (t.empty() || std::isspace(static_cast<unsigned char>(t[0]))) return false;
  if (l.size() > 1 && l[0] == '0' && l[1] == 'x') return false;
  const char* b = t.c_str();
  char* e = nullptr;
  *out = std::strtod(b, &e);
  return e == b + t.size();
}

Value AddInt(int64_t x, int64_t y) {
  int64_t r;
  if (__builtin_add_overflow(x, y, &r)) return ErrorOverflow("integer");
  return Value::Int(r);
}
Value SubInt(int64_t x, int64_t y) {
  int64_t r;
  if (__builtin_sub_overflow(x, y, &r)) return ErrorOverflow("integer");
  return Value::Int(r);
}
Value MulInt(int64_t x, int64_t y) {
  int64_t r;
  if (__builtin_mul_overflow(x, y, &r)) return ErrorOverflow("integer");
  return Value::Int(r);
}

Value ConcatLists(const Value& x, const Value& y, EvalContext& ctx) {
  std::vector<Value> out;
  size_t n = x.list_size() + y.list_size();
  if (!ctx.Spend(static_cast<int64_t>(n / 16))) {
    return Err(ErrorKind::kBudgetExceeded, "evaluation budget exceeded");
  }
  out.reserve(n);
  for (size_t i = 0; i < x.list_size(); ++i) out.push_back(x.list_at(i));
  for (size_t i = 0; i < y.list_size(); ++i) out.push_back(y.list_at(i));
  return Value::List(std::move(out));
}

Value CompareOp(const Value& x, const Value& y, const char* name, bool (*pred)(int)) {
  bool comparable;
  auto c = Compare(x, y, &comparable);
  if (!comparable) {
    Value args[2] = {x, y};
    return NoMatchingOverload(name, args, 2);
  }
  if (!c) return Bool(false);  // NaN
  return Bool(pred(*c));
}

Value Matches(std::string_view s, std::string_view pattern, EvalContext& ctx) {
  std::shared_ptr<const RE2> re = CompileRegex(ctx.regexes, pattern);
  if (!re->ok()) {
    return Err(ErrorKind::kInvalidArgument, "invalid regular expression: " + re->error());
  }
  return Bool(RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re));
}

// Time accessors.
enum class Part { kYear, kMonth, kDate, kDayOfMonth, kDayOfWeek, kDayOfYear, kHours, kMinutes,
                  kSeconds, kMillis };

Value TimestampPart(const Value& ts, Part part, std::string_view tz) {
  Int128 n = ts.nanos();
  Int128 secs = n / kNanosPerSecond;
  Int128 frac = n % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    secs -= 1;
  }
  int64_t s = static_cast<int64_t>(secs);
  if (!tz.empty()) {
    auto off = ZoneOffset(tz, s);
    if (!off) return Err(ErrorKind::kInvalidArgument, "unknown time zone: " + std::string(tz));
    s += *off;
  }
  Civil c = CivilFromSeconds(s);
  switch (part) {
    case Part::kYear: return Value::Int(c.year);
    case Part::kMonth: return Value::Int(c.month - 1);
    case Part::kDate: return Value::Int(c.day);
    case Part::kDayOfMonth: return Value::Int(c.day - 1);
    case Part::kDayOfWeek: return Value::Int(c.day_of_week);
    case Part::kDayOfYear: return Value::Int(c.day_of_year);
    case Part::kHours: return Value::Int(c.hour);
    case Part::kMinutes: return Value::Int(c.minute);
    case Part::kSeconds: return Value::Int(c.second);
    case Part::kMillis: return Value::Int(static_cast<int64_t>(frac / 1000000));
  }
  return Value();
}

template <Part part>
void AddTimePart(Registry& r, const char* name) {
  r.AddMember(name, {P(K::kTimestamp)}, FN { return TimestampPart(a[0], part, ""); });
  r.AddMember(name, {P(K::kTimestamp), P(K::kString)},
              FN { return TimestampPart(a[0], part, a[1].str()); });
}

template <int64_t kDiv>
void AddDurationPart(Registry& r, const char* name) {
  r.AddMember(name, {P(K::kDuration)},
              FN { return Value::Int(static_cast<int64_t>(a[0].nanos() / kDiv)); });
}

Value SizeOf(const Value& v) {
  switch (v.kind()) {
    case K::kString: return Value::Int(static_cast<int64_t>(CodePointCount(v.str())));
    case K::kBytes: return Value::Int(static_cast<int64_t>(v.str().size()));
    case K::kList: return Value::Int(static_cast<int64_t>(v.list_size()));
    case K::kMap: return Value::Int(static_cast<int64_t>(v.map_size()));
    default: return NoMatchingOverload("size", &v, 1);
  }
}

Value InList(const Value& x, const Value& list) {
  size_t n = list.list_size();
  for (size_t i = 0; i < n; ++i) {
    if (Equal(x, list.list_at(i))) return Bool(true);
  }
  return Bool(false);
}

Value InMap(const Value& x, const Value& m) {
  switch (x.kind()) {
    case K::kBool:
    case K::kInt:
    case K::kUint:
    case K::kString:
    case K::kDouble: return Bool(m.map_find(x).has_value());
    default: return Bool(false);
  }
}

Value IntFromDouble(double d) {
  if (std::isnan(d) || std::isinf(d) || d <= -9223372036854775808.0 ||
      d >= 9223372036854775808.0) {
    return Err(ErrorKind::kOverflow, "range error converting double to int");
  }
  return Value::Int(static_cast<int64_t>(d));
}

Value UintFromDouble(double d) {
  if (std::isnan(d) || d < 0 || d >= 18446744073709551616.0) {
    return Err(ErrorKind::kOverflow, "range error converting double to uint");
  }
  return Value::Uint(static_cast<uint64_t>(d));
}

}  // namespace

void AddStandardLibrary(Registry& r) {
  // Arithmetic.
  r.AddGlobal("_+_", {P(K::kInt), P(K::kInt)}, FN { return AddInt(a[0].int_value(), a[1].int_value()); });
  r.AddGlobal("_+_", {P(K::kUint), P(K::kUint)}, FN {
    uint64_t v;
    if (__builtin_add_overflow(a[0].uint_value(), a[1].uint_value(), &v)) {
      return ErrorOverflow("unsigned integer");
    }
    return Value::Uint(v);
  });
  r.AddGlobal("_+_", {P(K::kDouble), P(K::kDouble)},
              FN { return Value::Double(a[0].double_value() + a[1].double_value()); });
  r.AddGlobal("_+_", {P(K::kString), P(K::kString)}, FNC {
    if (!ctx.Spend(static_cast<int64_t>((a[0].str().size() + a[1].str().size()) / 256))) {
      return Err(ErrorKind::kBudgetExceeded, "evaluation budget exceeded");
    }
    std::string s(a[0].str());
    s += a[1].str();
    return Value::String(std::move(s));
  });
  r.AddGlobal("_+_", {P(K::kBytes), P(K::kBytes)}, FN {
    std::string s(a[0].str());
    s += a[1].str();
    return Value::Bytes(std::move(s));
  });
  r.AddGlobal("_+_", {P(K::kList), P(K::kList)}, FNC { return ConcatLists(a[0], a[1], ctx); });
  r.AddGlobal("_+_", {P(K::kTimestamp), P(K::kDuration)},
              FN { return CheckedTimestamp(a[0].nanos() + a[1].nanos()); });
  r.AddGlobal("_+_", {P(K::kDuration), P(K::kTimestamp)},
              FN { return CheckedTimestamp(a[0].nanos() + a[1].nanos()); });
  r.AddGlobal("_+_", {P(K::kDuration), P(K::kDuration)},
              FN { return CheckedDuration(a[0].nanos() + a[1].nanos()); });

  r.AddGlobal("_-_", {P(K::kInt), P(K::kInt)}, FN { return SubInt(a[0].int_value(), a[1].int_value()); });
  r.AddGlobal("_-_", {P(K::kUint), P(K::kUint)}, FN {
    uint64_t v;
    if (__builtin_sub_overflow(a[0].uint_value(), a[1].uint_value(), &v)) {
      return ErrorOverflow("unsigned integer");
    }
    return Value::Uint(v);
  });
  r.AddGlobal("_-_", {P(K::kDouble), P(K::kDouble)},
              FN { return Value::Double(a[0].double_value() - a[1].double_value()); });
  r.AddGlobal("_-_", {P(K::kTimestamp), P(K::kTimestamp)},
              FN { return CheckedDuration(a[0].nanos() - a[1].nanos()); });
  r.AddGlobal("_-_", {P(K::kTimestamp), P(K::kDuration)},
              FN { return CheckedTimestamp(a[0].nanos() - a[1].nanos()); });
  r.AddGlobal("_-_", {P(K::kDuration), P(K::kDuration)},
              FN { return CheckedDuration(a[0].nanos() - a[1].nanos()); });

  r.AddGlobal("_*_", {P(K::kInt), P(K::kInt)}, FN { return MulInt(a[0].int_value(), a[1].int_value()); });
  r.AddGlobal("_*_", {P(K::kUint), P(K::kUint)}, FN {
    uint64_t v;
    if (__builtin_mul_overflow(a[0].uint_value(), a[1].uint_value(), &v)) {
      return ErrorOverflow("unsigned integer");
    }
    return Value::Uint(v);
  });
  r.AddGlobal("_*_", {P(K::kDouble), P(K::kDouble)},
              FN { return Value::Double(a[0].double_value() * a[1].double_value()); });

  r.AddGlobal("_/_", {P(K::kInt), P(K::kInt)}, FN {
    int64_t x = a[0].int_value(), y = a[1].int_value();
    if (y == 0) return Err(ErrorKind::kDivisionByZero, "division by zero");
    if (x == INT64_MIN && y == -1) return ErrorOverflow("integer");
    return Value::Int(x / y);
  });
  r.AddGlobal("_/_", {P(K::kUint), P(K::kUint)}, FN {
    if (a[1].uint_value() == 0) return Err(ErrorKind::kDivisionByZero, "division by zero");
    return Value::Uint(a[0].uint_value() / a[1].uint_value());
  });
  r.AddGlobal("_/_", {P(K::kDouble), P(K::kDouble)},
              FN { return Value::Double(a[0].double_value() / a[1].double_value()); });
  r.AddGlobal("_%_", {P(K::kInt), P(K::kInt)}, FN {
    int64_t x = a[0].int_value(), y = a[1].int_value();
    if (y == 0) return Err(ErrorKind::kDivisionByZero, "modulus by zero");
    if (x == INT64_MIN && y == -1) return ErrorOverflow("integer");
    return Value::Int(x % y);
  });
  r.AddGlobal("_%_", {P(K::kUint), P(K::kUint)}, FN {
    if (a[1].uint_value() == 0) return Err(ErrorKind::kDivisionByZero, "modulus by zero");
    return Value::Uint(a[0].uint_value() % a[1].uint_value());
  });
  r.AddGlobal("-_", {P(K::kInt)}, FN {
    if (a[0].int_value() == INT64_MIN) return ErrorOverflow("integer");
    return Value::Int(-a[0].int_value());
  });
  r.AddGlobal("-_", {P(K::kDouble)}, FN { return Value::Double(-a[0].double_value()); });
  r.AddGlobal("-_", {P(K::kDuration)}, FN { return CheckedDuration(-a[0].nanos()); });
  r.AddGlobal("!_", {P(K::kBool)}, FN { return Bool(!a[0].bool_value()); });

  // Equality and ordering. The same-kind int and string overloads come first: they give the
  // same answers as the general ones and let Plan() call them directly for typed operands.
  r.AddGlobal("_==_", {P(K::kInt), P(K::kInt)}, FN { return Bool(a[0].int_value() == a[1].int_value()); });
  r.AddGlobal("_==_", {P(K::kString), P(K::kString)}, FN { return Bool(a[0].str() == a[1].str()); });
  r.AddGlobal("_!=_", {P(K::kInt), P(K::kInt)}, FN { return Bool(a[0].int_value() != a[1].int_value()); });
  r.AddGlobal("_!=_", {P(K::kString), P(K::kString)}, FN { return Bool(a[0].str() != a[1].str()); });
  r.AddGlobal("_<_", {P(K::kInt), P(K::kInt)}, FN { return Bool(a[0].int_value() < a[1].int_value()); });
  r.AddGlobal("_<=_", {P(K::kInt), P(K::kInt)}, FN { return Bool(a[0].int_value() <= a[1].int_value()); });
  r.AddGlobal("_>_", {P(K::kInt), P(K::kInt)}, FN { return Bool(a[0].int_value() > a[1].int_value()); });
  r.AddGlobal("_>=_", {P(K::kInt), P(K::kInt)}, FN { return Bool(a[0].int_value() >= a[1].int_value()); });
  r.AddGlobal("_==_", {Any(), Any()}, FN { return Bool(Equal(a[0], a[1])); });
  r.AddGlobal("_!=_", {Any(), Any()}, FN { return Bool(!Equal(a[0], a[1])); });
  r.AddGlobal("_<_", {Any(), Any()},
              FN { return CompareOp(a[0], a[1], "_<_", [](int c) { return c < 0; }); });
  r.AddGlobal("_<=_", {Any(), Any()},
              FN { return CompareOp(a[0], a[1], "_<=_", [](int c) { return c <= 0; }); });
  r.AddGlobal("_>_", {Any(), Any()},
              FN { return CompareOp(a[0], a[1], "_>_", [](int c) { return c > 0; }); });
  r.AddGlobal("_>=_", {Any(), Any()},
              FN { return CompareOp(a[0], a[1], "_>=_", [](int c) { return c >= 0; }); });

  // in, size.
  r.AddGlobal("@in", {Any(), P(K::kList)}, FN { return InList(a[0], a[1]); });
  r.AddGlobal("@in", {Any(), P(K::kMap)}, FN { return InMap(a[0], a[1]); });
  r.AddGlobal("size", {Any()}, FN { return SizeOf(a[0]); });
  r.AddMember("size", {Any()}, FN { return SizeOf(a[0]); });

  // Strings.
  r.AddMember("contains", {P(K::kString), P(K::kString)},
              FN { return Bool(a[0].str().find(a[1].str()) != std::string_view::npos); });
  r.AddMember("startsWith", {P(K::kString), P(K::kString)},
              FN { return Bool(a[0].str().substr(0, a[1].str().size()) == a[1].str()); });
  r.AddMember("endsWith", {P(K::kString), P(K::kString)}, FN {
    auto s = a[0].str(), x = a[1].str();
    return Bool(s.size() >= x.size() && s.substr(s.size() - x.size()) == x);
  });
  internal::AddWithPattern(r, "matches", true, {P(K::kString), P(K::kString)},
                           FNC { return Matches(a[0].str(), a[1].str(), ctx); }, 1);
  internal::AddWithPattern(r, "matches", false, {P(K::kString), P(K::kString)},
                           FNC { return Matches(a[0].str(), a[1].str(), ctx); }, 1);

  // Conversions.
  r.AddGlobal("int", {P(K::kInt)}, FN { return a[0]; });
  r.AddGlobal("int", {P(K::kUint)}, FN {
    if (a[0].uint_value() > static_cast<uint64_t>(INT64_MAX)) {
      return Err(ErrorKind::kOverflow, "range error converting uint to int");
    }
    return Value::Int(static_cast<int64_t>(a[0].uint_value()));
  });
  r.AddGlobal("int", {P(K::kDouble)}, FN { return IntFromDouble(a[0].double_value()); });
  r.AddGlobal("int", {P(K::kString)}, FN {
    int64_t v;
    if (!ParseInt64(a[0].str(), &v)) {
      return Err(ErrorKind::kInvalidArgument, "cannot convert '" + std::string(a[0].str()) + "' to int");
    }
    return Value::Int(v);
  });
  r.AddGlobal("int", {P(K::kTimestamp)}, FN {
    Int128 n = a[0].nanos();
    Int128 s = n / kNanosPerSecond;
    if (n % kNanosPerSecond < 0) s -= 1;
    return Value::Int(static_cast<int64_t>(s));
  });
  r.AddGlobal("int", {P(K::kDuration)}, FN { return Value::Int(static_cast<int64_t>(a[0].nanos())); });
  r.AddGlobal("uint", {P(K::kUint)}, FN { return a[0]; });
  r.AddGlobal("uint", {P(K::kInt)}, FN {
    if (a[0].int_value() < 0) return Err(ErrorKind::kOverflow, "range error converting int to uint");
    return Value::Uint(static_cast<uint64_t>(a[0].int_value()));
  });
  r.AddGlobal("uint", {P(K::kDouble)}, FN { return UintFromDouble(a[0].double_value()); });
  r.AddGlobal("uint", {P(K::kString)}, FN {
    uint64_t v;
    if (!ParseUint64(a[0].str(), &v)) {
      return Err(ErrorKind::kInvalidArgument, "cannot convert '" + std::string(a[0].str()) + "' to uint");
    }
    return Value::Uint(v);
  });
  r.AddGlobal("double", {P(K::kDouble)}, FN { return a[0]; });
  r.AddGlobal("double", {P(K::kInt)}, FN { return Value::Double(static_cast<double>(a[0].int_value())); });
  r.AddGlobal("double", {P(K::kUint)}, FN { return Value::Double(static_cast<double>(a[0].uint_value())); });
  r.AddGlobal("double", {P(K::kString)}, FN {
    double d;
    if (!ParseDouble(a[0].str(), &d)) {
      return Err(ErrorKind::kInvalidArgument, "cannot convert '" + std::string(a[0].str()) + "' to double");
    }
    return Value::Double(d);
  });
  r.AddGlobal("string", {P(K::kString)}, FN { return a[0]; });
  r.AddGlobal("string", {P(K::kInt)}, FN { return Value::String(std::to_string(a[0].int_value())); });
  r.AddGlobal("string", {P(K::kUint)}, FN { return Value::String(std::to_string(a[0].uint_value())); });
  r.AddGlobal("string", {P(K::kDouble)}, FN { return Value::String(FormatDoubleG(a[0].double_value())); });
  r.AddGlobal("string", {P(K::kBool)}, FN { return Value::String(a[0].bool_value() ? "true" : "false"); });
  r.AddGlobal("string", {P(K::kBytes)}, FN {
    if (!ValidUtf8(a[0].str())) return Err(ErrorKind::kInvalidArgument, "invalid UTF-8 in bytes");
    return Value::String(std::string(a[0].str()));
  });
  r.AddGlobal("string", {P(K::kTimestamp)}, FN { return Value::String(FormatRfc3339(a[0].nanos())); });
  r.AddGlobal("string", {P(K::kDuration)}, FN { return Value::String(FormatCelDuration(a[0].nanos())); });
  r.AddGlobal("string", {P(K::kType)}, FN { return Value::String(std::string(a[0].type_name())); });
  r.AddGlobal("bytes", {P(K::kBytes)}, FN { return a[0]; });
  r.AddGlobal("bytes", {P(K::kString)}, FN { return Value::Bytes(std::string(a[0].str())); });
  r.AddGlobal("bool", {P(K::kBool)}, FN { return a[0]; });
  r.AddGlobal("bool", {P(K::kString)}, FN {
    auto s = a[0].str();
    if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") return Bool(true);
    if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False") return Bool(false);
    return Err(ErrorKind::kInvalidArgument, "cannot convert '" + std::string(s) + "' to bool");
  });
  r.AddGlobal("timestamp", {P(K::kTimestamp)}, FN { return a[0]; });
  r.AddGlobal("timestamp", {P(K::kString)}, FN {
    auto n = ParseRfc3339(a[0].str());
    if (!n) return Err(ErrorKind::kInvalidArgument, "cannot parse timestamp '" + std::string(a[0].str()) + "'");
    return CheckedTimestamp(*n);
  });
  r.AddGlobal("timestamp", {P(K::kInt)},
              FN { return CheckedTimestamp(static_cast<Int128>(a[0].int_value()) * kNanosPerSecond); });
  r.AddGlobal("duration", {P(K::kDuration)}, FN { return a[0]; });
  r.AddGlobal("duration", {P(K::kString)}, FN {
    auto n = ParseGoDuration(a[0].str());
    if (!n) return Err(ErrorKind::kInvalidArgument, "cannot parse duration '" + std::string(a[0].str()) + "'");
    return Value::Duration(*n);
  });
  r.AddGlobal("duration", {P(K::kInt)}, FN { return Value::Duration(a[0].int_value()); });
  r.AddGlobal("dyn", {Any()}, FN { return a[0]; });
  r.AddGlobal("type", {Any()}, FN { return Value::Type(std::string(a[0].TypeName())); });

  // Time accessors.
  AddTimePart<Part::kYear>(r, "getFullYear");
  AddTimePart<Part::kMonth>(r, "getMonth");
  AddTimePart<Part::kDate>(r, "getDate");
  AddTimePart<Part::kDayOfMonth>(r, "getDayOfMonth");
  AddTimePart<Part::kDayOfWeek>(r, "getDayOfWeek");
  AddTimePart<Part::kDayOfYear>(r, "getDayOfYear");
  AddTimePart<Part::kHours>(r, "getHours");
  AddTimePart<Part::kMinutes>(r, "getMinutes");
  AddTimePart<Part::kSeconds>(r, "getSeconds");
  AddTimePart<Part::kMillis>(r, "getMilliseconds");
  AddDurationPart<3600LL * kNanosPerSecond>(r, "getHours");
  AddDurationPart<60LL * kNanosPerSecond>(r, "getMinutes");
  AddDurationPart<kNanosPerSecond>(r, "getSeconds");
  r.AddMember("getMilliseconds", {P(K::kDuration)}, FN {
    return Value::Int(static_cast<int64_t>(a[0].nanos() % kNanosPerSecond / 1000000));
  });
}

std::string FormatDoubleG(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  // sci: [-]D[.DDD]e[+-]XX
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string mant = sci.substr(0, e);
  int exp = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits += c;
  }
  std::string out;
  if (exp < -4 || exp >= 6) {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    out += eb;
  } else if (exp < 0) {
    out = "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  } else {
    if (static_cast<int>(digits.size()) <= exp + 1) {
      out = digits + std::string(static_cast<size_t>(exp + 1) - digits.size(), '0');
    } else {
      out = digits.substr(0, static_cast<size_t>(exp + 1)) + "." +
            digits.substr(static_cast<size_t>(exp + 1));
    }
  }
  return neg ? "-" + out : out;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

size_t CodePointCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace kro::cel
