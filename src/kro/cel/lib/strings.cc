// cel-go ext.Strings (latest version): indexes count code points, as Go runes.
#include <algorithm>

#include "kro/cel/common/utf8.h"
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "kro/cel/eval/time.h"
#include "kro/cel/lib/internal/fn.h"
#include "kro/cel/lib/library.h"

namespace kro::cel {
namespace {

using internal::Any;
using internal::Err;
using internal::K;
using internal::P;

// Decodes UTF-8 into code points (invalid bytes become U+FFFD, as Go).
std::u32string Runes(std::string_view s) {
  std::u32string out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                               : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size() || !ValidUtf8(s.substr(i, len))) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? c : (c & (0xFF >> (len + 1)));
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string Utf8(const std::u32string& r, size_t from = 0, size_t to = std::u32string::npos) {
  std::string out;
  if (to > r.size()) to = r.size();
  for (size_t i = from; i < to; ++i) AppendUtf8(r[i], &out);
  return out;
}

Value OutOfRange(int64_t i) { return Err("index out of range: " + std::to_string(i)); }

Value IndexOf(std::string_view str, std::string_view sub, int64_t off) {
  if (off < 0) return OutOfRange(off);
  std::u32string runes = Runes(str);
  int64_t n = static_cast<int64_t>(runes.size());
  if (sub.empty()) return Value::Int(off > n ? n : off);
  std::u32string s = Runes(sub);
  int64_t m = static_cast<int64_t>(s.size());
  if (off >= n) return Value::Int(-1);
  for (int64_t i = off; i < n - (m - 1); ++i) {
    if (runes.compare(static_cast<size_t>(i), s.size(), s) == 0) return Value::Int(i);
  }
  return Value::Int(-1);
}

Value LastIndexOf(std::string_view str, std::string_view sub, int64_t off) {
  if (off < 0) return OutOfRange(off);
  std::u32string runes = Runes(str);
  int64_t n = static_cast<int64_t>(runes.size());
  if (sub.empty()) return Value::Int(off > n ? n : off);
  std::u32string s = Runes(sub);
  int64_t m = static_cast<int64_t>(s.size());
  if (off >= n) return Value::Int(-1);
  if (off > n - m) off = n - m;
  for (int64_t i = off; i >= 0; --i) {
    if (runes.compare(static_cast<size_t>(i), s.size(), s) == 0) return Value::Int(i);
  }
  return Value::Int(-1);
}

// Go strings.Replace.
std::string Replace(std::string_view s, std::string_view old, std::string_view repl, int64_t n) {
  if (n == 0 || old == repl) return std::string(s);
  std::string out;
  if (old.empty()) {
    std::u32string runes = Runes(s);
    int64_t done = 0;
    size_t pos = 0;
    // Insert before every rune and at the end.
    for (size_t i = 0; i <= runes.size(); ++i) {
      if (n < 0 || done < n) {
        out += repl;
        ++done;
      }
      if (i < runes.size()) AppendUtf8(runes[i], &out);
      (void)pos;
    }
    return out;
  }
  size_t start = 0;
  int64_t done = 0;
  while (n < 0 || done < n) {
    size_t f = s.find(old, start);
    if (f == std::string_view::npos) break;
    out += s.substr(start, f - start);
    out += repl;
    start = f + old.size();
    ++done;
  }
  out += s.substr(start);
  return out;
}

// Go strings.SplitN.
Value Split(std::string_view s, std::string_view sep, int64_t n) {
  std::vector<Value> out;
  if (n == 0) return Value::List({});
  if (sep.empty()) {
    std::u32string runes = Runes(s);
    for (size_t i = 0; i < runes.size(); ++i) {
      if (n > 0 && static_cast<int64_t>(out.size()) == n - 1) {
        out.push_back(Value::String(Utf8(runes, i)));
        return Value::List(std::move(out));
      }
      out.push_back(Value::String(Utf8(runes, i, i + 1)));
    }
    return Value::List(std::move(out));
  }
  size_t start = 0;
  while (n < 0 || static_cast<int64_t>(out.size()) < n - 1) {
    size_t f = s.find(sep, start);
    if (f == std::string_view::npos) break;
    out.push_back(Value::String(std::string(s.substr(start, f - start))));
    start = f + sep.size();
  }
  out.push_back(Value::String(std::string(s.substr(start))));
  return Value::List(std::move(out));
}

bool IsSpace(char32_t c) {
  switch (c) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

Value Join(const Value& list, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < list.list_size(); ++i) {
    Value e = list.list_at(i);
    if (e.kind() != K::kString) return Err("join: invalid input: " + e.DebugString());
    if (i) out += sep;
    out += e.str();
  }
  return Value::String(std::move(out));
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char32_t c : Runes(s)) {
    switch (c) {
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default: AppendUtf8(c, &out);
    }
  }
  return out + "\"";
}

// ---- format() ----

std::string FixedDouble(double d, int prec) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  std::vector<char> buf(static_cast<size_t>(prec) + 400);
  std::snprintf(buf.data(), buf.size(), "%.*f", prec, d);
  return buf.data();
}

