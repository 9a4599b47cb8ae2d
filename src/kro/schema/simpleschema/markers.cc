#include "kro/schema/simpleschema/markers.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <utility>

namespace kro::schema::simpleschema {
namespace {

constexpr std::array<std::pair<MarkerType, std::string_view>, 16> kMarkerNames = {{
    {MarkerType::kRequired, "required"},
    {MarkerType::kDefault, "default"},
    {MarkerType::kDescription, "description"},
    {MarkerType::kMinimum, "minimum"},
    {MarkerType::kMaximum, "maximum"},
    {MarkerType::kValidation, "validation"},
    {MarkerType::kEnum, "enum"},
    {MarkerType::kImmutable, "immutable"},
    {MarkerType::kPattern, "pattern"},
    {MarkerType::kUniqueItems, "uniqueItems"},
    {MarkerType::kMinLength, "minLength"},
    {MarkerType::kMaxLength, "maxLength"},
    {MarkerType::kMinItems, "minItems"},
    {MarkerType::kMaxItems, "maxItems"},
    {MarkerType::kListType, "listType"},
    {MarkerType::kListMapKey, "listMapKey"},
}};

std::optional<MarkerType> MarkerTypeFromName(std::string_view name) {
  for (const auto& [type, spelling] : kMarkerNames) {
    if (spelling == name) {
      return type;
    }
  }
  return std::nullopt;
}

// Decodes one UTF-8 code point at `i` (advancing it); invalid bytes decode as U+FFFD, as Go's
// range loop does.
char32_t DecodeRune(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t r = c & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    r = (r << 6) | (byte(i + k) & 0x3F);
  }
  i += len;
  return r;
}

// Go's unicode.IsSpace.
bool IsSpace(char32_t r) {
  switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

std::string_view TrimSpace(std::string_view s) {
  // ASCII whitespace is enough here: values are only trimmed after tokenising on Unicode spaces.
  constexpr std::string_view kWs = " \t\n\v\f\r";
  size_t b = s.find_first_not_of(kWs);
  if (b == std::string_view::npos) {
    return {};
  }
  size_t e = s.find_last_not_of(kWs);
  return s.substr(b, e - b + 1);
}

// Removes backslashes before `"` and `\`; any other escape keeps its backslash.
std::string Unescape(std::string_view s) {
  std::string out;
  bool escaped = false;
  for (char c : s) {
    if (escaped) {
      if (c != '"' && c != '\\') {
        out.push_back('\\');
      }
      out.push_back(c);
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string ProcessValue(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    return Unescape(v.substr(1, v.size() - 2));
  }
  return std::string(TrimSpace(v));
}

std::string_view TypeOf(const json::Object& schema) {
  const json::Value* t = schema.if_contains("type");
  return t != nullptr && t->is_string() ? std::string_view(t->get_string()) : std::string_view();
}

// strconv.ParseBool.
std::optional<bool> ParseBool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") {
    return true;
  }
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
    return false;
  }
  return std::nullopt;
}

// strconv.ParseInt(s, 10, 64) (an optional sign, then decimal digits).
std::optional<int64_t> ParseInt(std::string_view s) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) {
    return std::nullopt;
  }
  std::string text = (negative ? "-" : "") + std::string(digits);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return v;
}

// strconv.ParseFloat(s, 64) for the decimal and special forms users write.
std::optional<double> ParseFloat(std::string_view s) {
  if (s.empty()) {
    return std::nullopt;
  }
  std::string text(s);
  if (text.front() == '+') {
    text.erase(0, 1);
  }
  if (text.empty() || text.find_first_of("xXpP_") != std::string::npos) {
    return std::nullopt;
  }
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) {
    return std::nullopt;
  }
  return v;
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// A float64 as Go's encoding/json writes it: integral values within int64 are written as
// integers, so they are kept as JSON integers here.
json::Value NumberValue(double v) {
  if (std::isfinite(v) && std::trunc(v) == v && std::fabs(v) < 9.0e15) {
    return json::Value(static_cast<int64_t>(v));
  }
  return json::Value(v);
}

