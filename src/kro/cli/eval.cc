#include "kro/cli/eval.h"

#include <cctype>

#include "kro/graph/references.h"
#include "kro/graph/template.h"

namespace kro::cli {

namespace {

// Field-path evaluator: ident ( .name | .?name | [int] | ["key"] | ['key'] )*.
EvalOutcome EvalPath(const std::string& s, const Scope& scope) {
  EvalOutcome out;
  size_t i = 0;
  auto ws = [&]() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  auto ident = [&]() {
    size_t st = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    return s.substr(st, i - st);
  };
  auto unsupported = [&]() {
    out.state = EvalOutcome::kUnsupported;
    out.text = "<unevaluated: " + s + ">";
    return out;
  };
  ws();
  std::string root = ident();
  if (root.empty()) return unsupported();
  auto it = scope.vars.find(root);
  if (it == scope.vars.end()) return unsupported();
  const json::Value* cur = &it->second;
  bool optional = false;
  while (true) {
    ws();
    if (i >= s.size()) break;
    if (s[i] == '.') {
      ++i;
      if (i < s.size() && s[i] == '?') {
        optional = true;
        ++i;
      }
      std::string name = ident();
      if (name.empty()) return unsupported();
      const json::Value* next = cur->is_object() ? cur->as_object().if_contains(name) : nullptr;
      if (next == nullptr) {
        if (optional) {
          out.value = nullptr;
          return out;
        }
        out.state = EvalOutcome::kError;
        out.text = "<error: no such key: " + name + ">";
        return out;
      }
      cur = next;
    } else if (s[i] == '[') {
      ++i;
      ws();
      const json::Value* next = nullptr;
      if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
        char q = s[i++];
        size_t end = s.find(q, i);
        if (end == std::string::npos) return unsupported();
        std::string key = s.substr(i, end - i);
        i = end + 1;
        next = cur->is_object() ? cur->as_object().if_contains(key) : nullptr;
      } else if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        size_t st = i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        size_t idx = std::stoul(s.substr(st, i - st));
        next = cur->is_array() && idx < cur->as_array().size() ? &cur->as_array()[idx] : nullptr;
      } else {
        return unsupported();
      }
      ws();
      if (i >= s.size() || s[i] != ']') return unsupported();
      ++i;
      if (next == nullptr) {
        out.state = EvalOutcome::kError;
        out.text = "<error: no such key or index>";
        return out;
      }
      cur = next;
    } else {
      return unsupported();
    }
  }
  out.value = *cur;
  return out;
}

std::string ToText(const json::Value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return json::Serialize(v);
}

}  // namespace

EvalOutcome EvaluateCel(const std::string& cel, const Scope& scope) {
  Result<graph::References> refs = graph::FindReferences(cel);
  if (refs.ok()) {
    for (const std::string& id : refs->identifiers) {
      if (scope.vars.count(id) == 0 && scope.resources.count(id) != 0) {
        EvalOutcome out;
        out.state = EvalOutcome::kPending;
        std::string t = cel;
        size_t a = t.find_first_not_of(" \t\n");
        size_t b = t.find_last_not_of(" \t\n");
        out.text = "<pending: " + (a == std::string::npos ? t : t.substr(a, b - a + 1)) + ">";
        return out;
      }
    }
  }
  return EvalPath(cel, scope);
}

EvalOutcome Evaluate(const graph::Expression& e, const Scope& scope) {
  Result<std::vector<graph::ExprMatch>> matches = graph::ExtractExpressions(e.original);
  if (e.standalone || !matches.ok()) return EvaluateCel(e.cel, scope);
  // String template: evaluate each part so pending parts are shown in place.
  EvalOutcome out;
  std::string text;
  size_t pos = 0;
  bool all_values = true;
  for (const graph::ExprMatch& m : *matches) {
    text += e.original.substr(pos, m.start - pos);
    EvalOutcome part = EvaluateCel(m.expr, scope);
    if (part.state == EvalOutcome::kValue) {
      text += ToText(part.value);
    } else {
      all_values = false;
      if (out.state == EvalOutcome::kValue || part.state == EvalOutcome::kPending) {
        out.state = part.state;
      }
      text += part.text;
    }
    pos = m.end;
  }
  text += e.original.substr(pos);
  if (all_values) {
    out.value = json::Value(text);
  } else {
    out.text = text;
  }
  return out;
}

}  // namespace kro::cli
