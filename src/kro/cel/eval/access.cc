#include "kro/cel/eval/access.h"

#include <cmath>
#include <string>

namespace kro::cel {
namespace {

Value NoSuchKey(const Value& key) {
  return Value::Error(ErrorKind::kNoSuchKey, "no such key: " + key.DebugString());
}

Value NoSuchKeyField(std::string_view field) {
  return Value::Error(ErrorKind::kNoSuchKey, "no such key: " + std::string(field));
}

Value UnsupportedSelect(const Value& v) {
  return Value::Error(ErrorKind::kNoSuchField, "type '" + std::string(v.TypeName()) +
                                                   "' does not support field selection");
}

// List index as int64; error when the index kind is not numeric/integral.
bool ListIndex(const Value& index, int64_t* out, Value* err) {
  switch (index.kind()) {
    case ValueKind::kInt: *out = index.int_value(); return true;
    case ValueKind::kUint:
      if (index.uint_value() > static_cast<uint64_t>(INT64_MAX)) {
        *out = -1;
        return true;
      }
      *out = static_cast<int64_t>(index.uint_value());
      return true;
    case ValueKind::kDouble: {
      double d = index.double_value();
      if (std::trunc(d) != d || !std::isfinite(d)) {
        *err = Value::Error(ErrorKind::kInvalidArgument,
                            "unsupported index value " + index.DebugString() + " in list");
        return false;
      }
      *out = (d >= -9.2e18 && d <= 9.2e18) ? static_cast<int64_t>(d) : -1;
      return true;
    }
    default:
      *err = Value::Error(ErrorKind::kNoMatchingOverload,
                          "no such overload: list index of type " +
                              std::string(index.TypeName()));
      return false;
  }
}

bool ValidKeyKind(const Value& k) {
  switch (k.kind()) {
    case ValueKind::kBool:
    case ValueKind::kInt:
    case ValueKind::kUint:
    case ValueKind::kString:
    case ValueKind::kDouble: return true;
    default: return false;
  }
}

}  // namespace

Value SelectField(const Value& v, std::string_view field) {
  switch (v.kind()) {
    case ValueKind::kMap: {
      auto f = v.map_find_string(field);
      if (!f) return NoSuchKeyField(field);
      return *std::move(f);
    }
    case ValueKind::kOptional: {
      if (!v.optional_has_value()) return v;
      const Value& inner = v.optional_value();
      if (inner.kind() == ValueKind::kMap) {
        auto f = inner.map_find_string(field);
        return f ? Value::OptionalOf(*std::move(f)) : Value::OptionalNone();
      }
      if (inner.is_error()) return inner;
      return NoSuchKeyField(field);
    }
    case ValueKind::kError: return v;
    default: return UnsupportedSelect(v);
  }
}

Value TestField(const Value& v, std::string_view field) {
  switch (v.kind()) {
    case ValueKind::kMap: return Value::Bool(v.map_find_string(field).has_value());
    case ValueKind::kOptional: {
      if (!v.optional_has_value()) return Value::Bool(false);
      return TestField(v.optional_value(), field);
    }
    case ValueKind::kError: return v;
    default: return UnsupportedSelect(v);
  }
}

Value OptSelectField(const Value& v, std::string_view field) {
  switch (v.kind()) {
    case ValueKind::kMap: {
      auto f = v.map_find_string(field);
      return f ? Value::OptionalOf(*std::move(f)) : Value::OptionalNone();
    }
    case ValueKind::kOptional:
      if (!v.optional_has_value()) return v;
      return OptSelectField(v.optional_value(), field);
    case ValueKind::kError: return v;
    default: return UnsupportedSelect(v);
  }
}

Value IndexValue(const Value& a, const Value& index) {
  switch (a.kind()) {
    case ValueKind::kList: {
      int64_t i = 0;
      Value err;
      if (!ListIndex(index, &i, &err)) return err;
      if (i < 0 || static_cast<uint64_t>(i) >= a.list_size()) {
        return Value::Error(ErrorKind::kIndexOutOfBounds,
                            "index out of range: " + std::to_string(i));
      }
      return a.list_at(static_cast<size_t>(i));
    }
    case ValueKind::kMap: {
      if (!ValidKeyKind(index)) {
        return Value::Error(ErrorKind::kNoMatchingOverload,
                            "unsupported key type: " + std::string(index.TypeName()));
      }
      auto f = a.map_find(index);
      if (!f) return NoSuchKey(index);
      return *std::move(f);
    }
    case ValueKind::kOptional: {
      if (!a.optional_has_value()) return a;
      Value r = OptIndexValue(a.optional_value(), index);
      return r;
    }
    default: {
      Value args[2] = {a, index};
      return NoMatchingOverload("_[_]", args, 2);
    }
  }
}

Value OptIndexValue(const Value& a, const Value& index) {
  switch (a.kind()) {
    case ValueKind::kList: {
      int64_t i = 0;
      Value err;
      if (!ListIndex(index, &i, &err)) return err;
      if (i < 0 || static_cast<uint64_t>(i) >= a.list_size()) return Value::OptionalNone();
      return Value::OptionalOf(a.list_at(static_cast<size_t>(i)));
    }
    case ValueKind::kMap: {
      if (!ValidKeyKind(index)) {
        return Value::Error(ErrorKind::kNoMatchingOverload,
                            "unsupported key type: " + std::string(index.TypeName()));
      }
      auto f = a.map_find(index);
      return f ? Value::OptionalOf(*std::move(f)) : Value::OptionalNone();
    }
    case ValueKind::kOptional:
      if (!a.optional_has_value()) return a;
      return OptIndexValue(a.optional_value(), index);
    default: {
      Value args[2] = {a, index};
      return NoMatchingOverload("_[?_]", args, 2);
    }
  }
}

}  // namespace kro::cel
