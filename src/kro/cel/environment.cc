#include "kro/cel/environment.h"

#include <algorithm>
#include <utility>

namespace kro::cel {
namespace {

// The run-time kind of well-formed values of a checked type (nullopt for dyn and the like).
// Object types are JSON objects, so maps.
std::optional<ValueKind> RuntimeKind(const Type* type) {
  if (type == nullptr) return std::nullopt;
  switch (type->kind()) {
    case TypeKind::kNull: return ValueKind::kNull;
    case TypeKind::kBool: return ValueKind::kBool;
    case TypeKind::kInt: return ValueKind::kInt;
    case TypeKind::kUint: return ValueKind::kUint;
    case TypeKind::kDouble: return ValueKind::kDouble;
    case TypeKind::kString: return ValueKind::kString;
    case TypeKind::kBytes: return ValueKind::kBytes;
    case TypeKind::kTimestamp: return ValueKind::kTimestamp;
    case TypeKind::kDuration: return ValueKind::kDuration;
    case TypeKind::kList: return ValueKind::kList;
    case TypeKind::kMap:
    case TypeKind::kStruct: return ValueKind::kMap;
    case TypeKind::kType: return ValueKind::kType;
    default: return type->IsOptional() ? std::optional(ValueKind::kOptional) : std::nullopt;
  }
}

}  // namespace

Status CheckIssuesToStatus(const CheckResult& result, const Source& source) {
  if (result.ok()) {
    return Status::Ok();
  }
  const CheckIssue* first = &result.issues[0];
  for (const auto& issue : result.issues) {
    SourceLocation a = source.Location(issue.offset);
    SourceLocation b = source.Location(first->offset);
    if (a.line < b.line || (a.line == b.line && a.column < b.column)) {
      first = &issue;
    }
  }
  SourceLocation loc = source.Location(first->offset);
  return InvalidArgument(result.FormatIssues(source),
                         std::to_string(loc.line) + ":" + std::to_string(loc.column));
}

Result<Environment> Environment::New(EnvironmentOptions options) {
  auto env = std::make_shared<CheckerEnv>();
  KRO_RETURN_IF_ERROR(AddKroLibraries(*env, options.libraries));
  env->set_container(options.container);
  for (const auto& provider : options.providers) {
    env->AddProvider(provider);
  }
  for (const auto& var : options.variables) {
    KRO_RETURN_IF_ERROR(env->AddVariable(var));
  }
  Environment out;
  out.options_ = std::make_shared<const EnvironmentOptions>(std::move(options));
  out.checker_env_ = std::move(env);
  return out;
}

Result<Environment> Environment::Extend(std::vector<VariableDecl> more) const {
  auto env = std::make_shared<CheckerEnv>(*checker_env_);
  auto options = std::make_shared<EnvironmentOptions>(*options_);
  for (auto& var : more) {
    KRO_RETURN_IF_ERROR(env->AddVariable(var));
    options->variables.push_back(std::move(var));
  }
  Environment out;
  out.options_ = std::move(options);
  out.checker_env_ = std::move(env);
  return out;
}

Result<ParsedExpr> Environment::Parse(std::string_view expr) const {
  return cel::Parse(expr, options_->parse_options);
}

Result<CheckedExpr> Environment::Check(ParsedExpr parsed) const {
  CheckResult result = cel::Check(parsed, *checker_env_);
  if (!result.ok()) {
    return CheckIssuesToStatus(result, *parsed.source);
  }
  Type type = result.result_type;
  return CheckedExpr{std::move(parsed), std::move(result), std::move(type)};
}

Result<CheckedExpr> Environment::Compile(std::string_view expr) const {
  KRO_ASSIGN_OR_RETURN(ParsedExpr parsed, Parse(expr));
  return Check(std::move(parsed));
}

Result<Program> Environment::Plan(const CheckedExpr& checked) const {
  PlanOptions plan;
  plan.container = options_->container;
  for (const auto& var : options_->variables) {
    plan.variables.push_back(var.name);
  }
  if (options_->libraries.runtime) {
    plan.variables.push_back("runtime");
  }
  plan.static_kind = [&checked](int64_t id) { return RuntimeKind(checked.check.TypeOf(id)); };
  return cel::Plan(*checked.parsed.expr, plan);
}

}  // namespace kro::cel
