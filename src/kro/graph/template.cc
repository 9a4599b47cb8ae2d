#include "kro/graph/template.h"

#include <cstdio>

namespace kro::graph {

Result<std::vector<ExprMatch>> ExtractExpressions(std::string_view s) {
  std::vector<ExprMatch> matches;
  size_t start = 0;
  while (start < s.size()) {
    size_t open = s.find("${", start);
    if (open == std::string_view::npos) break;
    // Scan for the matching '}', counting braces outside double-quoted strings (as upstream
    // pkg/graph/parser/cel.go; single quotes are not tracked there either).
    int depth = 1;
    size_t i = open + 2;
    bool in_string = false;
    bool escape = false;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (escape) {
        escape = false;
        continue;
      }
      if (in_string && c == '\\') {
        escape = true;
        continue;
      }
      if (c == '"') {
        in_string = !in_string;
      } else if (!in_string) {
        if (c == '{') {
          ++depth;
        } else if (c == '}') {
          if (--depth == 0) break;
        } else if (c == '$' && i + 1 < s.size() && s[i + 1] == '{' && s[i - 1] != '"') {
          return InvalidArgument("nested expressions are not allowed unless inside string literals");
        }
      }
    }
    if (depth != 0) {
      // Unterminated: treat this "${" as text and look again from the next byte.
      start = open + 1;
      continue;
    }
    matches.push_back({std::string(s.substr(open + 2, i - open - 2)), open, i + 1});
    start = i + 1;
  }
  return matches;
}

Result<bool> IsStandaloneExpression(std::string_view s) {
  KRO_ASSIGN_OR_RETURN(std::vector<ExprMatch> m, ExtractExpressions(s));
  return m.size() == 1 && m[0].start == 0 && m[0].end == s.size();
}

std::string QuoteCelString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string BuildStringTemplate(std::string_view original, const std::vector<ExprMatch>& matches) {
  std::string out;
  size_t pos = 0;
  auto add = [&out](std::string_view part) {
    if (!out.empty()) out += " + ";
    out += part;
  };
  for (const ExprMatch& m : matches) {
    if (m.start > pos) add(QuoteCelString(original.substr(pos, m.start - pos)));
    add("(" + m.expr + ")");
    pos = m.end;
  }
  if (pos < original.size()) add(QuoteCelString(original.substr(pos)));
  return out;
}

bool MakeFieldExpression(std::string_view s, const std::string& path, FieldExpression* out,
                         std::string* error) {
  error->clear();
  if (s.find("${") == std::string_view::npos) return false;
  Result<std::vector<ExprMatch>> m = ExtractExpressions(s);
  if (!m.ok()) {
    *error = m.status().message();
    return false;
  }
  if (m->empty()) return false;
  out->path = path;
  out->original = std::string(s);
  out->standalone = m->size() == 1 && (*m)[0].start == 0 && (*m)[0].end == s.size();
  out->expression = out->standalone ? (*m)[0].expr : BuildStringTemplate(s, *m);
  out->matches = std::move(*m);
  return true;
}

void CollectExpressions(const json::Value& v, const std::string& base,
                        std::vector<FieldExpression>* out, std::vector<TemplateIssue>* issues) {
  switch (v.kind()) {
    case boost::json::kind::object:
      for (const auto& kv : v.as_object()) {
        CollectExpressions(kv.value(), json::AppendField(base, kv.key()), out, issues);
      }
      break;
    case boost::json::kind::array: {
      size_t i = 0;
      for (const json::Value& e : v.as_array()) {
        CollectExpressions(e, json::AppendIndex(base, i++), out, issues);
      }
      break;
    }
    case boost::json::kind::string: {
      FieldExpression fe;
      std::string error;
      if (MakeFieldExpression(v.as_string(), base, &fe, &error)) {
        out->push_back(std::move(fe));
      } else if (!error.empty()) {
        issues->push_back({base, error});
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace kro::graph
