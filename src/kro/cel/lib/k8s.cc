// Kubernetes CEL libraries (k8s.io/apiserver pkg/cel/library): lists, regex, url, quantity,
// semver (version 0), ip, cidr.
#include <arpa/inet.h>
#include <re2/re2.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kro/cel/eval/regex_cache.h"
#include "kro/cel/lib/internal/fn.h"
#include "kro/cel/lib/library.h"

namespace kro::cel {
namespace {

using internal::AddWithPattern;
using internal::Any;
using internal::Err;
using internal::K;
using internal::Opaque;
using internal::P;

// ---------------------------------------------------------------- lists

Value ListIsSorted(const Value& l) {
  for (size_t i = 1; i < l.list_size(); ++i) {
    bool comparable;
    auto c = Compare(l.list_at(i - 1), l.list_at(i), &comparable);
    if (!comparable) return Err(ErrorKind::kNoMatchingOverload, "isSorted: elements not comparable");
    if (c && *c > 0) return Value::Bool(false);
  }
  return Value::Bool(true);
}

Value ListExtreme(const Value& l, bool want_max) {
  if (l.list_size() == 0) {
    return Err(std::string(want_max ? "max" : "min") + " called on empty list");
  }
  Value best = l.list_at(0);
  for (size_t i = 1; i < l.list_size(); ++i) {
    Value e = l.list_at(i);
    bool comparable;
    auto c = Compare(e, best, &comparable);
    if (!comparable) {
      Value args[2] = {e, best};
      return NoMatchingOverload(want_max ? "max" : "min", args, 2);
    }
    if (c && ((want_max && *c > 0) || (!want_max && *c < 0))) best = e;
  }
  return best;
}

Value ListSum(const Value& l, EvalContext& ctx) {
  if (l.list_size() == 0) return Value::Int(0);
  Value acc = l.list_at(0);
  const auto* add = DefaultRegistry()->Find("_+_");
  std::vector<const Overload*> cands;
  for (const auto& o : *add) cands.push_back(&o);
  for (size_t i = 1; i < l.list_size(); ++i) {
    Value args[2] = {acc, l.list_at(i)};
    acc = Dispatch("_+_", cands, args, 2, ctx);
    if (acc.is_error()) return acc;
  }
  return acc;
}

// ---------------------------------------------------------------- regex

std::optional<Value> CompileError(const RE2& re) {
  if (re.ok()) return std::nullopt;
  return Err("invalid regular expression: " + re.error());
}

Value FindAll(std::string_view s, std::string_view pattern, int64_t n, EvalContext& ctx) {
  std::shared_ptr<const RE2> compiled = CompileRegex(ctx.regexes, pattern);
  const RE2& re = *compiled;
  if (auto e = CompileError(re)) return *e;
  std::vector<Value> out;
  if (n == 0) return Value::List({});
  re2::StringPiece input(s.data(), s.size());
  size_t pos = 0;
  size_t prev_end = std::string_view::npos;
  while (pos <= s.size() && (n < 0 || static_cast<int64_t>(out.size()) < n)) {
    re2::StringPiece m;
    if (!re.Match(input, pos, s.size(), RE2::UNANCHORED, &m, 1)) break;
    size_t start = static_cast<size_t>(m.data() - s.data());
    size_t end = start + m.size();
    if (m.empty() && start == prev_end) {
      // Go skips an empty match right after the previous match.
      pos = start + 1;
      continue;
    }
    out.push_back(Value::String(std::string(m.data(), m.size())));
    prev_end = end;
    pos = m.empty() ? end + 1 : end;
  }
  return Value::List(std::move(out));
}

// ---------------------------------------------------------------- url

class UrlValue : public OpaqueValue {
 public:
  std::string raw, scheme, host, path, raw_path, query, opaque;
  std::string_view TypeName() const override { return "kubernetes.URL"; }
  bool Equals(const OpaqueValue& o) const override {
    return raw == static_cast<const UrlValue&>(o).raw;
  }
  std::string DebugString() const override { return raw; }
};

int Unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Unescape(std::string_view s, std::string* out, bool query) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return false;
      int h = Unhex(s[i + 1]), l = Unhex(s[i + 2]);
      if (h < 0 || l < 0) return false;
      out->push_back(static_cast<char>(h * 16 + l));
      i += 2;
    } else if (query && s[i] == '+') {
      out->push_back(' ');
    } else {
      out->push_back(s[i]);
    }
  }
  return true;
}

