#include "kro/cel/eval/value.h"

#include <cmath>
#include <cstring>
#include <functional>

namespace kro::cel {
namespace {

struct TypeRep : HeapRep {
  std::string name;
};
struct OptionalRep : HeapRep {
  bool has = false;
  Value v;
};
struct ErrorRep : HeapRep {
  ErrorKind kind = ErrorKind::kGeneric;
  std::string message;
};

constexpr size_t kIndexThreshold = 8;

// Numeric view of int/uint/double for heterogeneous comparison.
struct Num {
  int tag;  // 0 int, 1 uint, 2 double
  int64_t i;
  uint64_t u;
  double d;
};

bool IsNumber(ValueKind k) {
  return k == ValueKind::kInt || k == ValueKind::kUint || k == ValueKind::kDouble;
}

// Compares two numbers of possibly different kinds; nullopt for NaN.
std::optional<int> CompareNumbers(const Value& a, const Value& b) {
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
  ValueKind ka = a.kind(), kb = b.kind();
  if (ka == ValueKind::kInt && kb == ValueKind::kInt) return cmp(a.int_value(), b.int_value());
  if (ka == ValueKind::kUint && kb == ValueKind::kUint) return cmp(a.uint_value(), b.uint_value());
  if (ka == ValueKind::kInt && kb == ValueKind::kUint) {
    if (a.int_value() < 0) return -1;
    return cmp(static_cast<uint64_t>(a.int_value()), b.uint_value());
  }
  if (ka == ValueKind::kUint && kb == ValueKind::kInt) {
    if (b.int_value() < 0) return 1;
    return cmp(a.uint_value(), static_cast<uint64_t>(b.int_value()));
  }
  // At least one double.
  if (ka == ValueKind::kDouble && kb == ValueKind::kDouble) {
    double x = a.double_value(), y = b.double_value();
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return cmp(x, y);
  }
  if (ka == ValueKind::kDouble) {
    auto r = CompareNumbers(b, a);
    if (!r) return r;
    return -*r;
  }
  // a is int/uint, b is double: as cel-go, out-of-range doubles order first, otherwise the
  // integer is converted to double.
  double y = b.double_value();
  if (std::isnan(y)) return std::nullopt;
  if (ka == ValueKind::kInt) {
    if (y < -9223372036854775808.0) return 1;
    if (y > 9223372036854775808.0) return -1;
    return cmp(static_cast<double>(a.int_value()), y);
  }
  if (y < 0) return 1;
  if (y > 18446744073709551616.0) return -1;
  return cmp(static_cast<double>(a.uint_value()), y);
}

}  // namespace

std::string_view KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull: return "null_type";
    case ValueKind::kBool: return "bool";
    case ValueKind::kInt: return "int";
    case ValueKind::kUint: return "uint";
    case ValueKind::kDouble: return "double";
    case ValueKind::kString: return "string";
    case ValueKind::kBytes: return "bytes";
    case ValueKind::kList: return "list";
    case ValueKind::kMap: return "map";
    case ValueKind::kTimestamp: return "google.protobuf.Timestamp";
    case ValueKind::kDuration: return "google.protobuf.Duration";
    case ValueKind::kType: return "type";
    case ValueKind::kOptional: return "optional_type";
    case ValueKind::kOpaque: return "opaque";
    case ValueKind::kError: return "*error*";
  }
  return "?";
}

