#include "kro/kube/server_name.h"

#include <gtest/gtest.h>

namespace kro::kube {
namespace {

TEST(ServerNameTest, RoutesTheNameToTheServerHost) {
  Result<ServerNameRoute> r = RouteForServerName("https://127.0.0.1:6443", "kubernetes");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->url_base, "https://kubernetes:6443");
  EXPECT_EQ(r->connect_to, "kubernetes:6443:127.0.0.1:6443");
  EXPECT_EQ(r->host_header, "Host: 127.0.0.1:6443");
}

TEST(ServerNameTest, DefaultPortPathAndIpv6) {
  Result<ServerNameRoute> r = RouteForServerName("https://api.example.com/prefix", "internal");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->url_base, "https://internal:443/prefix");
  EXPECT_EQ(r->connect_to, "internal:443:api.example.com:443");
  EXPECT_EQ(r->host_header, "Host: api.example.com");
  r = RouteForServerName("https://[::1]:8443", "kubernetes");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->connect_to, "kubernetes:8443:[::1]:8443");
}

TEST(ServerNameTest, RejectsWhatIsNotAnHttpsUrl) {
  EXPECT_FALSE(RouteForServerName("http://127.0.0.1:8080", "x").ok());
  EXPECT_FALSE(RouteForServerName("https://", "x").ok());
  EXPECT_FALSE(RouteForServerName("https://host:port", "x").ok());
  EXPECT_FALSE(RouteForServerName("https://[::1:80", "x").ok());
}

}  // namespace
}  // namespace kro::kube