std::shared_ptr<UrlValue> ParseRequestUri(std::string_view s) {
  auto u = std::make_shared<UrlValue>();
  u->raw = std::string(s);
  if (s.empty()) return nullptr;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ' ') return nullptr;
  }
  std::string_view rest = s;
  size_t q = rest.find('?');
  if (q != std::string_view::npos) {
    u->query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (rest.empty() || rest[0] != '/') {
    // scheme
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos || colon == 0) return nullptr;
    for (size_t i = 0; i < colon; ++i) {
      char c = rest[i];
      bool ok = std::isalpha(static_cast<unsigned char>(c)) ||
                (i > 0 && (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' ||
                           c == '.'));
      if (!ok) return nullptr;
    }
    u->scheme = std::string(rest.substr(0, colon));
    for (char& c : u->scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest = rest.substr(colon + 1);
    if (rest.empty() || rest[0] != '/') {
      u->opaque = std::string(rest);
      return u;
    }
  }
  if (!u->scheme.empty() && rest.substr(0, 2) == "//") {
    rest = rest.substr(2);
    size_t slash = rest.find('/');
    std::string_view auth = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    size_t at = auth.rfind('@');
    if (at != std::string_view::npos) auth = auth.substr(at + 1);
    u->host = std::string(auth);
    // Validate the port.
    size_t pc = u->host.rfind(':');
    size_t rb = u->host.rfind(']');
    if (pc != std::string::npos && (rb == std::string::npos || pc > rb)) {
      for (size_t i = pc + 1; i < u->host.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(u->host[i]))) return nullptr;
      }
    }
    if (!u->host.empty() && u->host[0] == '[' && rb == std::string::npos) return nullptr;
  }
  u->raw_path = std::string(rest);
  if (!Unescape(rest, &u->path, false)) return nullptr;
  return u;
}

const UrlValue& AsUrl(const Value& v) { return static_cast<const UrlValue&>(v.opaque()); }

std::string EscapePath(std::string_view p) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : p) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == '$' ||
        c == '&' || c == '+' || c == ',' || c == ':' || c == ';' || c == '=' || c == '@' ||
        c == '!' || c == '\'' || c == '(' || c == ')' || c == '*') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// ---------------------------------------------------------------- quantity

// value = mantissa * 10^exp (exact; binary suffixes folded into the mantissa).
class QuantityValue : public OpaqueValue {
 public:
  Int128 mantissa = 0;
  int exp = 0;
  std::string text;
  std::string_view TypeName() const override { return "kubernetes.Quantity"; }
  bool Equals(const OpaqueValue& o) const override;
  std::string DebugString() const override { return text; }
};