// Parses a default's raw JSON text the way the apiserver would read upstream's raw bytes.
Result<json::Value> ParseRawDefault(const std::string& raw) {
  auto v = json::Parse(raw);
  if (!v.ok()) {
    return InvalidArgument("default value " + Quote(raw) + " is not valid JSON");
  }
  return std::move(*v);
}

Status ApplyDefault(json::Object& schema, const Marker& m) {
  std::string_view type = TypeOf(schema);
  json::Value value;
  if (type == "string") {
    // Upstream wraps the value in quotes without escaping it, so JSON escapes in the value
    // ("a\nb") are interpreted and a bare quote makes the default invalid.
    KRO_ASSIGN_OR_RETURN(value, ParseRawDefault("\"" + m.value + "\""));
  } else if (type == "integer") {
    auto v = ParseInt(m.value);
    if (!v) {
      return InvalidArgument("default value must be a valid integer, got: " + m.value);
    }
    value = *v;
  } else if (type == "number") {
    auto v = ParseFloat(m.value);
    if (!v) {
      return InvalidArgument("default value must be a valid number, got: " + m.value);
    }
    auto parsed = json::Parse(m.value);
    value = parsed.ok() && parsed->is_number() ? std::move(*parsed) : NumberValue(*v);
  } else if (type == "boolean") {
    auto v = ParseBool(m.value);
    if (!v) {
      return InvalidArgument("default value must be a valid boolean, got: " + m.value);
    }
    value = *v;
  } else {
    KRO_ASSIGN_OR_RETURN(value, ParseRawDefault(m.value));
  }
  schema["default"] = std::move(value);
  return Status::Ok();
}

void AddValidationRule(json::Object& schema, std::string rule, std::string message) {
  json::Value& rules = schema["x-kubernetes-validations"];
  if (!rules.is_array()) {
    rules = json::Array();
  }
  json::Object r;
  r["message"] = std::move(message);
  r["rule"] = std::move(rule);
  rules.get_array().push_back(std::move(r));
}

Status ApplyEnum(json::Object& schema, const Marker& m) {
  std::string_view type = TypeOf(schema);
  json::Array values;
  std::string_view rest = m.value;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = TrimSpace(rest.substr(0, comma));
    if (item.empty()) {
      return InvalidArgument("empty enum values are not allowed");
    }
    if (type == "string") {
      values.emplace_back(std::string(item));
    } else if (type == "integer") {
      auto v = ParseInt(item);
      if (!v) {
        return InvalidArgument("failed to parse integer enum value " + Quote(item));
      }
      values.emplace_back(*v);
    } else {
      return InvalidArgument(
          "enum values only supported for string and integer types, got type: " +
          std::string(type));
    }
    if (comma == std::string_view::npos) {
      break;
    }
    rest = rest.substr(comma + 1);
  }
  schema["enum"] = std::move(values);
  return Status::Ok();
}

Status RequireType(const json::Object& schema, std::string_view want, std::string_view marker,
                   std::string_view what) {
  if (TypeOf(schema) != want) {
    return InvalidArgument(std::string(marker) + " marker is only valid for " + std::string(what) +
                           " types, got type: " + std::string(TypeOf(schema)));
  }
  return Status::Ok();
}

Status ApplyCount(json::Object& schema, const Marker& m, std::string_view want,
                  std::string_view what, const char* field) {
  KRO_RETURN_IF_ERROR(RequireType(schema, want, m.key, what));
  auto v = ParseInt(m.value);
  if (!v) {
    return InvalidArgument("failed to parse " + m.key + " value " + Quote(m.value));
  }
  schema[field] = *v;
  return Status::Ok();
}

std::optional<std::string> ListType(const json::Object& schema) {
  const json::Value* v = schema.if_contains("x-kubernetes-list-type");
  if (v == nullptr || !v->is_string()) {
    return std::nullopt;
  }
  return std::string(v->get_string());
}