std::string SciDouble(double d, int prec) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  std::vector<char> buf(static_cast<size_t>(prec) + 64);
  std::snprintf(buf.data(), buf.size(), "%.*e", prec, d);
  return buf.data();
}

std::string ShortestFixed(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

bool FormatString(const Value& v, std::string* out, std::string* err) {
  switch (v.kind()) {
    case K::kBool: *out += v.bool_value() ? "true" : "false"; return true;
    case K::kInt: *out += std::to_string(v.int_value()); return true;
    case K::kUint: *out += std::to_string(v.uint_value()); return true;
    case K::kDouble: *out += ShortestFixed(v.double_value()); return true;
    case K::kBytes:
    case K::kString: *out += v.str(); return true;
    case K::kDuration: {
      *out += FormatCelDuration(v.nanos());
      return true;
    }
    case K::kTimestamp: *out += FormatRfc3339(v.nanos()); return true;
    case K::kNull: *out += "null"; return true;
    case K::kType: *out += v.type_name(); return true;
    case K::kList: {
      *out += "[";
      for (size_t i = 0; i < v.list_size(); ++i) {
        if (i) *out += ", ";
        if (!FormatString(v.list_at(i), out, err)) return false;
      }
      *out += "]";
      return true;
    }
    case K::kMap: {
      std::vector<std::pair<std::string, std::string>> ents;
      bool ok = true;
      v.map_for_each([&](const Value& k, const Value& val) {
        std::string ks, vs;
        if (!FormatString(k, &ks, err) || !FormatString(val, &vs, err)) {
          ok = false;
          return false;
        }
        ents.emplace_back(std::move(ks), std::move(vs));
        return true;
      });
      if (!ok) return false;
      std::stable_sort(ents.begin(), ents.end(),
                       [](const auto& x, const auto& y) { return x.first < y.first; });
      *out += "{";
      for (size_t i = 0; i < ents.size(); ++i) {
        if (i) *out += ", ";
        *out += ents[i].first + ": " + ents[i].second;
      }
      *out += "}";
      return true;
    }
    default:
      *err = "string clause can only be used on strings, bools, bytes, ints, doubles, maps, "
             "lists, types, durations, and timestamps, was given " +
             std::string(v.TypeName());
      return false;
  }
}

std::string ToBase(uint64_t u, int base, bool upper) {
  if (u == 0) return "0";
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string s;
  while (u) {
    s.insert(s.begin(), digits[u % static_cast<uint64_t>(base)]);
    u /= static_cast<uint64_t>(base);
  }
  return s;
}

std::string SignedBase(int64_t i, int base, bool upper) {
  if (i < 0) return "-" + ToBase(static_cast<uint64_t>(0) - static_cast<uint64_t>(i), base, upper);
  return ToBase(static_cast<uint64_t>(i), base, upper);
}

bool FormatClause(char verb, int prec, const Value& v, std::string* out, std::string* err) {
  auto bad = [&](const char* what) {
    *err = std::string(what) + " clause can only be used on " +
           (verb == 'd'   ? "integers and doubles"
            : verb == 'b' ? "integers and bools"
            : verb == 'o' ? "integers"
            : verb == 'x' || verb == 'X' ? "integers, byte buffers, and strings"
                                         : "integers and doubles") +
           ", was given " + std::string(v.TypeName());
    return false;
  };
  switch (verb) {
    case 's': return FormatString(v, out, err);
    case 'd':
      if (v.kind() == K::kInt) {
        *out += std::to_string(v.int_value());
      } else if (v.kind() == K::kUint) {
        *out += std::to_string(v.uint_value());
      } else if (v.kind() == K::kDouble) {
        *out += ShortestFixed(v.double_value());
      } else {
        return bad("decimal");
      }
      return true;
    case 'f':
    case 'e': {
      double d;
      if (v.kind() == K::kInt) {
        d = static_cast<double>(v.int_value());
      } else if (v.kind() == K::kUint) {
        d = static_cast<double>(v.uint_value());
      } else if (v.kind() == K::kDouble) {
        d = v.double_value();
      } else {
        return bad(verb == 'f' ? "fixed-point" : "scientific");
      }
      *out += verb == 'f' ? FixedDouble(d, prec) : SciDouble(d, prec);
      return true;
    }
    case 'b':
      if (v.kind() == K::kBool) {
        *out += v.bool_value() ? "1" : "0";
      } else if (v.kind() == K::kInt) {
        *out += SignedBase(v.int_value(), 2, false);
      } else if (v.kind() == K::kUint) {
        *out += ToBase(v.uint_value(), 2, false);
      } else {
        return bad("binary");
      }
      return true;
    case 'o':
      if (v.kind() == K::kInt) {
        *out += SignedBase(v.int_value(), 8, false);
      } else if (v.kind() == K::kUint) {
        *out += ToBase(v.uint_value(), 8, false);
      } else {
        return bad("octal");
      }
      return true;
    case 'x':
    case 'X': {
      bool up = verb == 'X';
      if (v.kind() == K::kInt) {
        *out += SignedBase(v.int_value(), 16, up);
      } else if (v.kind() == K::kUint) {
        *out += ToBase(v.uint_value(), 16, up);
      } else if (v.kind() == K::kString || v.kind() == K::kBytes) {
        const char* digits = up ? "0123456789ABCDEF" : "0123456789abcdef";
        for (char c : v.str()) {
          unsigned char b = static_cast<unsigned char>(c);
          *out += digits[b >> 4];
          *out += digits[b & 15];
        }
      } else {
        return bad("hex");
      }
      return true;
    }
    default:
      *err = std::string("could not parse formatting clause: unrecognized formatting clause \"") +
             verb + "\"";
      return false;
  }
}

Value Format(std::string_view f, const Value& args) {
  std::string out;
  size_t argi = 0;
  for (size_t i = 0; i < f.size();) {
    if (f[i] != '%') {
      out += f[i++];
      continue;
    }
    if (i + 1 < f.size() && f[i + 1] == '%') {
      out += '%';
      i += 2;
      continue;
    }
    if (argi >= args.list_size()) return Err("index " + std::to_string(argi) + " out of range");
    if (i + 1 >= f.size()) return Err("unexpected end of string");
    size_t j = i + 1;
    int prec = 6;
    if (f[j] == '.') {
      ++j;
      size_t ds = j;
      while (j < f.size() && f[j] >= '0' && f[j] <= '9') ++j;
      if (j >= f.size()) {
        return Err("could not parse formatting clause: error while parsing precision: could not "
                   "find end of precision specifier");
      }
      if (j == ds || j - ds > 6) return Err("could not parse formatting clause: bad precision");
      prec = std::stoi(std::string(f.substr(ds, j - ds)));
    }
    char verb = f[j];
    std::string err;
    if (!FormatClause(verb, prec, args.list_at(argi), &out, &err)) {
      return Err("error during formatting: " + err);
    }
    ++argi;
    i = j + 1;
  }
  return Value::String(std::move(out));
}

}  // namespace

