#include "kro/cli/eval.h"

#include <optional>

#include "kro/cel/environment.h"
#include "kro/graph/references.h"
#include "kro/graph/template.h"
#include "kro/runtime/value_json.h"

namespace kro::cli {

namespace {

std::string ToText(const json::Value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return json::Serialize(v);
}

}  // namespace

EvalOutcome EvaluateCel(const std::string& cel, const Scope& scope) {
  std::string trimmed = cel;
  size_t a = trimmed.find_first_not_of(" \t\n");
  size_t b = trimmed.find_last_not_of(" \t\n");
  trimmed = a == std::string::npos ? trimmed : trimmed.substr(a, b - a + 1);
  EvalOutcome out;
  Result<graph::References> refs = graph::FindReferences(cel);
  if (refs.ok()) {
    for (const std::string& id : refs->identifiers) {
      if (scope.vars.count(id) == 0 && scope.resources.count(id) != 0) {
        out.state = EvalOutcome::kPending;
        out.text = "<pending: " + trimmed + ">";
        return out;
      }
    }
  }
  // Every variable is dyn: the builder has type-checked the expression against the schemas
  // already; here only names need resolving (as the controller's runtime does).
  cel::EnvironmentOptions eo;
  for (const auto& kv : scope.vars) eo.variables.push_back({kv.first, cel::Type::Dyn()});
  eo.libraries.omit = true;
  auto error = [&](const std::string& message) {
    out.state = EvalOutcome::kError;
    out.text = "<error: " + message.substr(0, message.find('\n')) + ">";
    return out;
  };
  Result<cel::Environment> env = cel::Environment::New(std::move(eo));
  if (!env.ok()) return error(env.status().message());
  Result<cel::CheckedExpr> checked = env->Compile(cel);
  if (!checked.ok()) return error(checked.status().message());
  Result<cel::Program> program = env->Plan(*checked);
  if (!program.ok()) return error(program.status().message());
  cel::Activation act(*program);
  for (const auto& kv : scope.vars) (void)act.Bind(kv.first, cel::Value::FromJson(kv.second));
  cel::Value v = program->Evaluate(act);
  if (v.is_error()) return error(v.error_message());
  Result<std::optional<json::Value>> j = runtime::CelToJsonField(v);
  if (!j.ok()) return error(j.status().message());
  if (!j->has_value()) {
    out.state = EvalOutcome::kOmitted;
    out.text = "<omitted>";
    return out;
  }
  out.value = std::move(**j);
  return out;
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
    if (part.state == EvalOutcome::kOmitted) {
      part.state = EvalOutcome::kError;
      part.text = "<error: omit() cannot be part of a string template>";
    }
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
