#include "kro/kube/server_url.h"

#include <gtest/gtest.h>

namespace kro::kube {
namespace {

TEST(ServerUrlTest, ReadsSchemeHostPortAndPrefix) {
  struct Case {
    const char* url;
    bool tls;
    const char* host;
    const char* port;
    const char* authority;
    const char* prefix;
  };
  const Case cases[] = {
      {"https://127.0.0.1:6443", true, "127.0.0.1", "6443", "127.0.0.1:6443", ""},
      {"https://api.example.com", true, "api.example.com", "443", "api.example.com", ""},
      {"http://localhost:8080", false, "localhost", "8080", "localhost:8080", ""},
      {"http://localhost", false, "localhost", "80", "localhost", ""},
      {"https://[::1]:8443", true, "::1", "8443", "[::1]:8443", ""},
      {"https://[fd00::1]", true, "fd00::1", "443", "[fd00::1]", ""},
      {"https://rancher.example.com/k8s/clusters/c-1", true, "rancher.example.com", "443",
       "rancher.example.com", "/k8s/clusters/c-1"},
      {"https://h:1/p/", true, "h", "1", "h:1", "/p"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    Result<ServerUrl> u = ParseServerUrl(c.url);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    EXPECT_EQ(u->tls, c.tls);
    EXPECT_EQ(u->host, c.host);
    EXPECT_EQ(u->port, c.port);
    EXPECT_EQ(u->authority, c.authority);
    EXPECT_EQ(u->path_prefix, c.prefix);
  }
}

TEST(ServerUrlTest, RejectsWhatIsNotAServerUrl) {
  for (const char* url : {"", "127.0.0.1:6443", "ftp://h", "https://", "https://:443",
                          "https://host:port", "https://host:", "https://host:70000",
                          "https://[::1:80", "https://[::1]x", "https://u:p@host",
                          "https://host/a?b=c", "https://host:1234567"}) {
    SCOPED_TRACE(url);
    Result<ServerUrl> u = ParseServerUrl(url);
    ASSERT_FALSE(u.ok());
    EXPECT_EQ(u.status().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_NE(ParseServerUrl("https://host:port").status().message().find("https://host:port"),
            std::string::npos);
}

TEST(ServerUrlTest, IpLiteralsAndTheNameCheckedAgainstTheCertificate) {
  EXPECT_TRUE(IsIpLiteral("127.0.0.1"));
  EXPECT_TRUE(IsIpLiteral("::1"));
  EXPECT_TRUE(IsIpLiteral("fd00::10:1"));
  EXPECT_FALSE(IsIpLiteral("kubernetes.default"));
  EXPECT_FALSE(IsIpLiteral("1.2.3"));
  EXPECT_FALSE(IsIpLiteral(""));

  Result<ServerUrl> u = ParseServerUrl("https://127.0.0.1:6443");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(TlsServerName(*u, ""), "127.0.0.1");
  EXPECT_EQ(TlsServerName(*u, "kubernetes"), "kubernetes");
}

}  // namespace
}  // namespace kro::kube