Status ApplyMarker(const Marker& m, std::string_view field_name, json::Object& schema,
                   json::Object& parent) {
  switch (m.type) {
    case MarkerType::kRequired: {
      auto v = ParseBool(m.value);
      if (!v) {
        return InvalidArgument("failed to parse required marker value " + Quote(m.value));
      }
      if (*v) {
        json::Value& req = parent["required"];
        if (!req.is_array()) {
          req = json::Array();
        }
        req.get_array().emplace_back(field_name);
      }
      return Status::Ok();
    }
    case MarkerType::kDefault:
      return ApplyDefault(schema, m);
    case MarkerType::kDescription:
      schema["description"] = m.value;
      return Status::Ok();
    case MarkerType::kMinimum:
    case MarkerType::kMaximum: {
      auto v = ParseFloat(m.value);
      const char* name = m.type == MarkerType::kMinimum ? "minimum" : "maximum";
      if (!v) {
        return InvalidArgument(std::string("failed to parse ") + name + " value " +
                               Quote(m.value));
      }
      schema[name] = NumberValue(*v);
      return Status::Ok();
    }
    case MarkerType::kValidation:
      if (TrimSpace(m.value).empty()) {
        return InvalidArgument("validation marker needs a non-empty CEL rule");
      }
      AddValidationRule(schema, m.value, "validation failed");
      return Status::Ok();
    case MarkerType::kImmutable: {
      auto v = ParseBool(m.value);
      if (!v) {
        return InvalidArgument("failed to parse immutable marker value " + Quote(m.value));
      }
      if (*v) {
        AddValidationRule(schema, "self == oldSelf", "field is immutable");
      }
      return Status::Ok();
    }
    case MarkerType::kEnum:
      return ApplyEnum(schema, m);
    case MarkerType::kMinLength:
      return ApplyCount(schema, m, "string", "string", "minLength");
    case MarkerType::kMaxLength:
      return ApplyCount(schema, m, "string", "string", "maxLength");
    case MarkerType::kPattern: {
      if (m.value.empty()) {
        return InvalidArgument("pattern marker value cannot be empty");
      }
      KRO_RETURN_IF_ERROR(RequireType(schema, "string", "pattern", "string"));
      RE2::Options options;
      options.set_log_errors(false);
      RE2 re(m.value, options);
      if (!re.ok()) {
        return InvalidArgument("invalid pattern regex: " + re.error());
      }
      schema["pattern"] = m.value;
      return Status::Ok();
    }
    case MarkerType::kUniqueItems: {
      auto v = ParseBool(m.value);
      if (!v) {
        return InvalidArgument("failed to parse uniqueItems marker value " + Quote(m.value));
      }
      KRO_RETURN_IF_ERROR(RequireType(schema, "array", "uniqueItems", "array"));
      if (*v) {
        auto lt = ListType(schema);
        if (lt && *lt != "set") {
          return InvalidArgument("cannot set unique when listType is set to " + *lt);
        }
        // Kubernetes forbids uniqueItems in structural schemas; a set list type says the same.
        schema["x-kubernetes-list-type"] = "set";
      }
      return Status::Ok();
    }
    case MarkerType::kMinItems:
      return ApplyCount(schema, m, "array", "array", "minItems");
    case MarkerType::kMaxItems:
      return ApplyCount(schema, m, "array", "array", "maxItems");
    case MarkerType::kListType: {
      if (TypeOf(schema) != "array") {
        return InvalidArgument("listType marker only applies to array types");
      }
      if (m.value != "atomic" && m.value != "set" && m.value != "map") {
        return InvalidArgument("unsupported value for listType " + m.value +
                               ", needs to be one of atomic, set, or map");
      }
      auto lt = ListType(schema);
      if (lt && *lt != m.value) {
        return InvalidArgument("listType attempting to overwrite set type of " + *lt +
                               ", this can happen if you set contradictory markers like "
                               "uniqueItems=true listType=map");
      }
      schema["x-kubernetes-list-type"] = m.value;
      return Status::Ok();
    }
    case MarkerType::kListMapKey: {
      if (TypeOf(schema) != "array") {
        return InvalidArgument("listMapKey marker only applies to array types");
      }
      json::Value& keys = schema["x-kubernetes-list-map-keys"];
      if (!keys.is_array()) {
        keys = json::Array();
      }
      for (const json::Value& k : keys.get_array()) {
        if (k.is_string() && k.get_string() == m.value) {
          return InvalidArgument("duplicate listMapKey marker, value " + m.value);
        }
      }
      keys.get_array().emplace_back(m.value);
      return Status::Ok();
    }
  }
  return InvalidArgument("unknown marker " + Quote(m.key));
}

}  // namespace

