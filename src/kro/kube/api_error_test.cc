#include "kro/kube/api_error.h"

#include <gtest/gtest.h>

namespace kro::kube {
namespace {

TEST(ApiErrorTest, MapsCodesAndKeepsServerWords) {
  std::string body = R"({"kind":"Status","apiVersion":"v1","status":"Failure",
    "message":"Operation cannot be fulfilled on configmaps \"a\": the object has been modified",
    "reason":"Conflict","code":409})";
  Status s = StatusFromResponse(409, body, "update configmaps.v1 ns/a");
  EXPECT_EQ(s.code(), ErrorCode::kAborted);
  EXPECT_NE(s.message().find("the object has been modified"), std::string::npos);
  EXPECT_NE(s.message().find("HTTP 409 Conflict"), std::string::npos);
  EXPECT_NE(s.message().find("update configmaps.v1 ns/a"), std::string::npos);

  EXPECT_EQ(StatusFromResponse(409, R"({"reason":"AlreadyExists","code":409})", "x").code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(StatusFromResponse(404, R"({"reason":"NotFound"})", "x").code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(StatusFromResponse(403, R"({"reason":"Forbidden"})", "x").code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(StatusFromResponse(410, R"({"reason":"Expired"})", "x").code(),
            ErrorCode::kOutOfRange);
  EXPECT_EQ(StatusFromResponse(422, R"({"reason":"Invalid"})", "x").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(StatusFromResponse(429, "", "x").code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(StatusFromResponse(503, "", "x").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(StatusFromResponse(504, "", "x").code(), ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(StatusFromResponse(401, "", "x").code(), ErrorCode::kUnauthenticated);
}

TEST(ApiErrorTest, NonJsonBodyBecomesTheMessage) {
  ApiStatus st = ParseApiStatus(502, "Bad Gateway\n");
  EXPECT_EQ(st.message, "Bad Gateway");
  EXPECT_EQ(st.code, 502);
  EXPECT_TRUE(st.reason.empty());
}

}  // namespace
}  // namespace kro::kube
