// libFuzzer target for the whole CEL pipeline: parse + type-check + plan + evaluate.
//
// The input is one CEL expression (plain text, so the seed corpus stays readable). It is run
// through two environments: a typed one (schema as a struct from a TypeProvider, like kro's
// builder does) and an untyped one (every variable dyn, kro's runtime library on); it is also
// planned unchecked, straight from the parse tree, which exercises the evaluator's dynamic
// dispatch and error paths. Inputs that fail to parse, check or plan are fine. What must never
// happen: a crash, a hang (evaluations run with a small budget), a leak or a sanitizer report;
// an error Status or error Value must carry a message.
//
// Built and run by scripts/fuzz (see test/fuzz/README.md); to build by hand:
//
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -Isrc \
//     test/fuzz/cel_eval_fuzz.cc <src/kro/{base,json,cel} sources> \
//     -lre2 -lcrypto -lboost_json -lyaml-cpp -pthread -o /tmp/cel_eval_fuzz
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kro/cel/checker/type_provider.h"
#include "kro/cel/checker/types.h"
#include "kro/cel/environment.h"
#include "kro/cel/eval/program.h"
#include "kro/cel/eval/value.h"
#include "kro/cel/parser/parser.h"
#include "kro/json/json.h"

namespace {

using kro::cel::Activation;
using kro::cel::Environment;
using kro::cel::Type;
using kro::cel::Value;

// Small: enough for typical expressions, small enough that runaway loops stop in microseconds.
constexpr int64_t kBudget = 20000;

constexpr std::string_view kSchemaJson = R"json({
  "metadata": {"name": "demo", "namespace": "default", "labels": {"app": "demo", "tier": "web"}},
  "spec": {
    "replicas": 3, "name": "web", "enabled": true, "ratio": 0.5,
    "created": "2024-01-02T03:04:05Z",
    "ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "https"}],
    "values": {"a": 1, "b": [1, 2, 3], "c": {"d": null, "e": "x"}},
    "tags": ["a", "b", "c"]
  }
})json";

constexpr std::string_view kDeploymentJson = R"json({
  "status": {"availableReplicas": 2,
             "conditions": [{"type": "Available", "status": "True"},
                            {"type": "Progressing", "status": "False"}]}
})json";

std::shared_ptr<const kro::cel::TypeProvider> SchemaProvider() {
  auto p = std::make_shared<kro::cel::MapTypeProvider>();
  p->AddStruct("__type_schema", {{"spec", Type::Struct("__type_schema.spec")},
                                 {"metadata", Type::Struct("__type_schema.metadata")}});
  p->AddStruct("__type_schema.metadata", {{"name", Type::String()},
                                          {"namespace", Type::String()},
                                          {"labels", Type::Map(Type::String(), Type::String())}});
  p->AddStruct("__type_schema.spec",
               {{"replicas", Type::Int()},
                {"name", Type::String()},
                {"enabled", Type::Bool()},
                {"ratio", Type::Double()},
                {"created", Type::Timestamp()},
                {"ports", Type::List(Type::Struct("__type_schema.spec.ports.@idx"))},
                {"values", Type::Struct("__type_schema.spec.values")},
                {"tags", Type::List(Type::String())}});
  p->AddStruct("__type_schema.spec.ports.@idx", {{"port", Type::Int()}, {"name", Type::String()}});
  p->AddStruct("__type_schema.spec.values", {}, /*preserve_unknown_fields=*/true);
  p->AddStruct("__type_deployment", {{"status", Type::Struct("__type_deployment.status")}});
  p->AddStruct("__type_deployment.status",
               {{"availableReplicas", Type::Int()},
                {"conditions", Type::List(Type::Map(Type::String(), Type::String()))}});
  return p;
}

struct Fixture {
  kro::json::Value schema_doc;
  kro::json::Value deployment_doc;
  std::vector<std::pair<std::string, Value>> bindings;
  std::vector<Environment> envs;
  std::vector<std::string> names;  // for the unchecked plan
};

