#include "kro/kube/client.h"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>

namespace kro::kube {
namespace {

// Records requests and answers from a script (FIFO); 404 when the script is empty.
class FakeTransport : public HttpTransport {
 public:
  struct Shared {
    std::mutex mu;
    std::vector<HttpRequest> requests;
    std::deque<Result<HttpResponse>> answers;
  };
  explicit FakeTransport(std::shared_ptr<Shared> s) : s_(std::move(s)) {}

  Result<HttpResponse> Do(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(s_->mu);
    s_->requests.push_back(request);
    if (s_->answers.empty()) {
      return HttpResponse{404, "application/json", R"({"reason":"NotFound","message":"nope"})"};
    }
    auto a = std::move(s_->answers.front());
    s_->answers.pop_front();
    return a;
  }
  Result<HttpResponse> Stream(const HttpRequest& request, std::stop_token,
                              const std::function<bool(std::string_view)>& on_data) override {
    auto r = Do(request);
    if (r.ok() && r->status == 200) {
      on_data(r->body);
      r->body.clear();
    }
    return r;
  }

 private:
  std::shared_ptr<Shared> s_;
};

class ClientTest : public ::testing::Test {
 protected:
  ClientTest()
      : shared_(std::make_shared<FakeTransport::Shared>()),
        client_(std::make_unique<FakeTransport>(shared_), "https://fake", ClientOptions{}) {}
  void Answer(int code, std::string body) {
    shared_->answers.push_back(HttpResponse{code, "application/json", std::move(body)});
  }
  const HttpRequest& Last() { return shared_->requests.back(); }
  std::string Header(const HttpRequest& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  std::shared_ptr<FakeTransport::Shared> shared_;
  Client client_;
  const Gvr kDeployments{"apps", "v1", "deployments"};
  const Gvr kConfigMaps{"", "v1", "configmaps"};
};

TEST_F(ClientTest, Paths) {
  EXPECT_EQ(Client::ResourcePath(kDeployments, "ns", "d", "status"),
            "/apis/apps/v1/namespaces/ns/deployments/d/status");
  EXPECT_EQ(Client::ResourcePath(Gvr{"", "v1", "namespaces"}, "", "x"), "/api/v1/namespaces/x");
}

TEST_F(ClientTest, GetParsesAndErrorsCarryServerStatus) {
  Answer(200, R"({"metadata":{"name":"a"}})");
  auto got = client_.Get(kConfigMaps, "ns", "a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(NameOf(*got), "a");
  EXPECT_EQ(Last().method, "GET");
  EXPECT_EQ(Last().path, "/api/v1/namespaces/ns/configmaps/a");

  auto missing = client_.Get(kConfigMaps, "ns", "b");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("get configmaps.v1 ns/b"), std::string::npos);

  shared_->answers.push_back(Unavailable("cannot connect to https://fake: refused"));
  auto down = client_.Get(kConfigMaps, "ns", "c");
  EXPECT_EQ(down.status().code(), ErrorCode::kUnavailable);
  auto counts = client_.request_counts();
  EXPECT_EQ((counts[{"get", 200}]), 1u);
  EXPECT_EQ((counts[{"get", 404}]), 1u);
  EXPECT_EQ((counts[{"get", 0}]), 1u);
}

TEST_F(ClientTest, ListFollowsContinueTokensAndFillsKinds) {
  Answer(200, R"({"kind":"ConfigMapList","apiVersion":"v1",
    "metadata":{"resourceVersion":"10","continue":"tok1"},"items":[{"metadata":{"name":"a"}}]})");
  Answer(200, R"({"kind":"ConfigMapList","apiVersion":"v1",
    "metadata":{"resourceVersion":"11"},"items":[{"metadata":{"name":"b"}}]})");
  ListOptions lo;
  lo.limit = 1;
  lo.label_selector = "a=b";
  auto list = client_.List(kConfigMaps, "ns", lo);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->resource_version, "10");
  EXPECT_EQ(list->items[1].at("kind").as_string(), "ConfigMap");
  EXPECT_EQ(list->items[1].at("apiVersion").as_string(), "v1");
  ASSERT_EQ(shared_->requests.size(), 2u);
  EXPECT_EQ(shared_->requests[0].path, "/api/v1/namespaces/ns/configmaps?labelSelector=a%3Db&limit=1");
  EXPECT_EQ(shared_->requests[1].path,
            "/api/v1/namespaces/ns/configmaps?labelSelector=a%3Db&limit=1&continue=tok1");
}

TEST_F(ClientTest, WritesUseTheRightVerbsAndContentTypes) {
  auto obj = json::Parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"ns"}})");
  ASSERT_TRUE(obj.ok());
  Answer(201, "{}");
  ASSERT_TRUE(client_.Create(kConfigMaps, "", *obj).ok());
  EXPECT_EQ(Last().method, "POST");
  EXPECT_EQ(Last().path, "/api/v1/namespaces/ns/configmaps?fieldManager=kro");

  Answer(409, R"({"reason":"Conflict","message":"modified"})");
  auto upd = client_.Update(kConfigMaps, "ns", *obj);
  EXPECT_EQ(upd.status().code(), ErrorCode::kAborted);
  EXPECT_EQ(Last().method, "PUT");
  EXPECT_EQ(Last().path, "/api/v1/namespaces/ns/configmaps/a?fieldManager=kro");

  Answer(200, "{}");
  ApplyOptions ao;
  ao.field_manager = "me";
  ao.force = true;
  ASSERT_TRUE(client_.Apply(kConfigMaps, "ns", *obj, ao).ok());
  EXPECT_EQ(Last().method, "PATCH");
  EXPECT_EQ(Last().path, "/api/v1/namespaces/ns/configmaps/a?fieldManager=me&force=true");
  EXPECT_EQ(Header(Last(), "Content-Type"), "application/apply-patch+yaml");

  Answer(200, "{}");
  ASSERT_TRUE(client_.ApplyStatus(kConfigMaps, "ns", *obj).ok());
  EXPECT_EQ(Last().path, "/api/v1/namespaces/ns/configmaps/a/status?fieldManager=kro");

  Answer(200, "{}");
  ASSERT_TRUE(client_.Patch(kConfigMaps, "ns", "a", PatchType::kMerge, json::Object{}).ok());
  EXPECT_EQ(Header(Last(), "Content-Type"), "application/merge-patch+json");

  Answer(200, "{}");
  DeleteOptions d;
  d.propagation = PropagationPolicy::kForeground;
  d.precondition_uid = "u1";
  ASSERT_TRUE(client_.Delete(kConfigMaps, "ns", "a", d).ok());
  EXPECT_EQ(Last().method, "DELETE");
  auto body = json::Parse(Last().body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->at("propagationPolicy").as_string(), "Foreground");
  EXPECT_EQ(body->at("preconditions").at("uid").as_string(), "u1");

  auto unnamed = client_.Apply(kConfigMaps, "ns", json::Object{});
  EXPECT_EQ(unnamed.status().code(), ErrorCode::kInvalidArgument);
}

TEST(UrlEncodeTest, Encodes) {
  EXPECT_EQ(UrlEncode("a b/c=d&e~f"), "a%20b%2Fc%3Dd%26e~f");
}

}  // namespace
}  // namespace kro::kube