Value Value::Bool(bool b) {
  Value v;
  v.kind_ = ValueKind::kBool;
  v.p_.b = b;
  return v;
}
Value Value::Int(int64_t i) {
  Value v;
  v.kind_ = ValueKind::kInt;
  v.p_.i = i;
  return v;
}
Value Value::Uint(uint64_t u) {
  Value v;
  v.kind_ = ValueKind::kUint;
  v.p_.u = u;
  return v;
}
Value Value::Double(double d) {
  Value v;
  v.kind_ = ValueKind::kDouble;
  v.p_.d = d;
  return v;
}
Value Value::String(std::string s) {
  Value v;
  v.kind_ = ValueKind::kString;
  auto rep = std::make_shared<StringRep>();
  rep->s = std::move(s);
  v.heap_ = std::move(rep);
  return v;
}
Value Value::StringView(std::string_view s) {
  Value v;
  v.kind_ = ValueKind::kString;
  v.json_ = true;
  v.p_.sv.data = s.data();
  v.p_.sv.size = s.size();
  return v;
}
Value Value::Bytes(std::string b) {
  Value v = String(std::move(b));
  v.kind_ = ValueKind::kBytes;
  return v;
}
Value Value::List(std::vector<Value> elems) {
  Value v;
  v.kind_ = ValueKind::kList;
  auto rep = std::make_shared<ListRep>();
  rep->elems = std::move(elems);
  v.heap_ = std::move(rep);
  return v;
}
Value Value::Map(std::vector<std::pair<Value, Value>> entries) {
  Value v;
  v.kind_ = ValueKind::kMap;
  auto rep = std::make_shared<MapRep>();
  rep->entries = std::move(entries);
  if (rep->entries.size() > kIndexThreshold) {
    rep->buckets.resize(rep->entries.size() * 2);
    for (uint32_t i = 0; i < rep->entries.size(); ++i) {
      size_t h = HashKey(rep->entries[i].first) % rep->buckets.size();
      rep->buckets[h].push_back(i);
    }
  }
  v.heap_ = std::move(rep);
  return v;
}
Value Value::Timestamp(Int128 nanos) {
  Value v;
  v.kind_ = ValueKind::kTimestamp;
  v.p_.n.hi = static_cast<int64_t>(nanos >> 64);
  v.p_.n.lo = static_cast<uint64_t>(nanos);
  return v;
}
Value Value::Duration(Int128 nanos) {
  Value v = Timestamp(nanos);
  v.kind_ = ValueKind::kDuration;
  return v;
}
Int128 Value::nanos() const {
  return static_cast<Int128>((static_cast<Uint128>(static_cast<uint64_t>(p_.n.hi))
                              << 64) |
                             p_.n.lo);
}
Value Value::Type(std::string name) {
  Value v;
  v.kind_ = ValueKind::kType;
  auto rep = std::make_shared<TypeRep>();
  rep->name = std::move(name);
  v.heap_ = std::move(rep);
  return v;
}
Value Value::OptionalNone() {
  Value v;
  v.kind_ = ValueKind::kOptional;
  v.heap_ = std::make_shared<OptionalRep>();
  return v;
}
Value Value::OptionalOf(Value inner) {
  Value v;
  v.kind_ = ValueKind::kOptional;
  auto rep = std::make_shared<OptionalRep>();
  rep->has = true;
  rep->v = std::move(inner);
  v.heap_ = std::move(rep);
  return v;
}
Value Value::Opaque(std::shared_ptr<const OpaqueValue> o) {
  Value v;
  v.kind_ = ValueKind::kOpaque;
  v.heap_ = std::move(o);
  return v;
}
Value Value::Error(ErrorKind kind, std::string message) {
  Value v;
  v.kind_ = ValueKind::kError;
  auto rep = std::make_shared<ErrorRep>();
  rep->kind = kind;
  rep->message = std::move(message);
  v.heap_ = std::move(rep);
  return v;
}

Value Value::FromJson(const json::Value& j) {
  switch (j.kind()) {
    case boost::json::kind::null: return Value();
    case boost::json::kind::bool_: return Bool(j.get_bool());
    case boost::json::kind::int64: return Int(j.get_int64());
    case boost::json::kind::uint64: {
      uint64_t u = j.get_uint64();
      if (u <= static_cast<uint64_t>(INT64_MAX)) return Int(static_cast<int64_t>(u));
      return Uint(u);
    }
    case boost::json::kind::double_: return Double(j.get_double());
    case boost::json::kind::string: {
      const auto& s = j.get_string();
      return StringView(std::string_view(s.data(), s.size()));
    }
    case boost::json::kind::array: {
      Value v;
      v.kind_ = ValueKind::kList;
      v.json_ = true;
      v.p_.j = &j;
      return v;
    }
    case boost::json::kind::object: {
      Value v;
      v.kind_ = ValueKind::kMap;
      v.json_ = true;
      v.p_.j = &j;
      return v;
    }
  }
  return Value();
}

std::string_view Value::str() const {
  if (json_) return std::string_view(p_.sv.data, p_.sv.size);
  return static_cast<const StringRep*>(heap_.get())->s;
}

size_t Value::list_size() const {
  if (json_) return p_.j->get_array().size();
  return static_cast<const ListRep*>(heap_.get())->elems.size();
}
Value Value::list_at(size_t i) const {
  if (json_) return FromJson(p_.j->get_array()[i]);
  return static_cast<const ListRep*>(heap_.get())->elems[i];
}
size_t Value::map_size() const {
  if (json_) return p_.j->get_object().size();
  return static_cast<const MapRep*>(heap_.get())->entries.size();
}

std::optional<Value> Value::map_find_string(std::string_view key) const {
  if (json_) {
    const json::Value* f = JsonField(p_.j->get_object(), key);
    if (f == nullptr) return std::nullopt;
    return FromJson(*f);
  }
  return map_find(Value::StringView(key));
}

