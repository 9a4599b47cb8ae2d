// kro::cel::Environment: kro's CEL dialect as one object (spec/cel.md §1).
//
//   KRO_ASSIGN_OR_RETURN(Environment env, Environment::New({
//       .variables = {{"schema", schema_type}, {"deployment", deployment_type}},
//       .providers = {schema_provider}}));
//   KRO_ASSIGN_OR_RETURN(CheckedExpr checked, env.Compile("schema.spec.replicas + 1"));
//   // checked.result_type is int
//   KRO_ASSIGN_OR_RETURN(Program program, env.Plan(checked));
//
// Compile = parse + type-check. Errors are kInvalidArgument whose message is every issue in
// cel-go's format ("ERROR: <input>:1:11: found no matching overload for '_+_' applied to
// '(string, int)'\n | src\n | ..........^"), ordered by position, and whose location() is
// "line:col" of the first. An Environment is immutable after New() and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/cel/checker/checker.h"
#include "kro/cel/checker/decls.h"
#include "kro/cel/checker/type_provider.h"
#include "kro/cel/checker/types.h"
#include "kro/cel/eval/program.h"
#include "kro/cel/parser/parser.h"

namespace kro::cel {

struct EnvironmentOptions {
  // Declared variables (names may be qualified) and their types; use Type::Dyn() for untyped.
  std::vector<VariableDecl> variables = {};
  // Struct types for schema-typed variables (consulted in order).
  std::vector<std::shared_ptr<const TypeProvider>> providers = {};
  // CEL container for name resolution; empty for none.
  std::string container = {};
  // kro library switches: `runtime` (status.conditions expressions), omit(), deepMerge().
  KroLibraryOptions libraries = {};
  ParseOptions parse_options = {};
};

// A parsed and type-checked expression.
struct CheckedExpr {
  ParsedExpr parsed;
  CheckResult check;  // node types, resolved references
  Type result_type;
};

class Environment {
 public:
  static Result<Environment> New(EnvironmentOptions options);

  // A new Environment with `more` variables declared in addition (e.g. a forEach iterator or
  // `each`); cheaper than New() since the libraries are not rebuilt.
  Result<Environment> Extend(std::vector<VariableDecl> more) const;

  // Parses only (no type check).
  Result<ParsedExpr> Parse(std::string_view expr) const;
  // Parses and type-checks.
  Result<CheckedExpr> Compile(std::string_view expr) const;
  // Type-checks an already parsed expression.
  Result<CheckedExpr> Check(ParsedExpr parsed) const;
  // Plans a checked expression for evaluation with the evaluator's default registry.
  Result<Program> Plan(const CheckedExpr& checked) const;

  const CheckerEnv& checker_env() const { return *checker_env_; }
  const EnvironmentOptions& options() const { return *options_; }

 private:
  Environment() = default;
  std::shared_ptr<const EnvironmentOptions> options_;
  std::shared_ptr<const CheckerEnv> checker_env_;
};

// The error Status for failed check results (message = all issues formatted, location =
// "line:col" of the first issue).
Status CheckIssuesToStatus(const CheckResult& result, const Source& source);

}  // namespace kro::cel
