// kro's own CEL functions (kro pkg/cel/library): hash, json, random, maps, index-mutation lists,
// omit().
#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "kro/cel/eval/time.h"
#include "kro/cel/lib/internal/fn.h"
#include "kro/cel/lib/library.h"
#include "kro/cel/lib/omit.h"

namespace kro::cel {
namespace {

using internal::Any;
using internal::Err;
using internal::K;
using internal::P;

std::string Digest(const EVP_MD* md, std::string_view in) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(in.data(), in.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Fnv64a(std::string_view in) {
  uint64_t h = 14695981039346656037ULL;
  for (char c : in) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(h & 0xFF);
    h >>= 8;
  }
  return out;
}

// ---- json.marshal (Go encoding/json conventions) ----

void JsonString(std::string_view s, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  *out += '"';
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': *out += "\\\""; break;
        case '\\': *out += "\\\\"; break;
        case '\n': *out += "\\n"; break;
        case '\r': *out += "\\r"; break;
        case '\t': *out += "\\t"; break;
        case '<':
        case '>':
        case '&':
          *out += "\\u00";
          *out += kHex[c >> 4];
          *out += kHex[c & 15];
          break;
        default:
          if (c < 0x20) {
            *out += "\\u00";
            *out += kHex[c >> 4];
            *out += kHex[c & 15];
          } else {
            *out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size() || !ValidUtf8(s.substr(i, len))) {
      *out += "\\ufffd";
      ++i;
      continue;
    }
    std::string_view seq = s.substr(i, len);
    if (seq == "\xE2\x80\xA8") {
      *out += "\\u2028";
    } else if (seq == "\xE2\x80\xA9") {
      *out += "\\u2029";
    } else {
      *out += seq;
    }
    i += len;
  }
  *out += '"';
}

std::string GoJsonFloat(double d) {
  double a = std::fabs(d);
  char buf[64];
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string s(buf, r.ptr);
    // Go: e-07 -> e-7
    size_t e = s.find('e');
    if (e != std::string::npos && e + 2 < s.size() && s[e + 2] == '0') s.erase(e + 2, 1);
    return s;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

bool Marshal(const Value& v, std::string* out, std::string* err) {
  switch (v.kind()) {
    case K::kNull: *out += "null"; return true;
    case K::kBool: *out += v.bool_value() ? "true" : "false"; return true;
    case K::kInt: *out += std::to_string(v.int_value()); return true;
    case K::kUint: *out += std::to_string(v.uint_value()); return true;
    case K::kDouble:
      if (!std::isfinite(v.double_value())) {
        *err = "json: unsupported value: " + FormatDoubleG(v.double_value());
        return false;
      }
      *out += GoJsonFloat(v.double_value());
      return true;
    case K::kString: JsonString(v.str(), out); return true;
    case K::kBytes: *out += "\"" + Base64Encode(v.str()) + "\""; return true;
    case K::kTimestamp: JsonString(FormatRfc3339(v.nanos()), out); return true;
    case K::kDuration:
      JsonString(FormatGoDuration(static_cast<int64_t>(v.nanos())), out);
      return true;
    case K::kOptional:
      if (!v.optional_has_value()) {
        *out += "null";
        return true;
      }
      return Marshal(v.optional_value(), out, err);
    case K::kList: {
      *out += '[';
      for (size_t i = 0; i < v.list_size(); ++i) {
        if (i) *out += ',';
        if (!Marshal(v.list_at(i), out, err)) return false;
      }
      *out += ']';
      return true;
    }
    case K::kMap: {
      std::vector<std::pair<std::string, Value>> ents;
      bool ok = true;
      v.map_for_each([&](const Value& k, const Value& val) {
        std::string ks;
        switch (k.kind()) {
          case K::kString: ks = std::string(k.str()); break;
          case K::kInt: ks = std::to_string(k.int_value()); break;
          case K::kUint: ks = std::to_string(k.uint_value()); break;
          case K::kBool: ks = k.bool_value() ? "true" : "false"; break;
          default: ok = false; return false;
        }
        ents.emplace_back(std::move(ks), val);
        return true;
      });
      if (!ok) {
        *err = "json: unsupported map key type";
        return false;
      }
      std::sort(ents.begin(), ents.end(),
                [](const auto& x, const auto& y) { return x.first < y.first; });
      *out += '{';
      for (size_t i = 0; i < ents.size(); ++i) {
        if (i) *out += ',';
        JsonString(ents[i].first, out);
        *out += ':';
        if (!Marshal(ents[i].second, out, err)) return false;
      }
      *out += '}';
      return true;
    }
    default:
      *err = "json.marshal: unsupported type " + std::string(v.TypeName());
      return false;
  }
}

// json.unmarshal: every number becomes a double (Go interface{} decoding).
Value FromJsonOwned(const json::Value& j) {
  switch (j.kind()) {
    case boost::json::kind::null: return Value();
    case boost::json::kind::bool_: return Value::Bool(j.get_bool());
    case boost::json::kind::int64: return Value::Double(static_cast<double>(j.get_int64()));
    case boost::json::kind::uint64: return Value::Double(static_cast<double>(j.get_uint64()));
    case boost::json::kind::double_: return Value::Double(j.get_double());
    case boost::json::kind::string: return Value::String(std::string(j.get_string()));
    case boost::json::kind::array: {
      std::vector<Value> out;
      for (const auto& e : j.get_array()) out.push_back(FromJsonOwned(e));
      return Value::List(std::move(out));
    }
    case boost::json::kind::object: {
      std::vector<std::pair<Value, Value>> out;
      for (const auto& kv : j.get_object()) {
        out.emplace_back(Value::String(std::string(kv.key())), FromJsonOwned(kv.value()));
      }
      return Value::Map(std::move(out));
    }
  }
  return Value();
}

std::vector<Value> ToVector(const Value& list) {
  std::vector<Value> out;
  for (size_t i = 0; i < list.list_size(); ++i) out.push_back(list.list_at(i));
  return out;
}

// deepMerge (kro main after v0.9.3): `other` merged onto `self`; where both hold a map under the
// same key the maps are merged recursively, otherwise `other`'s value wins (lists are replaced,
// not concatenated; a null replaces a map). Key order: `self`'s keys, then `other`'s new ones.
Value DeepMerge(const Value& self, const Value& other) {
  if (other.map_size() == 0) return self;
  if (self.map_size() == 0) return other;
  std::vector<std::pair<Value, Value>> out;
  out.reserve(self.map_size() + other.map_size());
  self.map_for_each([&](const Value& k, const Value& v) {
    std::optional<Value> o = other.map_find(k);
    if (!o) {
      out.emplace_back(k, v);
    } else if (v.is(K::kMap) && o->is(K::kMap)) {
      out.emplace_back(k, DeepMerge(v, *o));
    } else {
      out.emplace_back(k, std::move(*o));
    }
    return true;
  });
  other.map_for_each([&](const Value& k, const Value& v) {
    if (!self.map_find(k)) out.emplace_back(k, v);
    return true;
  });
  return Value::Map(std::move(out));
}

uint32_t Be32(const std::string& h, size_t off) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(h[off])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(h[off + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(h[off + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(h[off + 3]));
}

}  // namespace

void AddKroLibraries(Registry& r) {
  r.AddGlobal("hash.fnv64a", {P(K::kString)},
              KRO_CEL_FN { return Value::Bytes(Fnv64a(a[0].str())); });
  r.AddGlobal("hash.sha256", {P(K::kString)},
              KRO_CEL_FN { return Value::Bytes(Digest(EVP_sha256(), a[0].str())); });
  r.AddGlobal("hash.md5", {P(K::kString)},
              KRO_CEL_FN { return Value::Bytes(Digest(EVP_md5(), a[0].str())); });

  r.AddGlobal("json.marshal", {Any()}, KRO_CEL_FN {
    std::string out, err;
    if (!Marshal(a[0], &out, &err)) return Err(err);
    return Value::String(std::move(out));
  });
  r.AddGlobal("json.unmarshal", {P(K::kString)}, KRO_CEL_FN {
    auto parsed = json::Parse(a[0].str());
    if (!parsed.ok()) return Err("json.unmarshal: " + parsed.status().message());
    return FromJsonOwned(*parsed);
  });

  r.AddGlobal("random.seededString", {P(K::kInt), P(K::kString)}, KRO_CEL_FNC {
    int64_t n = a[0].int_value();
    if (n <= 0) return Err("random.seededString: length must be positive");
    if (!ctx.Spend(n / 16)) return internal::BudgetError();
    static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string h = Digest(EVP_sha256(), a[1].str());
    std::string out;
    out.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      uint32_t v = Be32(h, static_cast<size_t>((4 * i) % 32));
      out += kAlphabet[v % 36];
    }
    return Value::String(std::move(out));
  });
  r.AddGlobal("random.seededInt", {P(K::kInt), P(K::kInt), P(K::kString)}, KRO_CEL_FN {
    int64_t lo = a[0].int_value(), hi = a[1].int_value();
    if (lo >= hi) return Err("random.seededInt: min must be less than max");
    std::string h = Digest(EVP_sha256(), a[2].str());
    uint64_t v = (static_cast<uint64_t>(Be32(h, 0)) << 32) | Be32(h, 4);
    uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    return Value::Int(static_cast<int64_t>(static_cast<uint64_t>(lo) + v % range));
  });

  r.AddMember("merge", {P(K::kMap), P(K::kMap)}, KRO_CEL_FN {
    std::vector<std::pair<Value, Value>> out;
    a[0].map_for_each([&](const Value& k, const Value& v) {
      auto o = a[1].map_find(k);
      out.emplace_back(k, o ? *o : v);
      return true;
    });
    a[1].map_for_each([&](const Value& k, const Value& v) {
      if (!a[0].map_find(k)) out.emplace_back(k, v);
      return true;
    });
    return Value::Map(std::move(out));
  });
  r.AddMember("deepMerge", {P(K::kMap), P(K::kMap)},
              KRO_CEL_FN { return DeepMerge(a[0], a[1]); });

  r.AddGlobal("lists.setAtIndex", {P(K::kList), P(K::kInt), Any()}, KRO_CEL_FN {
    int64_t i = a[1].int_value();
    int64_t n = static_cast<int64_t>(a[0].list_size());
    if (i < 0 || i >= n) {
      return Err(ErrorKind::kIndexOutOfBounds, "lists.setAtIndex: index " + std::to_string(i) +
                                                   " out of bounds for list of size " +
                                                   std::to_string(n));
    }
    std::vector<Value> v = ToVector(a[0]);
    v[static_cast<size_t>(i)] = a[2];
    return Value::List(std::move(v));
  });
  r.AddGlobal("lists.insertAtIndex", {P(K::kList), P(K::kInt), Any()}, KRO_CEL_FN {
    int64_t i = a[1].int_value();
    int64_t n = static_cast<int64_t>(a[0].list_size());
    if (i < 0 || i > n) {
      return Err(ErrorKind::kIndexOutOfBounds, "lists.insertAtIndex: index " +
                                                   std::to_string(i) +
                                                   " out of bounds for list of size " +
                                                   std::to_string(n));
    }
    std::vector<Value> v = ToVector(a[0]);
    v.insert(v.begin() + i, a[2]);
    return Value::List(std::move(v));
  });
  r.AddGlobal("lists.removeAtIndex", {P(K::kList), P(K::kInt)}, KRO_CEL_FN {
    int64_t i = a[1].int_value();
    int64_t n = static_cast<int64_t>(a[0].list_size());
    if (i < 0 || i >= n) {
      return Err(ErrorKind::kIndexOutOfBounds, "lists.removeAtIndex: index " +
                                                   std::to_string(i) +
                                                   " out of bounds for list of size " +
                                                   std::to_string(n));
    }
    std::vector<Value> v = ToVector(a[0]);
    v.erase(v.begin() + i);
    return Value::List(std::move(v));
  });

  AddOmitFunction(r);
}

}  // namespace kro::cel
