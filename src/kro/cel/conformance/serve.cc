#include "kro/cel/conformance/serve.h"

#include <charconv>
#include <cmath>
#include <istream>
#include <ostream>

#include "kro/cel/checker/conformance.h"
#include "kro/cel/eval/program.h"
#include "kro/cel/eval/time.h"
#include "kro/cel/lib/library.h"
#include "kro/cel/parser/parser.h"

namespace kro::cel {
namespace {

Result<int64_t> ParseI64(const json::Value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_string()) {
    std::string_view s = v.get_string();
    int64_t x = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), x);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty()) return x;
  }
  return InvalidArgument("bad int");
}

Result<uint64_t> ParseU64(const json::Value& v) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<uint64_t>(v.get_int64());
  if (v.is_string()) {
    std::string_view s = v.get_string();
    uint64_t x = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), x);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty()) return x;
  }
  return InvalidArgument("bad uint");
}

json::Value Response(const json::Value& id) {
  json::Object o;
  if (!id.is_null()) o["id"] = id;
  return o;
}

std::string Reply(const json::Value& id, std::string_view key, json::Value v) {
  json::Value r = Response(id);
  r.as_object()[key] = std::move(v);
  return json::Serialize(r);
}

std::string ErrorReply(const json::Value& id, std::string_view msg, std::string_view phase) {
  json::Value r = Response(id);
  r.as_object()["error"] = msg;
  if (!phase.empty()) r.as_object()["phase"] = phase;
  return json::Serialize(r);
}

}  // namespace

Result<Value> DecodeTypedJson(const json::Value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return Value();
    case boost::json::kind::bool_: return Value::Bool(v.get_bool());
    case boost::json::kind::string: return Value::String(std::string(v.get_string()));
    case boost::json::kind::int64: return Value::Int(v.get_int64());
    case boost::json::kind::uint64: return Value::Uint(v.get_uint64());
    case boost::json::kind::double_: return Value::Double(v.get_double());
    case boost::json::kind::array: {
      std::vector<Value> out;
      for (const auto& e : v.get_array()) {
        KRO_ASSIGN_OR_RETURN(Value x, DecodeTypedJson(e));
        out.push_back(std::move(x));
      }
      return Value::List(std::move(out));
    }
    case boost::json::kind::object: break;
  }
  const auto& o = v.get_object();
  if (o.size() != 1) return InvalidArgument("tagged value must have exactly one key");
  const auto& [tag, x] = *o.begin();
  if (tag == "int") {
    KRO_ASSIGN_OR_RETURN(int64_t i, ParseI64(x));
    return Value::Int(i);
  }
  if (tag == "uint") {
    KRO_ASSIGN_OR_RETURN(uint64_t u, ParseU64(x));
    return Value::Uint(u);
  }
  if (tag == "double") {
    if (x.is_string()) {
      std::string s(x.get_string());
      if (s == "NaN") return Value::Double(NAN);
      if (s == "Infinity") return Value::Double(INFINITY);
      if (s == "-Infinity") return Value::Double(-INFINITY);
      return InvalidArgument("bad double");
    }
    if (x.is_double()) return Value::Double(x.get_double());
    if (x.is_int64()) return Value::Double(static_cast<double>(x.get_int64()));
    if (x.is_uint64()) return Value::Double(static_cast<double>(x.get_uint64()));
    return InvalidArgument("bad double");
  }
  if (tag == "bytes") {
    if (!x.is_string()) return InvalidArgument("bad bytes");
    std::string s(x.get_string());
    for (char& c : s) {
      if (c == '-') c = '+';
      if (c == '_') c = '/';
    }
    std::string out;
    if (!Base64Decode(s, &out)) return InvalidArgument("bad base64");
    return Value::Bytes(std::move(out));
  }
  if (tag == "map") {
    if (!x.is_array()) return InvalidArgument("bad map");
    MapBuilder b;
    for (const auto& e : x.get_array()) {
      if (!e.is_array() || e.get_array().size() != 2) return InvalidArgument("bad map entry");
      KRO_ASSIGN_OR_RETURN(Value k, DecodeTypedJson(e.get_array()[0]));
      KRO_ASSIGN_OR_RETURN(Value val, DecodeTypedJson(e.get_array()[1]));
      if (!b.Add(std::move(k), std::move(val))) return InvalidArgument("bad map key");
    }
    return b.Build();
  }
  if (tag == "timestamp") {
    if (!x.is_string()) return InvalidArgument("bad timestamp");
    auto n = ParseRfc3339(std::string_view(x.get_string()));
    if (!n) return InvalidArgument("bad timestamp");
    return Value::Timestamp(*n);
  }
  if (tag == "duration") {
    if (!x.is_string()) return InvalidArgument("bad duration");
    std::string s(x.get_string());
    if (s.empty() || s.back() != 's') return InvalidArgument("bad duration");
    s.pop_back();
    bool neg = !s.empty() && s[0] == '-';
    if (neg) s.erase(0, 1);
    size_t dot = s.find('.');
    std::string whole = s.substr(0, dot);
    std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
    while (frac.size() < 9) frac += '0';
    int64_t w = 0, f = 0;
    auto r1 = std::from_chars(whole.data(), whole.data() + whole.size(), w);
    auto r2 = std::from_chars(frac.data(), frac.data() + 9, f);
    if ((!whole.empty() && r1.ptr != whole.data() + whole.size()) || r2.ptr != frac.data() + 9) {
      return InvalidArgument("bad duration");
    }
    Int128 n = static_cast<Int128>(w) * kNanosPerSecond + f;
    return Value::Duration(neg ? -n : n);
  }
  if (tag == "type") {
    if (!x.is_string()) return InvalidArgument("bad type");
    return Value::Type(std::string(x.get_string()));
  }
  if (tag == "optional") {
    if (!x.is_object()) return InvalidArgument("bad optional");
    const auto* inner = x.get_object().if_contains("value");
    if (inner == nullptr) return Value::OptionalNone();
    KRO_ASSIGN_OR_RETURN(Value iv, DecodeTypedJson(*inner));
    return Value::OptionalOf(std::move(iv));
  }
  return Unimplemented("unsupported typed value: " + std::string(tag));
}

