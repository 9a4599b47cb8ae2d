// Optional types (cel-go cel.OptionalTypes v2), ext.Lists, ext.Encoders and the default registry.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kro/cel/lib/internal/fn.h"
#include "kro/cel/lib/library.h"

namespace kro::cel {
namespace {

using internal::Any;
using internal::BudgetError;
using internal::Err;
using internal::K;
using internal::P;

bool IsZero(const Value& v) {
  switch (v.kind()) {
    case K::kNull: return true;
    case K::kBool: return !v.bool_value();
    case K::kInt: return v.int_value() == 0;
    case K::kUint: return v.uint_value() == 0;
    case K::kDouble: return v.double_value() == 0;
    case K::kString:
    case K::kBytes: return v.str().empty();
    case K::kList: return v.list_size() == 0;
    case K::kMap: return v.map_size() == 0;
    case K::kDuration: return v.nanos() == 0;
    case K::kTimestamp: return v.nanos() == 0;
    case K::kOptional: return !v.optional_has_value();
    default: return false;
  }
}

std::vector<Value> ToVector(const Value& list) {
  std::vector<Value> out;
  size_t n = list.list_size();
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(list.list_at(i));
  return out;
}

// Sorts values that must all be mutually comparable; returns an error value or null.
Value SortValues(std::vector<size_t>* order, const std::vector<Value>& keys) {
  Value err;
  bool failed = false;
  for (size_t i = 1; i < keys.size(); ++i) {
    bool comparable;
    (void)Compare(keys[0], keys[i], &comparable);
    if (!comparable || keys[0].kind() != keys[i].kind()) {
      if (!(keys[0].kind() == K::kInt || keys[0].kind() == K::kUint ||
            keys[0].kind() == K::kDouble) ||
          keys[0].kind() != keys[i].kind()) {
        failed = true;
        break;
      }
    }
  }
  if (!keys.empty()) {
    bool comparable;
    (void)Compare(keys[0], keys[0], &comparable);
    if (!comparable) failed = true;
  }
  if (failed) {
    return Err(ErrorKind::kNoMatchingOverload, "list elements must have the same comparable type");
  }
  std::stable_sort(order->begin(), order->end(), [&](size_t x, size_t y) {
    bool c;
    auto r = Compare(keys[x], keys[y], &c);
    return r && *r < 0;
  });
  return Value();
}

Value Flatten(const Value& list, int64_t depth, std::vector<Value>* out) {
  size_t n = list.list_size();
  for (size_t i = 0; i < n; ++i) {
    Value e = list.list_at(i);
    if (e.kind() == K::kList && depth > 0) {
      Value r = Flatten(e, depth - 1, out);
      if (r.is_error()) return r;
    } else {
      out->push_back(std::move(e));
    }
  }
  return Value();
}

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string Base64Encode(std::string_view in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) | static_cast<unsigned char>(in[i + 2]);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// Standard alphabet; padding optional (Go StdEncoding, then RawStdEncoding).
bool Base64Decode(std::string_view in, std::string* out) {
  out->clear();
  size_t len = in.size();
  size_t pad = 0;
  while (len > 0 && in[len - 1] == '=') {
    --len;
    ++pad;
  }
  if (pad > 2 || (pad > 0 && (len + pad) % 4 != 0)) return false;
  if (len % 4 == 1) return false;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; ++i) {
    char c = in[i];
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else {
      return false;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

void AddOptionalLibrary(Registry& r) {
  r.AddGlobal("optional.of", {Any()}, KRO_CEL_FN { return Value::OptionalOf(a[0]); });
  r.AddGlobal("optional.ofNonZeroValue", {Any()}, KRO_CEL_FN {
    return IsZero(a[0]) ? Value::OptionalNone() : Value::OptionalOf(a[0]);
  });
  r.AddGlobal("optional.none", {}, KRO_CEL_FN { return Value::OptionalNone(); });
  r.AddMember("hasValue", {P(K::kOptional)},
              KRO_CEL_FN { return Value::Bool(a[0].optional_has_value()); });
  r.AddMember("value", {P(K::kOptional)}, KRO_CEL_FN {
    if (!a[0].optional_has_value()) return Err("optional.none() dereference");
    return a[0].optional_value();
  });
  r.AddMember("or", {P(K::kOptional), P(K::kOptional)},
              KRO_CEL_FN { return a[0].optional_has_value() ? a[0] : a[1]; });
  r.AddMember("orValue", {P(K::kOptional), Any()},
              KRO_CEL_FN { return a[0].optional_has_value() ? a[0].optional_value() : a[1]; });
  auto unwrap = KRO_CEL_FN {
    std::vector<Value> out;
    for (size_t i = 0; i < a[0].list_size(); ++i) {
      Value e = a[0].list_at(i);
      if (e.kind() != K::kOptional) return NoMatchingOverload("optional.unwrap", &e, 1);
      if (e.optional_has_value()) out.push_back(e.optional_value());
    }
    return Value::List(std::move(out));
  };
  r.AddGlobal("optional.unwrap", {P(K::kList)}, unwrap);
  r.AddMember("unwrapOpt", {P(K::kList)}, unwrap);
  r.AddMember("first", {P(K::kList)}, KRO_CEL_FN {
    if (a[0].list_size() == 0) return Value::OptionalNone();
    return Value::OptionalOf(a[0].list_at(0));
  });
  r.AddMember("last", {P(K::kList)}, KRO_CEL_FN {
    if (a[0].list_size() == 0) return Value::OptionalNone();
    return Value::OptionalOf(a[0].list_at(a[0].list_size() - 1));
  });
}

void AddListsLibrary(Registry& r) {
  r.AddGlobal("lists.range", {P(K::kInt)}, KRO_CEL_FNC {
    int64_t n = a[0].int_value();
    if (n < 0) n = 0;
    if (!ctx.Spend(n)) return BudgetError();
    std::vector<Value> out;
    out.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) out.push_back(Value::Int(i));
    return Value::List(std::move(out));
  });
  r.AddMember("slice", {P(K::kList), P(K::kInt), P(K::kInt)}, KRO_CEL_FN {
    int64_t s = a[1].int_value(), e = a[2].int_value();
    int64_t n = static_cast<int64_t>(a[0].list_size());
    if (s < 0 || e < 0) {
      return Err("cannot slice(" + std::to_string(s) + ", " + std::to_string(e) +
                 "), negative indexes not supported");
    }
    if (s > e) {
      return Err("cannot slice(" + std::to_string(s) + ", " + std::to_string(e) +
                 "), start index must be less than or equal to end index");
    }
    if (e > n) {
      return Err("cannot slice(" + std::to_string(s) + ", " + std::to_string(e) +
                 "), list is length " + std::to_string(n));
    }
    std::vector<Value> out;
    for (int64_t i = s; i < e; ++i) out.push_back(a[0].list_at(static_cast<size_t>(i)));
    return Value::List(std::move(out));
  });
  r.AddMember("flatten", {P(K::kList)}, KRO_CEL_FN {
    std::vector<Value> out;
    Flatten(a[0], 1, &out);
    return Value::List(std::move(out));
  });
  r.AddMember("flatten", {P(K::kList), P(K::kInt)}, KRO_CEL_FN {
    if (a[1].int_value() < 0) return Err("level must be non-negative");
    std::vector<Value> out;
    Flatten(a[0], a[1].int_value(), &out);
    return Value::List(std::move(out));
  });
  r.AddMember("reverse", {P(K::kList)}, KRO_CEL_FN {
    std::vector<Value> out = ToVector(a[0]);
    std::reverse(out.begin(), out.end());
    return Value::List(std::move(out));
  });
  r.AddMember("distinct", {P(K::kList)}, KRO_CEL_FN {
    std::vector<Value> out;
    for (size_t i = 0; i < a[0].list_size(); ++i) {
      Value e = a[0].list_at(i);
      bool seen = false;
      for (const auto& o : out) {
        if (Equal(o, e)) {
          seen = true;
          break;
        }
      }
      if (!seen) out.push_back(std::move(e));
    }
    return Value::List(std::move(out));
  });
  r.AddMember("sort", {P(K::kList)}, KRO_CEL_FN {
    std::vector<Value> vals = ToVector(a[0]);
    std::vector<size_t> order(vals.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    Value err = SortValues(&order, vals);
    if (err.is_error()) return err;
    std::vector<Value> out;
    for (size_t i : order) out.push_back(vals[i]);
    return Value::List(std::move(out));
  });
  r.AddGlobal("@sortByAssociatedKeys", {P(K::kList), P(K::kList)}, KRO_CEL_FN {
    std::vector<Value> vals = ToVector(a[0]);
    std::vector<Value> keys = ToVector(a[1]);
    if (vals.size() != keys.size()) return Err("sortBy: key list has a different size");
    std::vector<size_t> order(vals.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    Value err = SortValues(&order, keys);
    if (err.is_error()) return err;
    std::vector<Value> out;
    for (size_t i : order) out.push_back(vals[i]);
    return Value::List(std::move(out));
  });
}

// cel.@mapInsert: the accumulator step of transformMap / transformMapEntry.
Value MapInsert(const Value& m, const Value& k, const Value& v) {
  if (m.map_find(k).has_value()) {
    return Err("insert failed: key " + k.DebugString() + " already exists");
  }
  if (!IsValidMapKey(k)) return Err("unsupported map key type: " + std::string(k.TypeName()));
  std::vector<std::pair<Value, Value>> entries;
  entries.reserve(m.map_size() + 1);
  m.map_for_each([&](const Value& mk, const Value& mv) {
    entries.emplace_back(mk, mv);
    return true;
  });
  entries.emplace_back(k, v);
  return Value::Map(std::move(entries));
}

void AddComprehensionHelpers(Registry& r) {
  r.AddGlobal("cel.@mapInsert", {P(K::kMap), Any(), Any()},
              KRO_CEL_FN { return MapInsert(a[0], a[1], a[2]); });
  r.AddGlobal("cel.@mapInsert", {P(K::kMap), P(K::kMap)}, KRO_CEL_FN {
    Value out = a[0];
    Value err;
    a[1].map_for_each([&](const Value& k, const Value& v) {
      out = MapInsert(out, k, v);
      if (out.is_error()) {
        err = out;
        return false;
      }
      return true;
    });
    return err.is_error() ? err : out;
  });
}

void AddEncodersLibrary(Registry& r) {
  r.AddGlobal("base64.encode", {P(K::kBytes)},
              KRO_CEL_FN { return Value::String(Base64Encode(a[0].str())); });
  r.AddGlobal("base64.decode", {P(K::kString)}, KRO_CEL_FN {
    std::string out;
    if (!Base64Decode(a[0].str(), &out)) return Err("illegal base64 data");
    return Value::Bytes(std::move(out));
  });
}

std::shared_ptr<const Registry> DefaultRegistry() {
  static const std::shared_ptr<const Registry> kRegistry = [] {
    auto r = std::make_shared<Registry>();
    AddStandardLibrary(*r);
    AddOptionalLibrary(*r);
    AddStringsLibrary(*r);
    AddListsLibrary(*r);
    AddComprehensionHelpers(*r);
    AddEncodersLibrary(*r);
    AddMathLibrary(*r);
    AddKubernetesLibraries(*r);
    AddKroLibraries(*r);
    AddKroRuntimeLibrary(*r);
    return std::shared_ptr<const Registry>(std::move(r));
  }();
  return kRegistry;
}

}  // namespace kro::cel
