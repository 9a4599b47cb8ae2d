// kube_loadgen: the kro-cpp side of bench/harness/kube.sh (issue 2). Against a live API server
// (KUBECONFIG), with client-side rate limiting disabled (qps <= 0), it measures:
//
//   create_seq      N ConfigMaps created one after another                  -> objects/s
//   create_par      N ConfigMaps created by T threads (N/T each)            -> objects/s
//   watch latency   an Informer runs on a namespace while N ConfigMaps are created one after
//                   another; latency = time the informer's add handler sees the object minus
//                   the time Create() returned (clamped at 0: the event often beats the
//                   response), and minus the time Create() was called   -> p50, p99 (ms)
//   cache bytes     heap bytes in use (glibc mallinfo2().uordblks + hblkhd) after a fresh
//                   Informer has synced N ConfigMaps, minus the same before it was created,
//                   divided by N                                            -> bytes/object
//
// bench/reference/kube/main.go does the same with client-go. Objects: ConfigMaps with two labels
// and four ~60-byte data values (metadata.managedFields is written by the server).
//
// Usage: kube_loadgen --prefix P [--count N] [--threads T] > result.json
// Creates namespaces P-seq, P-par, P-watch; the caller deletes them (or the control plane).
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "kro/json/json.h"
#include "kro/kube/client.h"
#include "kro/kube/beast_transport.h"
#include "kro/kube/informer.h"
#include "kro/kube/rest_config.h"

namespace kro::bench {
namespace {

using Clock = std::chrono::steady_clock;

const kube::Gvr kConfigMaps{"", "v1", "configmaps"};
const kube::Gvr kNamespaces{"", "v1", "namespaces"};

json::Value ConfigMap(std::string_view ns, int i) {
  json::Object data;
  for (int k = 0; k < 4; ++k) {
    data["key" + std::to_string(k)] =
        "value-" + std::to_string(i) + "-" + std::to_string(k) +
        "-abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstu";
  }
  json::Object labels{{"app", "kro-bench"}, {"index", std::to_string(i)}};
  json::Object meta{{"name", "cm-" + std::to_string(i)},
                    {"namespace", std::string(ns)},
                    {"labels", std::move(labels)}};
  return json::Object{{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", std::move(meta)},
                      {"data", std::move(data)}};
}

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "kube_loadgen: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

void CreateNamespace(kube::Client& c, const std::string& ns) {
  json::Value obj = json::Object{{"apiVersion", "v1"},
                                 {"kind", "Namespace"},
                                 {"metadata", json::Object{{"name", ns}}}};
  auto r = c.Create(kNamespaces, "", obj);
  if (!r.ok() && r.status().code() != ErrorCode::kAlreadyExists) Die("create namespace " + ns, r.status());
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double CreateSequential(kube::Client& c, const std::string& ns, int n) {
  auto start = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto r = c.Create(kConfigMaps, ns, ConfigMap(ns, i));
    if (!r.ok()) Die("create", r.status());
  }
  return n / Seconds(Clock::now() - start);
}

double CreateParallel(kube::Client& c, const std::string& ns, int n, int threads) {
  std::atomic<int> next{0};
  auto start = Clock::now();
  {
    std::vector<std::jthread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        for (int i = next++; i < n; i = next++) {
          auto r = c.Create(kConfigMaps, ns, ConfigMap(ns, i));
          if (!r.ok()) Die("create", r.status());
        }
      });
    }
  }
  return n / Seconds(Clock::now() - start);
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

struct Latency {
  // From the Create() response to the informer's add handler (clamped at 0).
  double p50_ms = 0;
  double p99_ms = 0;
  // From the Create() call (request issued) to the informer's add handler.
  double req_p50_ms = 0;
  double req_p99_ms = 0;
  double before_response = 0;  // fraction of events delivered before Create() returned
};

Latency WatchLatency(kube::Client& c, const std::string& ns, int n) {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, Clock::time_point, std::less<>> seen;  // guarded by mu
  kube::InformerOptions options;
  options.ns = ns;
  kube::Informer informer(c, kConfigMaps, options);
  kube::EventHandler handler;
  handler.on_add = [&](const kube::ObjectPtr& obj) {
    auto now = Clock::now();
    std::lock_guard<std::mutex> lock(mu);
    seen.emplace(std::string(kube::NameOf(*obj)), now);
    cv.notify_all();
  };
  informer.AddEventHandler(std::move(handler));
  informer.Start();
  if (!informer.WaitForSync(std::chrono::seconds(30))) Die("informer sync", Status::Ok());
  std::vector<Clock::time_point> issued(n), returned(n);
  for (int i = 0; i < n; ++i) {
    json::Value obj = ConfigMap(ns, i);
    issued[i] = Clock::now();
    auto r = c.Create(kConfigMaps, ns, obj);
    returned[i] = Clock::now();
    if (!r.ok()) Die("create", r.status());
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(60),
                     [&] { return seen.size() >= static_cast<size_t>(n); })) {
      std::fprintf(stderr, "kube_loadgen: only %zu of %d watch events\n", seen.size(), n);
    }
  }
  informer.Stop();
  std::vector<double> ms, req_ms;
  int early = 0;
  for (int i = 0; i < n; ++i) {
    auto it = seen.find("cm-" + std::to_string(i));
    if (it == seen.end()) continue;
    double d = std::chrono::duration<double, std::milli>(it->second - returned[i]).count();
    if (d < 0) ++early;
    ms.push_back(std::max(0.0, d));
    req_ms.push_back(std::chrono::duration<double, std::milli>(it->second - issued[i]).count());
  }
  return {Percentile(ms, 0.50), Percentile(ms, 0.99), Percentile(req_ms, 0.50),
          Percentile(req_ms, 0.99), ms.empty() ? 0.0 : static_cast<double>(early) / ms.size()};
}

