// Graph compile benchmarks (issue 4): a generated RGD of N resources (a chain of ConfigMaps with
// a Deployment every 5th resource, each referencing the previous resource, and a fan-out from
// the first ConfigMap to every resource), compiled with graph::Build against an OfflineResolver
// whose documents are already loaded (the controller's steady state).
//
//   Compile/<N>          graph::Build of an already parsed RGD
//   ParseCompile/<N>     YAML text -> api::ParseResourceGraphDefinition -> graph::Build
//
// Counters: peak_heap_bytes = the largest number of live heap bytes allocated during one
// compile above the level before it (global operator new/delete are counted with
// malloc_usable_size), allocs = heap allocations per compile. Target (issue 4): Compile/50 < 10 ms.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <new>
#include <string>

#include "kro/api/rgd.h"
#include "kro/graph/builder.h"
#include "kro/graph/resolver.h"
#include "kro/json/json.h"

// ---- heap accounting ---------------------------------------------------------------------------
namespace {
std::atomic<int64_t> g_live{0};
std::atomic<int64_t> g_peak{0};
std::atomic<int64_t> g_allocs{0};
// Counting is on only for the one compile that is measured for heap (malloc_usable_size costs
// ~10% of a compile), not during the timed iterations.
std::atomic<bool> g_counting{false};

void* CountedAlloc(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  if (!g_counting.load(std::memory_order_relaxed)) return p;
  int64_t live = g_live.fetch_add(static_cast<int64_t>(malloc_usable_size(p)),
                                  std::memory_order_relaxed) +
                 static_cast<int64_t>(malloc_usable_size(p));
  int64_t peak = g_peak.load(std::memory_order_relaxed);
  while (live > peak && !g_peak.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  return p;
}

void CountedFree(void* p) {
  if (p == nullptr) return;
  if (!g_counting.load(std::memory_order_relaxed)) {
    std::free(p);
    return;
  }
  g_live.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}
}  // namespace

void* operator new(size_t n) { return CountedAlloc(n); }
void* operator new[](size_t n) { return CountedAlloc(n); }
void operator delete(void* p) noexcept { CountedFree(p); }
void operator delete[](void* p) noexcept { CountedFree(p); }
void operator delete(void* p, size_t) noexcept { CountedFree(p); }
void operator delete[](void* p, size_t) noexcept { CountedFree(p); }

namespace kro::bench {
namespace {

// The generated RGD as YAML.
std::string GenerateRgd(int n) {
  std::string y = R"(apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: bench-app}
spec:
  schema:
    apiVersion: v1alpha1
    kind: BenchApp
    spec:
      name: string
      image: string | default="nginx:1.27"
      replicas: integer | default=1
      tier: string | default="web"
    status:
      firstConfig: ${r0.metadata.name}
)";
  auto id = [](int i) { return "r" + std::to_string(i); };
  for (int i = 5; i < n && i <= 15; i += 5) {
    y += "      available" + std::to_string(i) + ": ${" + id(i) + ".status.availableReplicas}\n";
  }
  y += "  resources:\n";
  for (int i = 0; i < n; ++i) {
    const std::string me = id(i);
    const std::string prev = i > 0 ? id(i - 1) : "";
    y += "  - id: " + me + "\n";
    if (i > 0 && i % 5 == 0) {
      y += "    readyWhen:\n    - ${" + me + ".status.availableReplicas == " + me +
           ".spec.replicas}\n";
      y += "    template:\n"
           "      apiVersion: apps/v1\n"
           "      kind: Deployment\n"
           "      metadata:\n"
           "        name: ${schema.spec.name}-" + me + "\n"
           "        labels: {app: \"${schema.spec.name}\", tier: \"${schema.spec.tier}\"}\n"
           "        annotations: {prev: \"${" + prev + ".metadata.name}\"}\n"
           "      spec:\n"
           "        replicas: \"${schema.spec.replicas > 0 ? schema.spec.replicas : 1}\"\n"
           "        selector: {matchLabels: {app: \"${schema.spec.name}-" + me + "\"}}\n"
           "        template:\n"
           "          metadata: {labels: {app: \"${schema.spec.name}-" + me + "\"}}\n"
           "          spec:\n"
           "            containers:\n"
           "            - name: app\n"
           "              image: ${schema.spec.image}\n"
           "              env:\n"
           "              - {name: PREV, value: \"${" + prev + ".metadata.name}\"}\n"
           "              - {name: ROOT, value: \"${r0.data.root}\"}\n"
           "              envFrom:\n"
           "              - configMapRef: {name: \"${r0.metadata.name}\"}\n";
    } else {
      y += "    template:\n"
           "      apiVersion: v1\n"
           "      kind: ConfigMap\n"
           "      metadata:\n"
           "        name: ${schema.spec.name}-" + me + "\n"
           "        labels: {app: \"${schema.spec.name}\"}\n"
           "      data:\n";
      if (i == 0) {
        y += "        root: ${schema.spec.name + '-' + string(schema.spec.replicas)}\n";
      } else {
        y += "        prev: \"${" + prev + ".metadata.name}-next\"\n";
        y += "        root: ${r0.data.root}\n";
        y += "        replicas: ${string(schema.spec.replicas * " + std::to_string(i) + ")}\n";
      }
    }
  }
  return y;
}

std::string OpenApiDir() {
  std::filesystem::path cache = std::filesystem::path(KRO_SOURCE_DIR) / ".cache" / "openapi";
  if (std::filesystem::exists(cache / "api" / "v1.json")) return cache.string();
  return (std::filesystem::path(KRO_SOURCE_DIR) / "test" / "testdata" / "rgds" / "openapi")
      .string();
}

const graph::OfflineResolver& Resolver() {
  static const graph::OfflineResolver* r = new graph::OfflineResolver(OpenApiDir());
  return *r;
}

bool BuildOnce(const api::ResourceGraphDefinition& rgd, benchmark::State& state) {
  graph::BuildOptions opts;
  opts.resolver = &Resolver();
  auto g = graph::Build(rgd, opts);
  if (!g.ok()) {
    state.SkipWithError(g.status().ToString().substr(0, 2000).c_str());
    return false;
  }
  benchmark::DoNotOptimize(g);
  return true;
}

void SetHeapCounters(benchmark::State& state, int64_t peak, int64_t allocs) {
  state.counters["peak_heap_bytes"] = benchmark::Counter(static_cast<double>(peak));
  state.counters["allocs"] = benchmark::Counter(static_cast<double>(allocs));
}

void BM_Compile(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string text = GenerateRgd(n);
  auto doc = json::ParseYaml(text);
  if (!doc.ok()) {
    state.SkipWithError(doc.status().ToString().c_str());
    return;
  }
  api::ParsedRgd parsed = api::ParseResourceGraphDefinition(*doc);
  if (!parsed.diagnostics.empty()) {
    state.SkipWithError(("parse: " + parsed.diagnostics[0].message).c_str());
    return;
  }
  // Warm the resolver's document cache and measure one compile's heap.
  if (!BuildOnce(parsed.rgd, state)) return;
  g_live.store(0);
  g_peak.store(0);
  const int64_t allocs0 = g_allocs.load();
  g_counting.store(true);
  bool ok = BuildOnce(parsed.rgd, state);
  g_counting.store(false);
  if (!ok) return;
  const int64_t peak = g_peak.load();
  const int64_t allocs = g_allocs.load() - allocs0;
  for (auto _ : state) {
    BuildOnce(parsed.rgd, state);
  }
  SetHeapCounters(state, peak, allocs);
}

void BM_ParseCompile(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string text = GenerateRgd(n);
  auto once = [&]() {
    auto doc = json::ParseYaml(text);
    if (!doc.ok()) {
      state.SkipWithError(doc.status().ToString().c_str());
      return false;
    }
    api::ParsedRgd parsed = api::ParseResourceGraphDefinition(*doc);
    return BuildOnce(parsed.rgd, state);
  };
  if (!once()) return;
  g_live.store(0);
  g_peak.store(0);
  const int64_t allocs0 = g_allocs.load();
  g_counting.store(true);
  bool ok = once();
  g_counting.store(false);
  if (!ok) return;
  const int64_t peak = g_peak.load();
  const int64_t allocs = g_allocs.load() - allocs0;
  for (auto _ : state) {
    once();
  }
  SetHeapCounters(state, peak, allocs);
}

BENCHMARK(BM_Compile)->Name("Compile")->Arg(10)->Arg(50)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseCompile)->Name("ParseCompile")->Arg(50)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kro::bench

BENCHMARK_MAIN();