int CompareQuantities(const QuantityValue& a, const QuantityValue& b) {
  Int128 x = a.mantissa, y = b.mantissa;
  int ex = a.exp, ey = b.exp;
  if ((x < 0) != (y < 0)) return x < 0 ? -1 : 1;
  while (ex > ey) {
    if (x > static_cast<Int128>(INT64_MAX) * 1000000000LL || x < -static_cast<Int128>(INT64_MAX) * 1000000000LL) {
      long double lx = static_cast<long double>(x) * std::pow(10.0L, ex);
      long double ly = static_cast<long double>(y) * std::pow(10.0L, ey);
      return lx < ly ? -1 : (lx > ly ? 1 : 0);
    }
    x *= 10;
    --ex;
  }
  while (ey > ex) {
    if (y > static_cast<Int128>(INT64_MAX) * 1000000000LL || y < -static_cast<Int128>(INT64_MAX) * 1000000000LL) {
      long double lx = static_cast<long double>(x) * std::pow(10.0L, ex);
      long double ly = static_cast<long double>(y) * std::pow(10.0L, ey);
      return lx < ly ? -1 : (lx > ly ? 1 : 0);
    }
    y *= 10;
    --ey;
  }
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool QuantityValue::Equals(const OpaqueValue& o) const {
  return CompareQuantities(*this, static_cast<const QuantityValue&>(o)) == 0;
}

void Normalize(QuantityValue* q) {
  if (q->mantissa == 0) {
    q->exp = 0;
    return;
  }
  while (q->mantissa % 10 == 0) {
    q->mantissa /= 10;
    ++q->exp;
  }
}

std::shared_ptr<QuantityValue> ParseQuantity(std::string_view s) {
  auto q = std::make_shared<QuantityValue>();
  q->text = std::string(s);
  if (s.empty()) return nullptr;
  size_t p = 0;
  bool neg = false;
  if (s[p] == '+' || s[p] == '-') {
    neg = s[p] == '-';
    ++p;
  }
  Int128 m = 0;
  int exp = 0;
  int digits = 0;
  size_t ds = p;
  while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) {
    if (digits < 30) {
      m = m * 10 + (s[p] - '0');
      if (m != 0) ++digits;
    } else {
      ++exp;
    }
    ++p;
  }
  bool had_int = p > ds;
  bool had_frac = false;
  if (p < s.size() && s[p] == '.') {
    ++p;
    size_t fs = p;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) {
      if (digits < 30) {
        m = m * 10 + (s[p] - '0');
        if (m != 0) ++digits;
        --exp;
      }
      ++p;
    }
    had_frac = p > fs;
  }
  if (!had_int && !had_frac) return nullptr;
  std::string_view suffix = s.substr(p);
  int bin = 0;
  if (suffix.empty()) {
  } else if (suffix == "Ki") {
    bin = 10;
  } else if (suffix == "Mi") {
    bin = 20;
  } else if (suffix == "Gi") {
    bin = 30;
  } else if (suffix == "Ti") {
    bin = 40;
  } else if (suffix == "Pi") {
    bin = 50;
  } else if (suffix == "Ei") {
    bin = 60;
  } else if (suffix == "n") {
    exp -= 9;
  } else if (suffix == "u") {
    exp -= 6;
  } else if (suffix == "m") {
    exp -= 3;
  } else if (suffix == "k") {
    exp += 3;
  } else if (suffix == "M") {
    exp += 6;
  } else if (suffix == "G") {
    exp += 9;
  } else if (suffix == "T") {
    exp += 12;
  } else if (suffix == "P") {
    exp += 15;
  } else if (suffix == "E") {
    exp += 18;
  } else if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::string_view e = suffix.substr(1);
    bool eneg = false;
    if (!e.empty() && (e[0] == '+' || e[0] == '-')) {
      eneg = e[0] == '-';
      e.remove_prefix(1);
    }
    if (e.empty() || e.size() > 6) return nullptr;
    int ev = 0;
    for (char c : e) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return nullptr;
      ev = ev * 10 + (c - '0');
    }
    exp += eneg ? -ev : ev;
  } else {
    return nullptr;
  }
  if (bin > 0) {
    // Multiply exactly by 2^bin; keep the mantissa in range by trading factors of 10.
    for (int i = 0; i < bin; ++i) {
      if (m > (static_cast<Int128>(1) << 120)) return nullptr;
      m *= 2;
    }
  }
  q->mantissa = neg ? -m : m;
  q->exp = exp;
  Normalize(q.get());
  return q;
}

const QuantityValue& AsQ(const Value& v) { return static_cast<const QuantityValue&>(v.opaque()); }

Value MakeQ(Int128 m, int exp) {
  auto q = std::make_shared<QuantityValue>();
  q->mantissa = m;
  q->exp = exp;
  Normalize(q.get());
  q->text = "quantity";
  return Value::Opaque(std::move(q));
}

Value AddQ(const QuantityValue& a, Int128 bm, int be, bool sub) {
  Int128 x = a.mantissa, y = sub ? -bm : bm;
  int ex = a.exp, ey = be;
  while (ex > ey) {
    x *= 10;
    --ex;
  }
  while (ey > ex) {
    y *= 10;
    --ey;
  }
  return MakeQ(x + y, ex);
}

std::optional<int64_t> QAsInt64(const QuantityValue& q) {
  if (q.exp < 0) return std::nullopt;
  Int128 m = q.mantissa;
  for (int i = 0; i < q.exp; ++i) {
    m *= 10;
    if (m > static_cast<Int128>(INT64_MAX) || m < static_cast<Int128>(INT64_MIN)) {
      return std::nullopt;
    }
  }
  if (m > static_cast<Int128>(INT64_MAX) || m < static_cast<Int128>(INT64_MIN)) {
    return std::nullopt;
  }
  return static_cast<int64_t>(m);
}

// ---------------------------------------------------------------- semver

class SemverValue : public OpaqueValue {
 public:
  uint64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> pre;
  std::string text;
  std::string_view TypeName() const override { return "kubernetes.Semver"; }
  bool Equals(const OpaqueValue& o) const override;
  std::string DebugString() const override { return text; }
};

bool IsNumeric(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool ParseNum(std::string_view s, uint64_t* out) {
  if (!IsNumeric(s) || (s.size() > 1 && s[0] == '0')) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc();
}

bool ValidIdent(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  }
  return true;
}

