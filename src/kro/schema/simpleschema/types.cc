#include "kro/schema/simpleschema/types.h"

#include <utility>

namespace kro::schema::simpleschema {
namespace {

constexpr int kMaxTypeNestingDepth = 16;

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kWs = " \t\n\v\f\r";
  size_t b = s.find_first_not_of(kWs);
  if (b == std::string_view::npos) {
    return {};
  }
  return s.substr(b, s.find_last_not_of(kWs) - b + 1);
}

Result<TypeExpr> ParseType(std::string_view s, int depth) {
  if (depth > kMaxTypeNestingDepth) {
    return InvalidArgument("type nesting too deep (max " + std::to_string(kMaxTypeNestingDepth) +
                           "): '" + std::string(s) + "'");
  }
  s = Trim(s);
  TypeExpr t;
  if (s == "string" || s == "integer" || s == "boolean" || s == "float") {
    t.kind = TypeExpr::Kind::kAtomic;
    t.name = std::string(s);
    return t;
  }
  if (s == "object") {
    t.kind = TypeExpr::Kind::kObject;
    return t;
  }
  if (s.substr(0, 2) == "[]") {
    std::string_view elem = s.substr(2);
    if (elem.empty()) {
      return InvalidArgument("empty slice element type");
    }
    KRO_ASSIGN_OR_RETURN(TypeExpr e, ParseType(elem, depth + 1));
    t.kind = TypeExpr::Kind::kSlice;
    t.elem.push_back(std::move(e));
    return t;
  }
  if (s.substr(0, 4) == "map[") {
    constexpr std::string_view kPrefix = "map[string]";
    if (s.substr(0, kPrefix.size()) != kPrefix) {
      return InvalidArgument("map key must be string");
    }
    std::string_view value = Trim(s.substr(kPrefix.size()));
    if (value.empty()) {
      return InvalidArgument("map value type is required");
    }
    KRO_ASSIGN_OR_RETURN(TypeExpr v, ParseType(value, depth + 1));
    t.kind = TypeExpr::Kind::kMap;
    t.elem.push_back(std::move(v));
    return t;
  }
  t.kind = TypeExpr::Kind::kCustom;
  t.name = std::string(s);
  return t;
}

}  // namespace

void TypeExpr::CollectCustomTypes(std::vector<std::string>& out) const {
  if (kind == Kind::kCustom) {
    out.push_back(name);
  }
  for (const TypeExpr& e : elem) {
    e.CollectCustomTypes(out);
  }
}

Result<TypeExpr> ParseTypeString(std::string_view field) {
  std::string_view type = Trim(field.substr(0, field.find('|')));
  if (type.empty()) {
    return InvalidArgument("empty type");
  }
  return ParseType(type, 0);
}

Result<Field> ParseField(std::string_view field) {
  KRO_ASSIGN_OR_RETURN(TypeExpr type, ParseTypeString(field));
  Field f{std::move(type), {}};
  size_t bar = field.find('|');
  if (bar != std::string_view::npos) {
    KRO_ASSIGN_OR_RETURN(f.markers, ParseMarkers(field.substr(bar + 1)));
  }
  return f;
}

}  // namespace kro::schema::simpleschema