std::optional<Value> Value::map_find(const Value& key) const {
  if (json_) {
    if (key.kind() != ValueKind::kString) return std::nullopt;
    return map_find_string(key.str());
  }
  const auto* rep = static_cast<const MapRep*>(heap_.get());
  // Doubles find integral keys (heterogeneous equality).
  if (!rep->buckets.empty()) {
    Value k = key;
    if (key.kind() == ValueKind::kDouble) {
      double d = key.double_value();
      if (d >= 0 && d < 18446744073709551616.0 && std::trunc(d) == d) {
        k = Uint(static_cast<uint64_t>(d));
      } else if (d < 0 && d >= -9223372036854775808.0 && std::trunc(d) == d) {
        k = Int(static_cast<int64_t>(d));
      } else {
        return std::nullopt;
      }
    }
    const auto& b = rep->buckets[HashKey(k) % rep->buckets.size()];
    for (uint32_t i : b) {
      if (Equal(rep->entries[i].first, k)) return rep->entries[i].second;
    }
    return std::nullopt;
  }
  for (const auto& [k, v] : rep->entries) {
    if (Equal(k, key)) return v;
  }
  return std::nullopt;
}

std::vector<Value> Value::map_keys() const {
  std::vector<Value> keys;
  keys.reserve(map_size());
  map_for_each([&](const Value& k, const Value&) {
    keys.push_back(k);
    return true;
  });
  return keys;
}

std::string_view Value::type_name() const { return static_cast<const TypeRep*>(heap_.get())->name; }
bool Value::optional_has_value() const {
  return static_cast<const OptionalRep*>(heap_.get())->has;
}
const Value& Value::optional_value() const {
  return static_cast<const OptionalRep*>(heap_.get())->v;
}
const OpaqueValue& Value::opaque() const { return *static_cast<const OpaqueValue*>(heap_.get()); }
ErrorKind Value::error_kind() const { return static_cast<const ErrorRep*>(heap_.get())->kind; }
const std::string& Value::error_message() const {
  return static_cast<const ErrorRep*>(heap_.get())->message;
}

std::string_view Value::TypeName() const {
  if (kind_ == ValueKind::kOpaque) return opaque().TypeName();
  return KindName(kind_);
}

namespace {
// Built by appending: GCC 12's -Wrestrict misfires on `"..." + std::string&&` at -O3.
std::string Quoted(std::string_view open, std::string_view body) {
  std::string s(open);
  s.append(body);
  s.push_back('"');
  return s;
}
}  // namespace

std::string Value::DebugString() const {
  switch (kind_) {
    case ValueKind::kNull: return "null";
    case ValueKind::kBool: return p_.b ? "true" : "false";
    case ValueKind::kInt: return std::to_string(p_.i);
    case ValueKind::kUint: return std::to_string(p_.u) + "u";
    case ValueKind::kDouble: return std::to_string(p_.d);
    case ValueKind::kString: return Quoted("\"", str());
    case ValueKind::kBytes: return Quoted("b\"", str());
    case ValueKind::kList: {
      std::string s = "[";
      for (size_t i = 0; i < list_size(); ++i) {
        if (i) s += ", ";
        s += list_at(i).DebugString();
      }
      return s + "]";
    }
    case ValueKind::kMap: {
      std::string s = "{";
      bool first = true;
      map_for_each([&](const Value& k, const Value& v) {
        if (!first) s += ", ";
        first = false;
        s += k.DebugString() + ": " + v.DebugString();
        return true;
      });
      return s + "}";
    }
    case ValueKind::kTimestamp: return "timestamp(" + std::to_string(static_cast<int64_t>(nanos() / kNanosPerSecond)) + "s)";
    case ValueKind::kDuration: return "duration(" + std::to_string(static_cast<int64_t>(nanos() / kNanosPerSecond)) + "s)";
    case ValueKind::kType: return std::string(type_name());
    case ValueKind::kOptional:
      return optional_has_value() ? "optional(" + optional_value().DebugString() + ")"
                                  : "optional.none()";
    case ValueKind::kOpaque: return opaque().DebugString();
    case ValueKind::kError: return "error(" + error_message() + ")";
  }
  return "?";
}