void AddStringsLibrary(Registry& r) {
  r.AddMember("charAt", {P(K::kString), P(K::kInt)}, KRO_CEL_FN {
    std::u32string runes = Runes(a[0].str());
    int64_t i = a[1].int_value();
    if (i < 0 || i > static_cast<int64_t>(runes.size())) return OutOfRange(i);
    if (i == static_cast<int64_t>(runes.size())) return Value::String("");
    return Value::String(Utf8(runes, static_cast<size_t>(i), static_cast<size_t>(i) + 1));
  });
  r.AddMember("indexOf", {P(K::kString), P(K::kString)},
              KRO_CEL_FN { return IndexOf(a[0].str(), a[1].str(), 0); });
  r.AddMember("indexOf", {P(K::kString), P(K::kString), P(K::kInt)},
              KRO_CEL_FN { return IndexOf(a[0].str(), a[1].str(), a[2].int_value()); });
  r.AddMember("lastIndexOf", {P(K::kString), P(K::kString)}, KRO_CEL_FN {
    int64_t n = static_cast<int64_t>(CodePointCount(a[0].str()));
    if (a[1].str().empty()) return Value::Int(n);
    if (a[0].str().size() < a[1].str().size()) return Value::Int(-1);
    return LastIndexOf(a[0].str(), a[1].str(), n - 1);
  });
  r.AddMember("lastIndexOf", {P(K::kString), P(K::kString), P(K::kInt)},
              KRO_CEL_FN { return LastIndexOf(a[0].str(), a[1].str(), a[2].int_value()); });
  r.AddMember("lowerAscii", {P(K::kString)}, KRO_CEL_FN {
    std::string s(a[0].str());
    for (char& c : s) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return Value::String(std::move(s));
  });
  r.AddMember("upperAscii", {P(K::kString)}, KRO_CEL_FN {
    std::string s(a[0].str());
    for (char& c : s) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return Value::String(std::move(s));
  });
  r.AddMember("replace", {P(K::kString), P(K::kString), P(K::kString)},
              KRO_CEL_FN { return Value::String(Replace(a[0].str(), a[1].str(), a[2].str(), -1)); });
  r.AddMember("replace", {P(K::kString), P(K::kString), P(K::kString), P(K::kInt)}, KRO_CEL_FN {
    return Value::String(Replace(a[0].str(), a[1].str(), a[2].str(), a[3].int_value()));
  });
  r.AddMember("split", {P(K::kString), P(K::kString)},
              KRO_CEL_FN { return Split(a[0].str(), a[1].str(), -1); });
  r.AddMember("split", {P(K::kString), P(K::kString), P(K::kInt)},
              KRO_CEL_FN { return Split(a[0].str(), a[1].str(), a[2].int_value()); });
  r.AddMember("substring", {P(K::kString), P(K::kInt)}, KRO_CEL_FN {
    std::u32string runes = Runes(a[0].str());
    int64_t s = a[1].int_value();
    if (s < 0 || s > static_cast<int64_t>(runes.size())) return OutOfRange(s);
    return Value::String(Utf8(runes, static_cast<size_t>(s)));
  });
  r.AddMember("substring", {P(K::kString), P(K::kInt), P(K::kInt)}, KRO_CEL_FN {
    std::u32string runes = Runes(a[0].str());
    int64_t s = a[1].int_value(), e = a[2].int_value();
    int64_t l = static_cast<int64_t>(runes.size());
    if (s > e) {
      return Err("invalid substring range. start: " + std::to_string(s) +
                 ", end: " + std::to_string(e));
    }
    if (s < 0 || s > l) return OutOfRange(s);
    if (e < 0 || e > l) return OutOfRange(e);
    return Value::String(Utf8(runes, static_cast<size_t>(s), static_cast<size_t>(e)));
  });
  r.AddMember("trim", {P(K::kString)}, KRO_CEL_FN {
    std::u32string runes = Runes(a[0].str());
    size_t b = 0, e = runes.size();
    while (b < e && IsSpace(runes[b])) ++b;
    while (e > b && IsSpace(runes[e - 1])) --e;
    return Value::String(Utf8(runes, b, e));
  });
  r.AddMember("join", {P(K::kList)}, KRO_CEL_FN { return Join(a[0], ""); });
  r.AddMember("join", {P(K::kList), P(K::kString)}, KRO_CEL_FN { return Join(a[0], a[1].str()); });
  r.AddGlobal("strings.quote", {P(K::kString)},
              KRO_CEL_FN { return Value::String(Quote(a[0].str())); });
  r.AddMember("reverse", {P(K::kString)}, KRO_CEL_FN {
    std::u32string runes = Runes(a[0].str());
    std::reverse(runes.begin(), runes.end());
    return Value::String(Utf8(runes));
  });
  r.AddMember("format", {P(K::kString), P(K::kList)},
              KRO_CEL_FN { return Format(a[0].str(), a[1]); });
}

}  // namespace kro::cel
