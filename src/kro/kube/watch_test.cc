#include "kro/kube/watch.h"

#include <gtest/gtest.h>

#include <vector>

namespace kro::kube {
namespace {

TEST(WatchEventTest, ParsesEveryType) {
  auto ev = ParseWatchEvent(
      R"({"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"5"}}})");
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ev->type, WatchEventType::kAdded);
  EXPECT_EQ(NameOf(ev->object), "a");
  EXPECT_EQ(ResourceVersionOf(ev->object), "5");

  EXPECT_EQ(ParseWatchEvent(R"({"type":"MODIFIED","object":{}})")->type,
            WatchEventType::kModified);
  EXPECT_EQ(ParseWatchEvent(R"({"type":"DELETED","object":{}})")->type,
            WatchEventType::kDeleted);
  EXPECT_EQ(ParseWatchEvent(R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}})")
                ->type,
            WatchEventType::kBookmark);
}

TEST(WatchEventTest, ErrorEventWith410IsOutOfRange) {
  auto ev = ParseWatchEvent(
      R"({"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"too old resource version: 1 [42]","reason":"Expired","code":410}})");
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->type, WatchEventType::kError);
  Status s = StatusFromErrorEvent(*ev, "watch pods.v1");
  EXPECT_EQ(s.code(), ErrorCode::kOutOfRange);
  EXPECT_NE(s.message().find("too old resource version"), std::string::npos);
}

TEST(WatchEventTest, MalformedLines) {
  EXPECT_EQ(ParseWatchEvent("{").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseWatchEvent("[]").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseWatchEvent(R"({"object":{}})").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseWatchEvent(R"({"type":"WHAT","object":{}})").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseWatchEvent(R"({"type":"ADDED"})").status().code(), ErrorCode::kInvalidArgument);
}

TEST(LineSplitterTest, ReassemblesLinesAcrossChunks) {
  LineSplitter s;
  std::vector<std::string> lines;
  auto collect = [&](std::string_view l) {
    lines.emplace_back(l);
    return true;
  };
  EXPECT_TRUE(s.Feed("{\"a\":1}\n{\"b\"", collect));
  EXPECT_EQ(s.buffered(), 4u);
  EXPECT_TRUE(s.Feed(":2}\r\n\n{\"c\":3}", collect));
  EXPECT_TRUE(s.Feed("\n", collect));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "{\"a\":1}");
  EXPECT_EQ(lines[1], "{\"b\":2}");
  EXPECT_EQ(lines[2], "{\"c\":3}");
  EXPECT_EQ(s.buffered(), 0u);
}

TEST(LineSplitterTest, ByteByByteAndEarlyStop) {
  LineSplitter s;
  std::string stream = "one\ntwo\nthree\n";
  std::vector<std::string> lines;
  for (char c : stream) {
    ASSERT_TRUE(s.Feed(std::string_view(&c, 1), [&](std::string_view l) {
      lines.emplace_back(l);
      return true;
    }));
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
  LineSplitter t;
  int n = 0;
  EXPECT_FALSE(t.Feed("a\nb\nc\n", [&](std::string_view) { return ++n < 2; }));
  EXPECT_EQ(n, 2);
}

TEST(WatchPathTest, BuildsQuery) {
  WatchOptions o;
  o.resource_version = "123";
  o.label_selector = "app=x,tier in (a,b)";
  o.timeout_seconds = 60;
  EXPECT_EQ(WatchPath(Gvr{"apps", "v1", "deployments"}, "ns1", o),
            "/apis/apps/v1/namespaces/ns1/deployments?watch=true&resourceVersion=123"
            "&allowWatchBookmarks=true&labelSelector=app%3Dx%2Ctier%20in%20%28a%2Cb%29"
            "&timeoutSeconds=60");
  EXPECT_EQ(WatchPath(Gvr{"", "v1", "pods"}, "", WatchOptions{"", false, "", "", 0}),
            "/api/v1/pods?watch=true");
}

}  // namespace
}  // namespace kro::kube