Result<json::Value> EncodeTypedJson(const Value& v) {
  json::Object o;
  switch (v.kind()) {
    case ValueKind::kNull: return json::Value(nullptr);
    case ValueKind::kBool: return json::Value(v.bool_value());
    case ValueKind::kString: return json::Value(json::String(v.str()));
    case ValueKind::kInt: o["int"] = std::to_string(v.int_value()); break;
    case ValueKind::kUint: o["uint"] = std::to_string(v.uint_value()); break;
    case ValueKind::kDouble: {
      double d = v.double_value();
      if (std::isnan(d)) {
        o["double"] = "NaN";
      } else if (std::isinf(d)) {
        o["double"] = d > 0 ? "Infinity" : "-Infinity";
      } else {
        o["double"] = d;
      }
      break;
    }
    case ValueKind::kBytes: o["bytes"] = Base64Encode(v.str()); break;
    case ValueKind::kList: {
      json::Array arr;
      for (size_t i = 0; i < v.list_size(); ++i) {
        KRO_ASSIGN_OR_RETURN(json::Value e, EncodeTypedJson(v.list_at(i)));
        arr.push_back(std::move(e));
      }
      return json::Value(std::move(arr));
    }
    case ValueKind::kMap: {
      json::Array arr;
      Status st;
      v.map_for_each([&](const Value& k, const Value& val) {
        auto ek = EncodeTypedJson(k);
        auto ev = EncodeTypedJson(val);
        if (!ek.ok() || !ev.ok()) {
          st = ek.ok() ? ev.status() : ek.status();
          return false;
        }
        json::Array pair;
        pair.push_back(std::move(*ek));
        pair.push_back(std::move(*ev));
        arr.push_back(std::move(pair));
        return true;
      });
      if (!st.ok()) return st;
      o["map"] = std::move(arr);
      break;
    }
    case ValueKind::kTimestamp: o["timestamp"] = FormatRfc3339(v.nanos()); break;
    case ValueKind::kDuration: o["duration"] = FormatDurationSeconds(v.nanos()); break;
    case ValueKind::kType: o["type"] = std::string(v.type_name()); break;
    case ValueKind::kOptional: {
      json::Object inner;
      if (v.optional_has_value()) {
        KRO_ASSIGN_OR_RETURN(json::Value iv, EncodeTypedJson(v.optional_value()));
        inner["value"] = std::move(iv);
      }
      o["optional"] = std::move(inner);
      break;
    }
    case ValueKind::kOpaque:
      return Unimplemented("opaque value " + std::string(v.TypeName()) + " has no encoding");
    case ValueKind::kError: return InvalidArgument(v.error_message());
  }
  return json::Value(std::move(o));
}