std::vector<std::string_view> SplitOn(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t f = s.find(sep, start);
    out.push_back(s.substr(start, f == std::string_view::npos ? f : f - start));
    if (f == std::string_view::npos) break;
    start = f + 1;
  }
  return out;
}

std::shared_ptr<SemverValue> ParseSemver(std::string_view s) {
  auto v = std::make_shared<SemverValue>();
  v->text = std::string(s);
  size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    for (auto id : SplitOn(s.substr(plus + 1), '.')) {
      if (!ValidIdent(id)) return nullptr;
    }
    s = s.substr(0, plus);
  }
  size_t dash = s.find('-');
  if (dash != std::string_view::npos) {
    for (auto id : SplitOn(s.substr(dash + 1), '.')) {
      if (!ValidIdent(id)) return nullptr;
      if (IsNumeric(id) && id.size() > 1 && id[0] == '0') return nullptr;
      v->pre.emplace_back(id);
    }
    s = s.substr(0, dash);
  }
  auto parts = SplitOn(s, '.');
  if (parts.size() != 3) return nullptr;
  if (!ParseNum(parts[0], &v->major) || !ParseNum(parts[1], &v->minor) ||
      !ParseNum(parts[2], &v->patch)) {
    return nullptr;
  }
  return v;
}

int CompareSemver(const SemverValue& a, const SemverValue& b) {
  auto c3 = [](uint64_t x, uint64_t y) { return x < y ? -1 : (x > y ? 1 : 0); };
  if (int c = c3(a.major, b.major)) return c;
  if (int c = c3(a.minor, b.minor)) return c;
  if (int c = c3(a.patch, b.patch)) return c;
  if (a.pre.empty() && b.pre.empty()) return 0;
  if (a.pre.empty()) return 1;
  if (b.pre.empty()) return -1;
  for (size_t i = 0; i < a.pre.size() && i < b.pre.size(); ++i) {
    bool na = IsNumeric(a.pre[i]), nb = IsNumeric(b.pre[i]);
    if (na && nb) {
      uint64_t x = std::strtoull(a.pre[i].c_str(), nullptr, 10);
      uint64_t y = std::strtoull(b.pre[i].c_str(), nullptr, 10);
      if (int c = c3(x, y)) return c;
    } else if (na != nb) {
      return na ? -1 : 1;
    } else if (a.pre[i] != b.pre[i]) {
      return a.pre[i] < b.pre[i] ? -1 : 1;
    }
  }
  return c3(a.pre.size(), b.pre.size());
}

bool SemverValue::Equals(const OpaqueValue& o) const {
  return CompareSemver(*this, static_cast<const SemverValue&>(o)) == 0;
}

const SemverValue& AsSv(const Value& v) { return static_cast<const SemverValue&>(v.opaque()); }

// ---------------------------------------------------------------- ip / cidr

struct Addr {
  bool v6 = false;
  unsigned char b[16] = {};
  size_t len() const { return v6 ? 16 : 4; }
};

bool ParseAddr(std::string_view s, Addr* a, std::string* err) {
  std::string t(s);
  if (t.find('%') != std::string::npos) {
    *err = "IP address with zone value is not allowed";
    return false;
  }
  if (t.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, t.c_str(), a->b) != 1) {
      *err = "IP Address \"" + t + "\" parse error";
      return false;
    }
    a->v6 = true;
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a->b, kMapped, 12) == 0) {
      *err = "IPv4-mapped IPv6 address \"" + t + "\" is not allowed";
      return false;
    }
    return true;
  }
  if (inet_pton(AF_INET, t.c_str(), a->b) != 1) {
    *err = "IP Address \"" + t + "\" parse error";
    return false;
  }
  a->v6 = false;
  return true;
}

std::string FormatAddr(const Addr& a) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.b, buf, sizeof buf);
  return buf;
}

class IpValue : public OpaqueValue {
 public:
  Addr addr;
  std::string_view TypeName() const override { return "net.IP"; }
  bool Equals(const OpaqueValue& o) const override {
    const auto& x = static_cast<const IpValue&>(o).addr;
    return x.v6 == addr.v6 && std::memcmp(x.b, addr.b, addr.len()) == 0;
  }
  std::string DebugString() const override { return FormatAddr(addr); }
};