Environment MustEnv(kro::cel::EnvironmentOptions options) {
  kro::Result<Environment> env = Environment::New(std::move(options));
  if (!env.ok()) std::abort();
  return std::move(*env);
}

const Fixture& GetFixture() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;
    f->schema_doc = *kro::json::Parse(kSchemaJson);
    f->deployment_doc = *kro::json::Parse(kDeploymentJson);
    std::vector<Value> items;
    for (int64_t i = 0; i < 5; ++i) items.push_back(Value::Int(i * 7 - 3));
    f->bindings = {
        {"schema", Value::FromJson(f->schema_doc)},
        {"deployment", Value::FromJson(f->deployment_doc)},
        {"items", Value::List(std::move(items))},
        {"names", Value::List({Value::String("a"), Value::String("bb"), Value::String("")})},
        {"m", Value::Map({{Value::String("k"), Value::Int(1)},
                          {Value::String("l"), Value::List({Value::Double(1.5)})}})},
        {"s", Value::String("héllo wörld")},
        {"i", Value::Int(-9223372036854775807LL - 1)},
        {"u", Value::Uint(18446744073709551615ULL)},
        {"d", Value::Double(-0.0)},
        {"b", Value::Bool(true)},
        {"anything", Value::Null()},
    };
    for (const auto& [name, value] : f->bindings) f->names.push_back(name);

    std::vector<kro::cel::VariableDecl> common = {
        {"items", Type::List(Type::Int())},
        {"names", Type::List(Type::String())},
        {"m", Type::Map(Type::String(), Type::Dyn())},
        {"s", Type::String()},
        {"i", Type::Int()},
        {"u", Type::Uint()},
        {"d", Type::Double()},
        {"b", Type::Bool()},
        {"anything", Type::Dyn()},
    };
    // Typed, as the graph builder compiles resource templates.
    std::vector<kro::cel::VariableDecl> typed = common;
    typed.push_back({"schema", Type::Struct("__type_schema")});
    typed.push_back({"deployment", Type::Struct("__type_deployment")});
    f->envs.push_back(MustEnv({.variables = std::move(typed),
                               .providers = {SchemaProvider()},
                               .libraries = {.omit = true}}));
    // Untyped, with kro's runtime-only functions.
    std::vector<kro::cel::VariableDecl> untyped = common;
    untyped.push_back({"schema", Type::Dyn()});
    untyped.push_back({"deployment", Type::Map(Type::String(), Type::Dyn())});
    f->envs.push_back(MustEnv({.variables = std::move(untyped),
                               .libraries = {.runtime = true, .omit = true, .deep_merge = true}}));
    return f;
  }();
  return *fixture;
}

void Touch(const Value& v) {
  if (v.is_error() && v.error_message().empty()) std::abort();
  (void)v.DebugString();
  (void)v.TypeName();
}

void Run(const kro::cel::Program& program, const Fixture& f) {
  Activation act(program);
  for (const auto& [name, value] : f.bindings) {
    int slot = program.SlotOf(name);
    if (slot >= 0) act.BindSlot(slot, value);
  }
  Touch(program.Evaluate(act, kBudget));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = GetFixture();
  std::string_view text(reinterpret_cast<const char*>(data), size);

  for (const Environment& env : f.envs) {
    kro::Result<kro::cel::CheckedExpr> checked = env.Compile(text);
    if (!checked.ok()) {
      if (checked.status().message().empty()) std::abort();
      continue;
    }
    kro::Result<kro::cel::Program> program = env.Plan(*checked);
    if (!program.ok()) {
      if (program.status().message().empty()) std::abort();
      continue;
    }
    Run(*program, f);
  }

  // Unchecked: plan straight from the parse tree (no type check), as the conformance runner's
  // disable_check tests do.
  kro::Result<kro::cel::ParsedExpr> parsed = kro::cel::Parse(text);
  if (parsed.ok()) {
    kro::Result<kro::cel::Program> program =
        kro::cel::Plan(*parsed->expr, {.variables = f.names, .max_iterations = kBudget});
    if (program.ok()) Run(*program, f);
  }
  return 0;
}