std::string_view MarkerName(MarkerType type) {
  for (const auto& [t, spelling] : kMarkerNames) {
    if (t == type) {
      return spelling;
    }
  }
  return "";
}

Result<std::vector<Marker>> ParseMarkers(std::string_view text) {
  // A small state machine over code points, mirroring upstream's tokenizer so that the same
  // inputs split the same way (including its quirks: whitespace inside a key is dropped).
  std::vector<Marker> result;
  std::optional<Marker> current;
  bool in_quotes = false;
  bool escaped = false;
  int brackets = 0;
  std::string buffer;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    char32_t c = DecodeRune(text, i);
    std::string_view raw = text.substr(start, i - start);
    if (c == '=' && !current && !in_quotes && brackets == 0) {
      std::string key(TrimSpace(buffer));
      if (key.empty()) {
        return InvalidArgument("empty marker key");
      }
      auto type = MarkerTypeFromName(key);
      if (!type) {
        return InvalidArgument("unknown marker " + Quote(key));
      }
      current = Marker{*type, key, ""};
      buffer.clear();
    } else if (c == '"' && !escaped) {
      in_quotes = !in_quotes;
      buffer += raw;
    } else if (c == '\\' && in_quotes && !escaped) {
      escaped = true;
      buffer += raw;
    } else if ((c == '{' || c == '[') && !in_quotes) {
      ++brackets;
      buffer += raw;
    } else if ((c == '}' || c == ']') && !in_quotes) {
      --brackets;
      buffer += raw;
      if (brackets < 0) {
        return InvalidArgument("unmatched closing bracket/brace");
      }
    } else if (IsSpace(c) && !in_quotes && brackets == 0) {
      if (current) {
        current->value = ProcessValue(buffer);
        result.push_back(std::move(*current));
        current.reset();
        buffer.clear();
      }
    } else {
      if (escaped && in_quotes) {
        escaped = false;
      }
      buffer += raw;
    }
  }
  if (!current) {
    return InvalidArgument("marker key " + Quote(buffer) + " without a value");
  }
  current->value = ProcessValue(buffer);
  result.push_back(std::move(*current));
  if (in_quotes) {
    return InvalidArgument("unclosed quote");
  }
  if (brackets > 0) {
    return InvalidArgument("unclosed bracket/brace");
  }
  return result;
}

Status ApplyMarkers(const std::vector<Marker>& markers, std::string_view field_name,
                    json::Object& schema, json::Object& parent) {
  for (const Marker& m : markers) {
    KRO_RETURN_IF_ERROR(ApplyMarker(m, field_name, schema, parent));
  }
  if (const json::Value* keys = schema.if_contains("x-kubernetes-list-map-keys");
      keys != nullptr && keys->is_array() && !keys->get_array().empty()) {
    auto lt = ListType(schema);
    if (!lt) {
      return InvalidArgument("listMapKey set while listType is unset, listType must be set to map");
    }
    if (*lt != "map") {
      return InvalidArgument("listMapKey set while listType is set to " + *lt +
                             ", listType must be set to map");
    }
  }
  return Status::Ok();
}

}  // namespace kro::schema::simpleschema