class CidrValue : public OpaqueValue {
 public:
  Addr addr;
  int bits = 0;
  std::string_view TypeName() const override { return "net.CIDR"; }
  bool Equals(const OpaqueValue& o) const override {
    const auto& x = static_cast<const CidrValue&>(o);
    return x.addr.v6 == addr.v6 && x.bits == bits && std::memcmp(x.addr.b, addr.b, addr.len()) == 0;
  }
  std::string DebugString() const override { return FormatAddr(addr) + "/" + std::to_string(bits); }
};

Value MakeIp(const Addr& a) {
  auto v = std::make_shared<IpValue>();
  v->addr = a;
  return Value::Opaque(std::move(v));
}

bool ParseCidr(std::string_view s, CidrValue* c, std::string* err) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) {
    *err = "network address parse error during conversion from string: no '/'";
    return false;
  }
  if (!ParseAddr(s.substr(0, slash), &c->addr, err)) return false;
  std::string_view bits = s.substr(slash + 1);
  if (bits.empty() || bits.size() > 3 || (bits.size() > 1 && bits[0] == '0')) {
    *err = "network address parse error: bad prefix length";
    return false;
  }
  int b = 0;
  for (char ch : bits) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) {
      *err = "network address parse error: bad prefix length";
      return false;
    }
    b = b * 10 + (ch - '0');
  }
  if (b > static_cast<int>(c->addr.len() * 8)) {
    *err = "network address parse error: prefix length out of range";
    return false;
  }
  c->bits = b;
  return true;
}

Addr Masked(const Addr& a, int bits) {
  Addr m = a;
  for (size_t i = 0; i < m.len(); ++i) {
    int keep = bits - static_cast<int>(i) * 8;
    if (keep >= 8) continue;
    if (keep <= 0) {
      m.b[i] = 0;
    } else {
      m.b[i] &= static_cast<unsigned char>(0xFF << (8 - keep));
    }
  }
  return m;
}

bool Contains(const CidrValue& c, const Addr& a) {
  if (a.v6 != c.addr.v6) return false;
  Addr x = Masked(a, c.bits), y = Masked(c.addr, c.bits);
  return std::memcmp(x.b, y.b, x.len()) == 0;
}

const IpValue& AsIp(const Value& v) { return static_cast<const IpValue&>(v.opaque()); }
const CidrValue& AsCidr(const Value& v) { return static_cast<const CidrValue&>(v.opaque()); }

bool IsLoopback(const Addr& a) {
  if (!a.v6) return a.b[0] == 127;
  static const unsigned char kOne[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return std::memcmp(a.b, kOne, 16) == 0;
}
bool IsUnspecified(const Addr& a) {
  for (size_t i = 0; i < a.len(); ++i) {
    if (a.b[i]) return false;
  }
  return true;
}
bool IsLinkLocalUnicast(const Addr& a) {
  if (!a.v6) return a.b[0] == 169 && a.b[1] == 254;
  return a.b[0] == 0xfe && (a.b[1] & 0xc0) == 0x80;
}
bool IsLinkLocalMulticast(const Addr& a) {
  if (!a.v6) return a.b[0] == 224 && a.b[1] == 0 && a.b[2] == 0;
  return a.b[0] == 0xff && (a.b[1] & 0x0f) == 0x02;
}
bool IsMulticast(const Addr& a) { return a.v6 ? a.b[0] == 0xff : (a.b[0] & 0xf0) == 0xe0; }
bool IsGlobalUnicast(const Addr& a) {
  if (!a.v6 && a.b[0] == 255 && a.b[1] == 255 && a.b[2] == 255 && a.b[3] == 255) return false;
  return !IsUnspecified(a) && !IsLoopback(a) && !IsMulticast(a) && !IsLinkLocalUnicast(a);
}

template <bool (*kPred)(const Addr&)>
Value IpPred(const Value* a, size_t, EvalContext&) {
  return Value::Bool(kPred(AsIp(a[0]).addr));
}

}  // namespace