std::string HandleConformanceRequest(std::string_view line) {
  auto req = json::Parse(line);
  json::Value null_id;
  if (!req.ok() || !req->is_object()) return ErrorReply(null_id, "bad request", "");
  const auto& r = req->get_object();
  json::Value id = r.contains("id") ? r.at("id") : json::Value();
  auto get_bool = [&](const char* k) {
    const auto* v = r.if_contains(k);
    return v != nullptr && v->is_bool() && v->get_bool();
  };
  const auto* expr = r.if_contains("expr");
  if (expr == nullptr || !expr->is_string()) return ErrorReply(id, "missing expr", "parse");

  ParseOptions popts;
  popts.enable_macros = !get_bool("disable_macros");
  auto parsed = Parse(std::string_view(expr->get_string()), popts);
  if (!parsed.ok()) return ErrorReply(id, parsed.status().message(), "parse");

  PlanOptions opts;
  if (const auto* c = r.if_contains("container"); c != nullptr && c->is_string()) {
    opts.container = std::string(c->get_string());
  }
  std::vector<std::pair<std::string, Value>> bindings;
  if (const auto* b = r.if_contains("bindings"); b != nullptr && b->is_object()) {
    for (const auto& [k, v] : b->get_object()) {
      auto val = DecodeTypedJson(v);
      if (!val.ok()) return Reply(id, "unsupported", json::Value(val.status().message()));
      opts.variables.emplace_back(k);
      bindings.emplace_back(std::string(k), std::move(*val));
    }
  }
  if (const auto* te = r.if_contains("type_env"); te != nullptr && te->is_array()) {
    for (const auto& d : te->get_array()) {
      if (!d.is_object()) continue;
      const auto* ident = d.get_object().if_contains("ident");
      if (ident == nullptr || !ident->is_object()) continue;
      const auto* name = ident->get_object().if_contains("name");
      if (name == nullptr || !name->is_string()) continue;
      std::string n(name->get_string());
      bool seen = false;
      for (const auto& existing : opts.variables) seen = seen || existing == n;
      if (!seen) opts.variables.push_back(n);
    }
  }
  // Type-check unless disabled (checker: kro/cel/checker/conformance.h).
  std::string checked_type;
  if (!get_bool("disable_check")) {
    const auto* te = r.if_contains("type_env");
    auto type = CheckForConformance(*parsed, opts.container, te ? *te : json::Value(),
                                    opts.variables);
    if (!type.ok()) {
      if (type.status().code() == ErrorCode::kUnimplemented) {
        return Reply(id, "unsupported", json::Value(type.status().message()));
      }
      return ErrorReply(id, type.status().message(), "check");
    }
    checked_type = FormatType(*type);
  }
  if (get_bool("check_only")) {
    if (checked_type.empty()) return Reply(id, "unsupported", "check_only with disable_check");
    return Reply(id, "type", json::Value(checked_type));
  }
  auto program = Plan(*parsed->expr, opts);
  if (!program.ok()) {
    if (program.status().code() == ErrorCode::kUnimplemented) {
      return Reply(id, "unsupported", json::Value(program.status().message()));
    }
    return ErrorReply(id, program.status().message(), "check");
  }
  Activation act(*program);
  for (auto& [k, v] : bindings) (void)act.Bind(k, std::move(v));
  Value result = program->Evaluate(act);
  if (result.is_error()) return ErrorReply(id, result.error_message(), "eval");
  auto enc = EncodeTypedJson(result);
  if (!enc.ok()) return Reply(id, "unsupported", json::Value(enc.status().message()));
  json::Value reply = Response(id);
  reply.as_object()["value"] = std::move(*enc);
  if (!checked_type.empty()) reply.as_object()["type"] = checked_type;
  return json::Serialize(reply);
}

int ServeConformance(std::istream& in, std::ostream& out) {
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    out << HandleConformanceRequest(line) << "\n";
    out.flush();
  }
  return 0;
}

}  // namespace kro::cel
