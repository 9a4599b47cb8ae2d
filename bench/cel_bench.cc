// CEL engine benchmarks (issue 3): for every case of cel_cases.h
//   ParseCheck/<case>  Environment::Compile (parse + type-check)
//   Plan/<case>        Environment::Plan of the checked expression
//   Eval/<case>        Program::Evaluate against Kubernetes-shaped JSON bound as variables
// bench/reference/cel/main.go measures the same names with cel-go.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/cel_cases.h"
#include "kro/cel/environment.h"
#include "kro/json/json.h"

namespace kro::bench {
namespace {

struct Inputs {
  json::Value schema;
  json::Value db;
  json::Value list;
};

const Inputs& GetInputs() {
  static const Inputs* inputs = [] {
    auto* in = new Inputs;
    in->schema = *json::Parse(kSchemaJson);
    in->db = *json::Parse(kDbJson);
    json::Array arr;
    for (int i = 0; i < 100; ++i) arr.emplace_back(i);
    in->list = std::move(arr);
    return in;
  }();
  return *inputs;
}

const cel::Environment& GetEnv() {
  static const cel::Environment* env = [] {
    auto r = cel::Environment::New({
        .variables = {{"schema", cel::Type::Map(cel::Type::String(), cel::Type::Dyn())},
                      {"db", cel::Type::Map(cel::Type::String(), cel::Type::Dyn())},
                      {"items", cel::Type::List(cel::Type::Int())}},
    });
    if (!r.ok()) {
      std::fprintf(stderr, "Environment::New: %s\n", r.status().ToString().c_str());
      std::abort();
    }
    return new cel::Environment(std::move(*r));
  }();
  return *env;
}

void BM_ParseCheck(benchmark::State& state, const char* expr) {
  const cel::Environment& env = GetEnv();
  for (auto _ : state) {
    auto checked = env.Compile(expr);
    if (!checked.ok()) {
      state.SkipWithError(checked.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(checked);
  }
}

void BM_Plan(benchmark::State& state, const char* expr) {
  const cel::Environment& env = GetEnv();
  auto checked = env.Compile(expr);
  if (!checked.ok()) {
    state.SkipWithError(checked.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    auto program = env.Plan(*checked);
    if (!program.ok()) {
      state.SkipWithError(program.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(program);
  }
}

void BM_Eval(benchmark::State& state, const char* expr) {
  const cel::Environment& env = GetEnv();
  const Inputs& in = GetInputs();
  auto checked = env.Compile(expr);
  if (!checked.ok()) {
    state.SkipWithError(checked.status().ToString().c_str());
    return;
  }
  auto program = env.Plan(*checked);
  if (!program.ok()) {
    state.SkipWithError(program.status().ToString().c_str());
    return;
  }
  cel::Activation act(*program);
  (void)act.Bind("schema", cel::Value::FromJson(in.schema));
  (void)act.Bind("db", cel::Value::FromJson(in.db));
  (void)act.Bind("items", cel::Value::FromJson(in.list));
  cel::Value first = program->Evaluate(act);
  if (first.is_error()) {
    state.SkipWithError(("evaluation error: " + first.DebugString()).c_str());
    return;
  }
  for (auto _ : state) {
    cel::Value v = program->Evaluate(act);
    benchmark::DoNotOptimize(v);
  }
  state.SetLabel(first.DebugString().substr(0, 40));
}

}  // namespace
}  // namespace kro::bench

int main(int argc, char** argv) {
  using kro::bench::kCelCases;
  for (const auto& c : kCelCases) {
    benchmark::RegisterBenchmark((std::string("ParseCheck/") + c.name).c_str(),
                                 kro::bench::BM_ParseCheck, c.expr);
  }
  for (const auto& c : kCelCases) {
    benchmark::RegisterBenchmark((std::string("Plan/") + c.name).c_str(), kro::bench::BM_Plan,
                                 c.expr);
  }
  for (const auto& c : kCelCases) {
    benchmark::RegisterBenchmark((std::string("Eval/") + c.name).c_str(), kro::bench::BM_Eval,
                                 c.expr);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
