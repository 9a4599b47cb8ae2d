#include "kro/controller/child_watches.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace kro::controller {
namespace {

// Serves scripted list bodies (Do) and watch streams (Stream); once the scripted streams are
// used up, a watch blocks until stopped.
class ScriptedTransport : public kube::HttpTransport {
 public:
  explicit ScriptedTransport(std::vector<std::string> lists, std::vector<std::string> watches)
      : lists_(std::move(lists)), watches_(std::move(watches)) {}

  Result<kube::HttpResponse> Do(const kube::HttpRequest&) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (lists_.size() > 1) {
      std::string body = lists_.front();
      lists_.erase(lists_.begin());
      return kube::HttpResponse{200, "application/json", body};
    }
    return kube::HttpResponse{200, "application/json", lists_.front()};
  }
  Result<kube::HttpResponse> Stream(const kube::HttpRequest&, std::stop_token stop,
                                    const std::function<bool(std::string_view)>& on_data) override {
    std::string body;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!watches_.empty()) {
        body = watches_.front();
        watches_.erase(watches_.begin());
      }
    }
    if (!body.empty()) {
      on_data(body);
      return kube::HttpResponse{200, "application/json", ""};
    }
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, stop, [] { return false; });
    return Status(ErrorCode::kCancelled, "stopped");
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lists_;
  std::vector<std::string> watches_;
};

// A ConfigMap child of instance `uid` (unlabelled when `uid` is empty).
std::string Cm(const std::string& name, const std::string& rv, const std::string& uid) {
  std::string labels = R"("app.kubernetes.io/managed-by":"kro")";
  if (!uid.empty()) {
    labels += R"(,"kro.run/instance-id":")" + uid + R"(","kro.run/instance-kind":"App",)" +
              R"("kro.run/instance-name":")" + uid + R"(")";
  }
  return R"({"metadata":{"name":")" + name + R"(","namespace":"ns","resourceVersion":")" + rv +
         R"(","labels":{)" + labels + "}}}";
}

std::string List(const std::string& rv, const std::vector<std::string>& items) {
  std::string out = R"({"kind":"ConfigMapList","metadata":{"resourceVersion":")" + rv +
                    R"("},"items":[)";
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i == 0 ? "" : ",") + items[i];
  }
  return out + "]}";
}

std::string Event(const std::string& type, const std::string& obj) {
  return R"({"type":")" + type + R"(","object":)" + obj + "}\n";
}

std::vector<std::string> NamesOf(const ChildWatches& w, const std::string& uid) {
  std::vector<std::string> out;
  for (const ChildObject& c : w.ChildrenOf(uid)) {
    out.emplace_back(kube::NameOf(*c.object));
  }
  return out;
}

// Watch events and a 410 relist move, add and drop children; afterwards the index must agree
// with a scan of the informer's store, object for object.
TEST(ChildWatchesTest, IndexFollowsWatchEventsAndRelist) {
  const kube::Gvr gvr{"", "v1", "configmaps"};
  auto t = std::make_unique<ScriptedTransport>(
      std::vector<std::string>{
          List("10", {Cm("a", "1", "u1"), Cm("b", "2", "u1"), Cm("c", "3", "u2"),
                      Cm("d", "4", "u2"), Cm("e", "5", "")}),
          // After the 410: d moved to u1, f is gone, g is new, e gained a label; a and b are
          // unchanged.
          List("20", {Cm("a", "1", "u1"), Cm("b", "11", "u2"), Cm("d", "15", "u1"),
                      Cm("e", "17", "u3"), Cm("g", "16", "u3")}),
      },
      std::vector<std::string>{
          Event("MODIFIED", Cm("b", "11", "u2")) + Event("DELETED", Cm("c", "12", "u2")) +
          Event("ADDED", Cm("f", "13", "u1")) +
          R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired",)" +
          R"("message":"too old resource version"}})" + "\n"});
  kube::ClientOptions opts;
  opts.qps = 0;
  kube::Client client(std::move(t), "https://fake", opts);
  kube::InformerOptions io;
  io.backoff_initial = std::chrono::milliseconds(1);
  std::mutex mu;
  std::set<std::string> enqueued;
  ChildWatches w(
      client,
      [&](const InstanceRef& ref) {
        std::lock_guard<std::mutex> lock(mu);
        enqueued.insert(ref.name);
      },
      io);
  Result<std::shared_ptr<kube::Informer>> inf = w.Ensure(gvr, std::chrono::seconds(5));
  ASSERT_TRUE(inf.ok()) << inf.status().ToString();
  for (int i = 0; i < 1000 && ((*inf)->stats().lists < 2 || (*inf)->stats().watches < 2); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  w.Stop();
  ASSERT_EQ((*inf)->stats().relists_gone, 1u);

  EXPECT_EQ(NamesOf(w, "u1"), (std::vector<std::string>{"a", "d"}));
  EXPECT_EQ(NamesOf(w, "u2"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(NamesOf(w, "u3"), (std::vector<std::string>{"e", "g"}));
  EXPECT_TRUE(w.ChildrenOf("").empty());
  // Exactly the store's objects (same contents), as a scan of the cache would find them.
  size_t labelled = 0;
  for (const kube::ObjectPtr& o : (*inf)->store().List()) {
    const json::Value* uid = json::Find(*o, R"(metadata.labels["kro.run/instance-id"])");
    if (uid == nullptr) {
      continue;
    }
    ++labelled;
    bool found = false;
    for (const ChildObject& c : w.ChildrenOf(std::string(uid->as_string()))) {
      found = found || json::Equal(*c.object, *o);
    }
    EXPECT_TRUE(found) << kube::NameOf(*o);
  }
  EXPECT_EQ(labelled, 5u);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(enqueued, (std::set<std::string>{"u1", "u2", "u3"}));
}

}  // namespace
}  // namespace kro::controller