int64_t HeapInUse() {
  struct mallinfo2 mi = mallinfo2();
  return static_cast<int64_t>(mi.uordblks + mi.hblkhd);
}

// Informer over `ns` (already holding `n` objects): heap delta per cached object.
double CacheBytesPerObject(kube::Client& c, const std::string& ns, int n, size_t* cached) {
  malloc_trim(0);
  int64_t before = HeapInUse();
  kube::InformerOptions options;
  options.ns = ns;
  auto informer = std::make_unique<kube::Informer>(c, kConfigMaps, options);
  informer->Start();
  if (!informer->WaitForSync(std::chrono::seconds(60))) Die("informer sync", Status::Ok());
  informer->Stop();  // the cache keeps its contents; no request buffers in flight
  malloc_trim(0);
  int64_t after = HeapInUse();
  *cached = informer->store().size();
  if (*cached != static_cast<size_t>(n)) {
    std::fprintf(stderr, "kube_loadgen: cache holds %zu of %d objects\n", *cached, n);
  }
  return static_cast<double>(after - before) / static_cast<double>(*cached);
}

int Main(int argc, char** argv) {
  std::string prefix = "ours";
  int count = 1000;
  int threads = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--prefix") {
      prefix = argv[i + 1];
    } else if (flag == "--count") {
      count = std::atoi(argv[i + 1]);
    } else if (flag == "--threads") {
      threads = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "usage: kube_loadgen --prefix P [--count N] [--threads T]\n");
      return 2;
    }
  }
  auto config = kube::LoadDefaultConfig();
  if (!config.ok()) Die("kubeconfig", config.status());
  kube::ClientOptions options;
  options.qps = 0;  // no client-side rate limiting (as the reference)
  auto client = kube::Client::Create(*config, options);
  if (!client.ok()) Die("client", client.status());
  kube::Client& c = **client;

  const std::string seq_ns = prefix + "-seq";
  const std::string par_ns = prefix + "-par";
  const std::string watch_ns = prefix + "-watch";
  for (const auto& ns : {seq_ns, par_ns, watch_ns}) CreateNamespace(c, ns);

  auto* transport = dynamic_cast<kube::BeastTransport*>(&c.transport());
  auto connections = [&] { return transport != nullptr ? transport->connections_opened() : -1L; };
  long conn0 = connections();
  double seq = CreateSequential(c, seq_ns, count);
  long conn_seq = connections() - conn0;
  std::fprintf(stderr, "ours: sequential creates %.1f/s (%ld connections opened)\n", seq, conn_seq);
  conn0 = connections();
  double par = CreateParallel(c, par_ns, count, threads);
  long conn_par = connections() - conn0;
  std::fprintf(stderr, "ours: %d-thread creates %.1f/s (%ld connections opened)\n", threads, par,
               conn_par);
  Latency lat = WatchLatency(c, watch_ns, count);
  std::fprintf(stderr, "ours: watch latency p50 %.2f ms p99 %.2f ms\n", lat.p50_ms, lat.p99_ms);
  size_t cached = 0;
  double bytes = CacheBytesPerObject(c, seq_ns, count, &cached);
  std::fprintf(stderr, "ours: cache %.0f bytes/object (%zu objects)\n", bytes, cached);

  json::Object out{{"create_seq_per_s", seq},
                   {"create_par_per_s", par},
                   {"threads", threads},
                   {"connections_seq", conn_seq},
                   {"connections_par", conn_par},
                   {"count", count},
                   {"watch_p50_ms", lat.p50_ms},
                   {"watch_p99_ms", lat.p99_ms},
                   {"watch_req_p50_ms", lat.req_p50_ms},
                   {"watch_req_p99_ms", lat.req_p99_ms},
                   {"watch_before_response", lat.before_response},
                   {"cache_bytes_per_object", bytes},
                   {"cache_objects", cached}};
  std::printf("%s\n", json::Serialize(out).c_str());
  return 0;
}

}  // namespace
}  // namespace kro::bench

int main(int argc, char** argv) { return kro::bench::Main(argc, argv); }