void AddKubernetesLibraries(Registry& r) {
  // lists
  r.AddMember("isSorted", {P(K::kList)}, KRO_CEL_FN { return ListIsSorted(a[0]); });
  r.AddMember("sum", {P(K::kList)}, KRO_CEL_FNC { return ListSum(a[0], ctx); });
  r.AddMember("min", {P(K::kList)}, KRO_CEL_FN { return ListExtreme(a[0], false); });
  r.AddMember("max", {P(K::kList)}, KRO_CEL_FN { return ListExtreme(a[0], true); });
  r.AddMember("indexOf", {P(K::kList), Any()}, KRO_CEL_FN {
    for (size_t i = 0; i < a[0].list_size(); ++i) {
      if (Equal(a[0].list_at(i), a[1])) return Value::Int(static_cast<int64_t>(i));
    }
    return Value::Int(-1);
  });
  r.AddMember("lastIndexOf", {P(K::kList), Any()}, KRO_CEL_FN {
    for (size_t i = a[0].list_size(); i > 0; --i) {
      if (Equal(a[0].list_at(i - 1), a[1])) return Value::Int(static_cast<int64_t>(i - 1));
    }
    return Value::Int(-1);
  });

  // regex
  AddWithPattern(r, "find", true, {P(K::kString), P(K::kString)}, KRO_CEL_FNC {
    Value all = FindAll(a[0].str(), a[1].str(), 1, ctx);
    if (all.is_error()) return all;
    return all.list_size() ? all.list_at(0) : Value::String("");
  }, 1);
  AddWithPattern(r, "findAll", true, {P(K::kString), P(K::kString)},
                 KRO_CEL_FNC { return FindAll(a[0].str(), a[1].str(), -1, ctx); }, 1);
  AddWithPattern(r, "findAll", true, {P(K::kString), P(K::kString), P(K::kInt)},
                 KRO_CEL_FNC { return FindAll(a[0].str(), a[1].str(), a[2].int_value(), ctx); },
                 1);

  // url
  r.AddGlobal("url", {P(K::kString)}, KRO_CEL_FN {
    auto u = ParseRequestUri(a[0].str());
    if (!u) return Err("URL parse error during conversion from string: " + std::string(a[0].str()));
    return Value::Opaque(std::move(u));
  });
  r.AddGlobal("isURL", {P(K::kString)},
              KRO_CEL_FN { return Value::Bool(ParseRequestUri(a[0].str()) != nullptr); });
  const std::string_view kUrl = "kubernetes.URL";
  r.AddMember("getScheme", {Opaque(kUrl)}, KRO_CEL_FN { return Value::String(AsUrl(a[0]).scheme); });
  r.AddMember("getHost", {Opaque(kUrl)}, KRO_CEL_FN { return Value::String(AsUrl(a[0]).host); });
  r.AddMember("getHostname", {Opaque(kUrl)}, KRO_CEL_FN {
    std::string h = AsUrl(a[0]).host;
    if (!h.empty() && h[0] == '[') {
      size_t rb = h.find(']');
      return Value::String(h.substr(1, rb - 1));
    }
    size_t c = h.rfind(':');
    return Value::String(c == std::string::npos ? h : h.substr(0, c));
  });
  r.AddMember("getPort", {Opaque(kUrl)}, KRO_CEL_FN {
    const std::string& h = AsUrl(a[0]).host;
    size_t c = h.rfind(':');
    size_t rb = h.rfind(']');
    if (c == std::string::npos || (rb != std::string::npos && c < rb)) return Value::String("");
    return Value::String(h.substr(c + 1));
  });
  r.AddMember("getEscapedPath", {Opaque(kUrl)}, KRO_CEL_FN {
    const auto& u = AsUrl(a[0]);
    std::string esc = EscapePath(u.path);
    // Go keeps RawPath when it is a valid encoding of Path.
    std::string un;
    if (!u.raw_path.empty() && Unescape(u.raw_path, &un, false) && un == u.path) {
      return Value::String(u.raw_path);
    }
    return Value::String(esc);
  });
  r.AddMember("getQuery", {Opaque(kUrl)}, KRO_CEL_FN {
    std::vector<std::pair<std::string, std::vector<Value>>> q;
    for (auto part : SplitOn(AsUrl(a[0]).query, '&')) {
      if (part.empty()) continue;
      size_t eq = part.find('=');
      std::string k, v;
      if (!Unescape(part.substr(0, eq), &k, true)) continue;
      if (eq != std::string_view::npos && !Unescape(part.substr(eq + 1), &v, true)) continue;
      bool found = false;
      for (auto& [kk, vv] : q) {
        if (kk == k) {
          vv.push_back(Value::String(v));
          found = true;
        }
      }
      if (!found) q.push_back({k, {Value::String(v)}});
    }
    std::vector<std::pair<Value, Value>> out;
    for (auto& [k, v] : q) out.emplace_back(Value::String(k), Value::List(std::move(v)));
    return Value::Map(std::move(out));
  });

  // quantity
  const std::string_view kQ = "kubernetes.Quantity";
  r.AddGlobal("quantity", {P(K::kString)}, KRO_CEL_FN {
    auto q = ParseQuantity(a[0].str());
    if (!q) return Err("quantities must match the regular expression");
    return Value::Opaque(std::move(q));
  });
  r.AddGlobal("isQuantity", {P(K::kString)},
              KRO_CEL_FN { return Value::Bool(ParseQuantity(a[0].str()) != nullptr); });
  r.AddGlobal("sign", {Opaque(kQ)}, KRO_CEL_FN {
    Int128 m = AsQ(a[0]).mantissa;
    return Value::Int(m > 0 ? 1 : (m < 0 ? -1 : 0));
  });
  r.AddMember("isGreaterThan", {Opaque(kQ), Opaque(kQ)},
              KRO_CEL_FN { return Value::Bool(CompareQuantities(AsQ(a[0]), AsQ(a[1])) > 0); });
  r.AddMember("isLessThan", {Opaque(kQ), Opaque(kQ)},
              KRO_CEL_FN { return Value::Bool(CompareQuantities(AsQ(a[0]), AsQ(a[1])) < 0); });
  r.AddMember("compareTo", {Opaque(kQ), Opaque(kQ)},
              KRO_CEL_FN { return Value::Int(CompareQuantities(AsQ(a[0]), AsQ(a[1]))); });
  r.AddMember("asApproximateFloat", {Opaque(kQ)}, KRO_CEL_FN {
    const auto& q = AsQ(a[0]);
    return Value::Double(static_cast<double>(static_cast<long double>(q.mantissa) *
                                             std::pow(10.0L, q.exp)));
  });
  r.AddMember("asInteger", {Opaque(kQ)}, KRO_CEL_FN {
    auto i = QAsInt64(AsQ(a[0]));
    if (!i) return Err("cannot convert value to integer");
    return Value::Int(*i);
  });
  r.AddMember("isInteger", {Opaque(kQ)},
              KRO_CEL_FN { return Value::Bool(QAsInt64(AsQ(a[0])).has_value()); });
  r.AddMember("add", {Opaque(kQ), Opaque(kQ)},
              KRO_CEL_FN { return AddQ(AsQ(a[0]), AsQ(a[1]).mantissa, AsQ(a[1]).exp, false); });
  r.AddMember("add", {Opaque(kQ), P(K::kInt)},
              KRO_CEL_FN { return AddQ(AsQ(a[0]), a[1].int_value(), 0, false); });
  r.AddMember("sub", {Opaque(kQ), Opaque(kQ)},
              KRO_CEL_FN { return AddQ(AsQ(a[0]), AsQ(a[1]).mantissa, AsQ(a[1]).exp, true); });
  r.AddMember("sub", {Opaque(kQ), P(K::kInt)},
              KRO_CEL_FN { return AddQ(AsQ(a[0]), a[1].int_value(), 0, true); });

  // semver (version 0)
  const std::string_view kSv = "kubernetes.Semver";
  r.AddGlobal("semver", {P(K::kString)}, KRO_CEL_FN {
    auto v = ParseSemver(a[0].str());
    if (!v) return Err("could not parse semver: " + std::string(a[0].str()));
    return Value::Opaque(std::move(v));
  });
  r.AddGlobal("isSemver", {P(K::kString)},
              KRO_CEL_FN { return Value::Bool(ParseSemver(a[0].str()) != nullptr); });
  r.AddMember("isGreaterThan", {Opaque(kSv), Opaque(kSv)},
              KRO_CEL_FN { return Value::Bool(CompareSemver(AsSv(a[0]), AsSv(a[1])) > 0); });
  r.AddMember("isLessThan", {Opaque(kSv), Opaque(kSv)},
              KRO_CEL_FN { return Value::Bool(CompareSemver(AsSv(a[0]), AsSv(a[1])) < 0); });
  r.AddMember("compareTo", {Opaque(kSv), Opaque(kSv)},
              KRO_CEL_FN { return Value::Int(CompareSemver(AsSv(a[0]), AsSv(a[1]))); });
  r.AddMember("major", {Opaque(kSv)},
              KRO_CEL_FN { return Value::Int(static_cast<int64_t>(AsSv(a[0]).major)); });
  r.AddMember("minor", {Opaque(kSv)},
              KRO_CEL_FN { return Value::Int(static_cast<int64_t>(AsSv(a[0]).minor)); });
  r.AddMember("patch", {Opaque(kSv)},
              KRO_CEL_FN { return Value::Int(static_cast<int64_t>(AsSv(a[0]).patch)); });

  // ip
  const std::string_view kIp = "net.IP", kCidr = "net.CIDR";
  r.AddGlobal("ip", {P(K::kString)}, KRO_CEL_FN {
    Addr ad;
    std::string err;
    if (!ParseAddr(a[0].str(), &ad, &err)) return Err(err);
    return MakeIp(ad);
  });
  r.AddGlobal("isIP", {P(K::kString)}, KRO_CEL_FN {
    Addr ad;
    std::string err;
    return Value::Bool(ParseAddr(a[0].str(), &ad, &err));
  });
  r.AddGlobal("ip.isCanonical", {P(K::kString)}, KRO_CEL_FN {
    Addr ad;
    std::string err;
    if (!ParseAddr(a[0].str(), &ad, &err)) return Err(err);
    return Value::Bool(FormatAddr(ad) == a[0].str());
  });
  r.AddGlobal("string", {Opaque(kIp)},
              KRO_CEL_FN { return Value::String(FormatAddr(AsIp(a[0]).addr)); });
  r.AddMember("family", {Opaque(kIp)},
              KRO_CEL_FN { return Value::Int(AsIp(a[0]).addr.v6 ? 6 : 4); });
  r.AddMember("isUnspecified", {Opaque(kIp)}, &IpPred<IsUnspecified>);
  r.AddMember("isLoopback", {Opaque(kIp)}, &IpPred<IsLoopback>);
  r.AddMember("isLinkLocalMulticast", {Opaque(kIp)}, &IpPred<IsLinkLocalMulticast>);
  r.AddMember("isLinkLocalUnicast", {Opaque(kIp)}, &IpPred<IsLinkLocalUnicast>);
  r.AddMember("isGlobalUnicast", {Opaque(kIp)}, &IpPred<IsGlobalUnicast>);

  // cidr
  r.AddGlobal("cidr", {P(K::kString)}, KRO_CEL_FN {
    auto c = std::make_shared<CidrValue>();
    std::string err;
    if (!ParseCidr(a[0].str(), c.get(), &err)) return Err(err);
    return Value::Opaque(std::move(c));
  });
  r.AddGlobal("isCIDR", {P(K::kString)}, KRO_CEL_FN {
    CidrValue c;
    std::string err;
    return Value::Bool(ParseCidr(a[0].str(), &c, &err));
  });
  r.AddGlobal("string", {Opaque(kCidr)},
              KRO_CEL_FN { return Value::String(AsCidr(a[0]).DebugString()); });
  r.AddMember("containsIP", {Opaque(kCidr), Opaque(kIp)},
              KRO_CEL_FN { return Value::Bool(Contains(AsCidr(a[0]), AsIp(a[1]).addr)); });
  r.AddMember("containsIP", {Opaque(kCidr), P(K::kString)}, KRO_CEL_FN {
    Addr ad;
    std::string err;
    if (!ParseAddr(a[1].str(), &ad, &err)) return Err(err);
    return Value::Bool(Contains(AsCidr(a[0]), ad));
  });
  r.AddMember("containsCIDR", {Opaque(kCidr), Opaque(kCidr)}, KRO_CEL_FN {
    const auto& o = AsCidr(a[0]);
    const auto& i = AsCidr(a[1]);
    return Value::Bool(i.bits >= o.bits && Contains(o, i.addr));
  });
  r.AddMember("containsCIDR", {Opaque(kCidr), P(K::kString)}, KRO_CEL_FN {
    CidrValue i;
    std::string err;
    if (!ParseCidr(a[1].str(), &i, &err)) return Err(err);
    const auto& o = AsCidr(a[0]);
    return Value::Bool(i.bits >= o.bits && Contains(o, i.addr));
  });
  r.AddMember("ip", {Opaque(kCidr)}, KRO_CEL_FN { return MakeIp(AsCidr(a[0]).addr); });
  r.AddMember("masked", {Opaque(kCidr)}, KRO_CEL_FN {
    auto c = std::make_shared<CidrValue>();
    c->addr = Masked(AsCidr(a[0]).addr, AsCidr(a[0]).bits);
    c->bits = AsCidr(a[0]).bits;
    return Value::Opaque(std::move(c));
  });
  r.AddMember("prefixLength", {Opaque(kCidr)},
              KRO_CEL_FN { return Value::Int(AsCidr(a[0]).bits); });
}

}  // namespace kro::cel
