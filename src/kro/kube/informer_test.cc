#include "kro/kube/informer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>

namespace kro::kube {
namespace {

// Serves scripted list pages (Do) and watch streams (Stream); once the scripted streams are
// used up, a watch blocks until stopped.
class ScriptedTransport : public HttpTransport {
 public:
  std::vector<std::string> lists;
  std::vector<std::string> watches;
  std::vector<std::string> watch_paths;

  Result<HttpResponse> Do(const HttpRequest&) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string body = lists.empty() ? lists_last_ : lists.front();
    if (!lists.empty()) {
      lists_last_ = lists.front();
      lists.erase(lists.begin());
    }
    return HttpResponse{200, "application/json", body};
  }
  Result<HttpResponse> Stream(const HttpRequest& r, std::stop_token stop,
                              const std::function<bool(std::string_view)>& on_data) override {
    std::string body;
    {
      std::lock_guard<std::mutex> lock(mu_);
      watch_paths.push_back(r.path);
      if (!watches.empty()) {
        body = watches.front();
        watches.erase(watches.begin());
      }
    }
    if (!body.empty()) {
      on_data(body);
      return HttpResponse{200, "application/json", ""};
    }
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, stop, [] { return false; });
    return Status(ErrorCode::kCancelled, "stopped");
  }

 private:
  std::mutex mu_;
  std::string lists_last_;
};

std::string Cm(const std::string& name, const std::string& rv) {
  return R"({"metadata":{"name":")" + name + R"(","namespace":"ns","resourceVersion":")" + rv +
         R"(","managedFields":[{"manager":"m"}]}})";
}

struct Events {
  std::mutex mu;
  std::vector<std::string> log;
  void Push(std::string s) {
    std::lock_guard<std::mutex> lock(mu);
    log.push_back(std::move(s));
  }
  std::vector<std::string> Get() {
    std::lock_guard<std::mutex> lock(mu);
    return log;
  }
};

TEST(InformerTest, ListWatchThen410RelistDiffsTheCache) {
  auto t = std::make_unique<ScriptedTransport>();
  ScriptedTransport* script = t.get();
  script->lists = {
      R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"10"},"items":[)" + Cm("a", "1") +
          "," + Cm("b", "1") + "]}",
      R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"13"},"items":[)" + Cm("b", "12") +
          "," + Cm("c", "11") + "," + Cm("d", "13") + "]}",
  };
  script->watches = {
      R"({"type":"ADDED","object":)" + Cm("c", "11") + "}\n" +
      R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"11"}}})" + "\n" +
      R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired",)" +
      R"("message":"too old resource version"}})" + "\n"};
  ClientOptions opts;
  opts.qps = 0;
  Client client(std::move(t), "https://fake", opts);
  InformerOptions io;
  io.ns = "ns";
  io.backoff_initial = std::chrono::milliseconds(1);
  Informer inf(client, Gvr{"", "v1", "configmaps"}, io);
  Events ev;
  inf.AddEventHandler(EventHandler{
      [&](const ObjectPtr& o) { ev.Push("add " + std::string(NameOf(*o))); },
      [&](const ObjectPtr& o, const ObjectPtr& n) {
        ev.Push("update " + std::string(NameOf(*o)) + " " + std::string(ResourceVersionOf(*o)) +
                "->" + std::string(ResourceVersionOf(*n)));
      },
      [&](const ObjectPtr& o) { ev.Push("delete " + std::string(NameOf(*o))); }});
  // The last object handed to a handler for each name (the informer's thread only writes it).
  std::map<std::string, ObjectPtr> given;
  inf.AddEventHandler(EventHandler{
      [&](const ObjectPtr& o) { given[std::string(NameOf(*o))] = o; },
      [&](const ObjectPtr&, const ObjectPtr& n) { given[std::string(NameOf(*n))] = n; },
      [&](const ObjectPtr& o) { given.erase(std::string(NameOf(*o))); }});
  inf.Start();
  ASSERT_TRUE(inf.WaitForSync(std::chrono::seconds(5)));
  for (int i = 0; i < 500 && inf.stats().lists < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (int i = 0; i < 500 && inf.stats().watches < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  inf.Stop();
  EXPECT_EQ(ev.Get(), (std::vector<std::string>{"add a", "add b", "add c", "update b 1->12",
                                                "add d", "delete a"}));
  EXPECT_EQ(inf.store().size(), 3u);
  // c was unchanged by the relist: the store holds what the handlers were last given.
  ASSERT_EQ(given.size(), 3u);
  for (const auto& [name, obj] : given) {
    ObjectPtr cached = inf.store().Get("ns", name);
    ASSERT_NE(cached, nullptr) << name;
    EXPECT_TRUE(json::Equal(*cached, *obj)) << name;
  }
  EXPECT_EQ(inf.stats().relists_gone, 1u);
  EXPECT_EQ(inf.stats().last_error.code(), ErrorCode::kOutOfRange);
  ASSERT_GE(script->watch_paths.size(), 2u);
  EXPECT_NE(script->watch_paths[0].find("resourceVersion=10"), std::string::npos);
  EXPECT_NE(script->watch_paths[1].find("resourceVersion=13"), std::string::npos);
  // managedFields were dropped on ingest.
  EXPECT_EQ(json::Find(*inf.store().Get("ns", "b"), "metadata.managedFields"), nullptr);
}

TEST(InformerTest, StopInterruptsAnIdleWatchAndFactoryShares) {
  auto t = std::make_unique<ScriptedTransport>();
  t->lists = {R"({"metadata":{"resourceVersion":"1"},"items":[]})"};
  Client client(std::move(t), "https://fake", ClientOptions{});
  InformerFactory factory(client);
  auto a = factory.ForResource(Gvr{"", "v1", "pods"}, "x");
  EXPECT_EQ(a, factory.ForResource(Gvr{"", "v1", "pods"}, "x"));
  EXPECT_NE(a, factory.ForResource(Gvr{"", "v1", "pods"}, "y"));
  factory.Start();
  EXPECT_TRUE(factory.WaitForCacheSync(std::chrono::seconds(5)));
  auto start = std::chrono::steady_clock::now();
  factory.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace kro::kube