bool Equal(const Value& a, const Value& b) {
  ValueKind ka = a.kind(), kb = b.kind();
  if (IsNumber(ka) && IsNumber(kb)) {
    auto c = CompareNumbers(a, b);
    return c && *c == 0;
  }
  if (ka != kb) return false;
  switch (ka) {
    case ValueKind::kNull: return true;
    case ValueKind::kBool: return a.bool_value() == b.bool_value();
    case ValueKind::kString:
    case ValueKind::kBytes: return a.str() == b.str();
    case ValueKind::kList: {
      size_t n = a.list_size();
      if (n != b.list_size()) return false;
      for (size_t i = 0; i < n; ++i) {
        if (!Equal(a.list_at(i), b.list_at(i))) return false;
      }
      return true;
    }
    case ValueKind::kMap: {
      if (a.map_size() != b.map_size()) return false;
      bool eq = true;
      a.map_for_each([&](const Value& k, const Value& v) {
        auto other = b.map_find(k);
        if (!other || !Equal(v, *other)) {
          eq = false;
          return false;
        }
        return true;
      });
      return eq;
    }
    case ValueKind::kTimestamp:
    case ValueKind::kDuration: return a.nanos() == b.nanos();
    case ValueKind::kType: return a.type_name() == b.type_name();
    case ValueKind::kOptional:
      if (a.optional_has_value() != b.optional_has_value()) return false;
      return !a.optional_has_value() || Equal(a.optional_value(), b.optional_value());
    case ValueKind::kOpaque:
      return a.opaque().TypeName() == b.opaque().TypeName() && a.opaque().Equals(b.opaque());
    default: return false;
  }
}

std::optional<int> Compare(const Value& a, const Value& b, bool* comparable) {
  *comparable = true;
  ValueKind ka = a.kind(), kb = b.kind();
  if (IsNumber(ka) && IsNumber(kb)) return CompareNumbers(a, b);
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
  if (ka == kb) {
    switch (ka) {
      case ValueKind::kBool: return cmp(a.bool_value(), b.bool_value());
      case ValueKind::kString:
      case ValueKind::kBytes: {
        int c = a.str().compare(b.str());
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      case ValueKind::kTimestamp:
      case ValueKind::kDuration: return cmp(a.nanos(), b.nanos());
      default: break;
    }
  }
  *comparable = false;
  return std::nullopt;
}

bool IsValidMapKey(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kBool:
    case ValueKind::kInt:
    case ValueKind::kUint:
    case ValueKind::kString: return true;
    default: return false;
  }
}

size_t HashKey(const Value& key) {
  switch (key.kind()) {
    case ValueKind::kBool: return key.bool_value() ? 1 : 2;
    case ValueKind::kInt: return std::hash<uint64_t>()(static_cast<uint64_t>(key.int_value()));
    case ValueKind::kUint: return std::hash<uint64_t>()(key.uint_value());
    case ValueKind::kString: return std::hash<std::string_view>()(key.str());
    default: return 0;
  }
}

Value NoMatchingOverload(std::string_view function, const Value* args, size_t nargs) {
  std::string msg = "no such overload: ";
  msg += function;
  msg += "(";
  for (size_t i = 0; i < nargs; ++i) {
    if (i) msg += ", ";
    msg += args[i].TypeName();
  }
  msg += ")";
  return Value::Error(ErrorKind::kNoMatchingOverload, std::move(msg));
}

Value ErrorOverflow(std::string_view what) {
  return Value::Error(ErrorKind::kOverflow, std::string(what) + " overflow");
}

Value ErrorInvalid(std::string message) {
  return Value::Error(ErrorKind::kInvalidArgument, std::move(message));
}

bool ValidTimestamp(Int128 nanos) {
  return nanos >= static_cast<Int128>(kMinTimestampSeconds) * kNanosPerSecond &&
         nanos < (static_cast<Int128>(kMaxTimestampSeconds) + 1) * kNanosPerSecond;
}

bool ValidDuration(Int128 nanos) {
  // cel-go (and so kro) keeps durations in an int64 nanosecond count.
  return nanos >= static_cast<Int128>(INT64_MIN) && nanos <= static_cast<Int128>(INT64_MAX);
}

bool MapBuilder::Add(Value key, Value value) {
  if (key.is_error()) {
    error_ = std::move(key);
    return false;
  }
  if (value.is_error()) {
    error_ = std::move(value);
    return false;
  }
  if (!IsValidMapKey(key)) {
    error_ = Value::Error(ErrorKind::kInvalidArgument,
                          "unsupported key type: " + std::string(key.TypeName()));
    return false;
  }
  for (const auto& [k, v] : entries_) {
    if (Equal(k, key)) {
      error_ = Value::Error(ErrorKind::kInvalidArgument,
                            "Failed with repeated key: " + key.DebugString());
      return false;
    }
  }
  entries_.emplace_back(std::move(key), std::move(value));
  return true;
}

Value MapBuilder::Build() { return Value::Map(std::move(entries_)); }

}  // namespace kro::cel
