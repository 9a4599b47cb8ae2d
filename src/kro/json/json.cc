#include "kro/json/json.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <sstream>

namespace kro::json {
namespace {

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool ok = std::isalpha(c) || c == '_' || c == '-' || c == '/' || (i > 0 && std::isdigit(c));
    if (!ok) return false;
  }
  return true;
}

// YAML 1.2 core schema resolution of a plain (unquoted) scalar.
Value PlainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  const char* p = b;
  if (*p == '+') ++p;
  bool neg = (*p == '-');
  // Integers: decimal, 0x hex, 0o octal.
  if (e - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'o')) {
    uint64_t u = 0;
    auto r = std::from_chars(p + 2, e, u, p[1] == 'x' ? 16 : 8);
    if (r.ec == std::errc() && r.ptr == e && u <= static_cast<uint64_t>(INT64_MAX)) {
      return static_cast<int64_t>(u);
    }
  }
  {
    int64_t i = 0;
    auto r = std::from_chars(p, e, i);
    if (r.ec == std::errc() && r.ptr == e) return i;
    if (r.ec == std::errc::result_out_of_range && r.ptr == e) {
      uint64_t u = 0;
      auto r2 = std::from_chars(p, e, u);
      if (!neg && r2.ec == std::errc() && r2.ptr == e) return u;
    }
  }
  std::string_view sv(p, static_cast<size_t>(e - p));
  std::string_view mag = neg ? sv.substr(1) : sv;
  if (mag == ".inf" || mag == ".Inf" || mag == ".INF") {
    return neg ? -HUGE_VAL : HUGE_VAL;
  }
  if (sv == ".nan" || sv == ".NaN" || sv == ".NAN") return std::nan("");
  // Floats: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  bool digits = false, ok = true;
  size_t i = neg ? 1 : 0;
  while (i < sv.size() && std::isdigit(static_cast<unsigned char>(sv[i]))) { ++i; digits = true; }
  if (i < sv.size() && sv[i] == '.') {
    ++i;
    while (i < sv.size() && std::isdigit(static_cast<unsigned char>(sv[i]))) { ++i; digits = true; }
  }
  if (digits && i < sv.size() && (sv[i] == 'e' || sv[i] == 'E')) {
    ++i;
    if (i < sv.size() && (sv[i] == '+' || sv[i] == '-')) ++i;
    bool exp = false;
    while (i < sv.size() && std::isdigit(static_cast<unsigned char>(sv[i]))) { ++i; exp = true; }
    ok = exp;
  }
  if (digits && ok && i == sv.size()) {
    double d = 0;
    auto r = std::from_chars(sv.data(), sv.data() + sv.size(), d);
    if (r.ec == std::errc() && r.ptr == sv.data() + sv.size()) return d;
  }
  return String(s);
}

Result<Value> Convert(const YAML::Node& node, const std::string& path, PositionMap* positions) {
  if (positions != nullptr) {
    const YAML::Mark m = node.Mark();
    if (m.line >= 0) (*positions)[path] = Position{m.line + 1, m.column + 1};
  }
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Value(nullptr);
    case YAML::NodeType::Scalar: {
      // yaml-cpp tags plain scalars "?" and quoted ones "!".
      if (node.Tag() == "!" ) return Value(String(node.Scalar()));
      if (node.Tag() == "tag:yaml.org,2002:str") return Value(String(node.Scalar()));
      return PlainScalar(node.Scalar());
    }
    case YAML::NodeType::Sequence: {
      Array arr;
      arr.reserve(node.size());
      size_t i = 0;
      for (const auto& item : node) {
        KRO_ASSIGN_OR_RETURN(Value v, Convert(item, AppendIndex(path, i++), positions));
        arr.push_back(std::move(v));
      }
      return Value(std::move(arr));
    }
    case YAML::NodeType::Map: {
      Object obj;
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          const YAML::Mark m = kv.first.Mark();
          return InvalidArgument("mapping keys must be scalars",
                                 std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1));
        }
        const std::string& key = kv.first.Scalar();
        std::string child = AppendField(path, key);
        if (positions != nullptr) {
          const YAML::Mark m = kv.first.Mark();
          (*positions)[child + "#key"] = Position{m.line + 1, m.column + 1};
        }
        KRO_ASSIGN_OR_RETURN(Value v, Convert(kv.second, child, positions));
        obj[key] = std::move(v);
      }
      return Value(std::move(obj));
    }
  }
  return Value(nullptr);
}

// Shortest decimal that reads back as the same double, always with a '.' or exponent so YAML
// keeps it a float ("0.5", "2.0", "1e+300").
std::string FormatDouble(double d) {
  if (std::isnan(d)) return ".nan";
  if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string out(buf, r.ptr);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

void WriteYamlScalar(std::ostream& os, const Value& v) {
  if (v.is_string()) {
    YAML::Emitter e;
    e << YAML::DoubleQuoted << std::string(v.get_string());
    os << e.c_str();
  } else if (v.is_double()) {
    os << FormatDouble(v.get_double());
  } else {
    os << boost::json::serialize(v);
  }
}

void WriteYaml(std::ostream& os, const Value& v, int indent, bool in_seq) {
  std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    const Object& o = v.get_object();
    if (o.empty()) { os << "{}\n"; return; }
    bool first = true;
    for (const auto& kv : o) {
      if (!(first && in_seq)) os << pad;
      first = false;
      std::string key(kv.key());
      if (!IsIdentifier(key)) {
        YAML::Emitter e;
        e << YAML::DoubleQuoted << key;
        key = e.c_str();
      }
      os << key << ":";
      const Value& c = kv.value();
      if ((c.is_object() && !c.get_object().empty()) || (c.is_array() && !c.get_array().empty())) {
        os << "\n";
        WriteYaml(os, c, c.is_array() ? indent : indent + 2, false);
      } else {
        os << " ";
        WriteYaml(os, c, indent + 2, false);
      }
    }
  } else if (v.is_array()) {
    const Array& a = v.get_array();
    if (a.empty()) { os << "[]\n"; return; }
    for (const auto& item : a) {
      os << pad << "- ";
      if (item.is_object() && !item.get_object().empty()) {
        WriteYaml(os, item, indent + 2, true);
      } else if (item.is_array() && !item.get_array().empty()) {
        os << "\n";
        WriteYaml(os, item, indent + 2, false);
      } else {
        WriteYaml(os, item, indent + 2, false);
      }
    }
  } else {
    WriteYamlScalar(os, v);
    os << "\n";
  }
}

}  // namespace

Result<Value> Parse(std::string_view text) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.allow_invalid_utf8 = false;
  Value v = boost::json::parse(text, ec, {}, opts);
  if (ec) {
    // Work out the line/column of the failure by re-running the stream parser.
    boost::json::stream_parser p({}, opts);
    size_t consumed = p.write_some(text.data(), text.size(), ec);
    if (!ec) p.finish(ec);
    int line = 1, col = 1;
    for (size_t i = 0; i < consumed && i < text.size(); ++i) {
      if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
    return InvalidArgument("invalid JSON: " + ec.message(),
                           std::to_string(line) + ":" + std::to_string(col));
  }
  return v;
}

Result<Value> ParseYaml(std::string_view text, PositionMap* positions) {
  std::vector<PositionMap> maps;
  KRO_ASSIGN_OR_RETURN(std::vector<Value> docs,
                       ParseYamlDocuments(text, positions ? &maps : nullptr));
  if (docs.empty()) return Value(nullptr);
  if (docs.size() > 1) {
    return InvalidArgument("expected one YAML document, found " + std::to_string(docs.size()));
  }
  if (positions != nullptr) *positions = std::move(maps[0]);
  return std::move(docs[0]);
}

Result<std::vector<Value>> ParseYamlDocuments(std::string_view text,
                                              std::vector<PositionMap>* positions) {
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument("invalid YAML: " + e.msg, std::to_string(e.mark.line + 1) + ":" +
                                                         std::to_string(e.mark.column + 1));
  }
  std::vector<Value> out;
  for (const auto& n : nodes) {
    if (n.IsNull() || !n.IsDefined()) continue;
    PositionMap pm;
    KRO_ASSIGN_OR_RETURN(Value v, Convert(n, "", positions ? &pm : nullptr));
    out.push_back(std::move(v));
    if (positions != nullptr) positions->push_back(std::move(pm));
  }
  return out;
}

std::string Serialize(const Value& v) { return boost::json::serialize(v); }

std::string ToYaml(const Value& v) {
  std::ostringstream os;
  WriteYaml(os, v, 0, false);
  return os.str();
}

std::string AppendField(std::string_view path, std::string_view field) {
  std::string out(path);
  if (IsIdentifier(field) && field.find('/') == std::string_view::npos) {
    if (!out.empty()) out += '.';
    out += field;
  } else {
    out += "[\"";
    out += field;
    out += "\"]";
  }
  return out;
}

std::string AppendIndex(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

const Value* Find(const Value& root, std::string_view path) {
  const Value* cur = &root;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') { ++i; continue; }
    if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string_view::npos) return nullptr;
      std::string_view inner = path.substr(i + 1, close - i - 1);
      if (!inner.empty() && inner.front() == '"') {
        std::string_view key = inner.substr(1, inner.size() >= 2 ? inner.size() - 2 : 0);
        if (!cur->is_object()) return nullptr;
        cur = cur->get_object().if_contains(key);
      } else {
        size_t idx = 0;
        auto r = std::from_chars(inner.data(), inner.data() + inner.size(), idx);
        if (r.ec != std::errc() || !cur->is_array() || idx >= cur->get_array().size()) {
          return nullptr;
        }
        cur = &cur->get_array()[idx];
      }
      if (cur == nullptr) return nullptr;
      i = close + 1;
      continue;
    }
    size_t end = path.find_first_of(".[", i);
    if (end == std::string_view::npos) end = path.size();
    if (!cur->is_object()) return nullptr;
    cur = cur->get_object().if_contains(path.substr(i, end - i));
    if (cur == nullptr) return nullptr;
    i = end;
  }
  return cur;
}

bool Equal(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) {
    // int64 and uint64 holding the same whole number are the same JSON integer.
    if (a.is_int64() && b.is_uint64()) return a.get_int64() >= 0 &&
        static_cast<uint64_t>(a.get_int64()) == b.get_uint64();
    if (a.is_uint64() && b.is_int64()) return Equal(b, a);
    return false;
  }
  if (a.is_object()) {
    const Object& x = a.get_object();
    const Object& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      const Value* other = y.if_contains(kv.key());
      if (other == nullptr || !Equal(kv.value(), *other)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    const Array& x = a.get_array();
    const Array& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!Equal(x[i], y[i])) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace kro::json
