#include "kro/kube/proxy.h"

#include <gtest/gtest.h>

#include <map>

namespace kro::kube {
namespace {

TEST(BypassesProxy, LoopbackAndLocalhostAreNeverProxied) {
  EXPECT_TRUE(BypassesProxy("", "localhost", "6443"));
  EXPECT_TRUE(BypassesProxy("", "LOCALHOST", "6443"));
  EXPECT_TRUE(BypassesProxy("", "127.0.0.1", "443"));
  EXPECT_TRUE(BypassesProxy("", "127.0.0.2", "443"));
  EXPECT_TRUE(BypassesProxy("", "::1", "443"));
  EXPECT_FALSE(BypassesProxy("", "10.0.0.1", "443"));
  EXPECT_FALSE(BypassesProxy("", "api.example.com", "443"));
  EXPECT_FALSE(BypassesProxy("", "localhost.example.com", "443"));
}

TEST(BypassesProxy, Star) {
  EXPECT_TRUE(BypassesProxy("*", "api.example.com", "443"));
  EXPECT_TRUE(BypassesProxy("foo.com, *", "10.1.1.1", "443"));
}

TEST(BypassesProxy, DomainEntriesMatchTheHostAndItsSubdomains) {
  EXPECT_TRUE(BypassesProxy("example.com", "example.com", "443"));
  EXPECT_TRUE(BypassesProxy("example.com", "api.example.com", "443"));
  EXPECT_TRUE(BypassesProxy("Example.COM", "API.example.com", "443"));
  EXPECT_FALSE(BypassesProxy("example.com", "notexample.com", "443"));
  EXPECT_FALSE(BypassesProxy("example.com", "example.com.evil.org", "443"));
}

TEST(BypassesProxy, LeadingDotOrStarMatchesOnlySubdomains) {
  for (const char* entry : {".example.com", "*.example.com"}) {
    SCOPED_TRACE(entry);
    EXPECT_TRUE(BypassesProxy(entry, "api.example.com", "443"));
    EXPECT_TRUE(BypassesProxy(entry, "a.b.example.com", "443"));
    EXPECT_FALSE(BypassesProxy(entry, "example.com", "443"));
  }
}

TEST(BypassesProxy, PortsMustMatchWhenGiven) {
  EXPECT_TRUE(BypassesProxy("example.com:6443", "api.example.com", "6443"));
  EXPECT_FALSE(BypassesProxy("example.com:6443", "api.example.com", "443"));
  EXPECT_TRUE(BypassesProxy("10.1.2.3:6443", "10.1.2.3", "6443"));
  EXPECT_FALSE(BypassesProxy("10.1.2.3:6443", "10.1.2.3", "443"));
  EXPECT_TRUE(BypassesProxy("[fd00::5]:6443", "fd00::5", "6443"));
  EXPECT_FALSE(BypassesProxy("[fd00::5]:6443", "fd00::5", "443"));
}

TEST(BypassesProxy, IpAddressesAndCidrs) {
  EXPECT_TRUE(BypassesProxy("10.1.2.3", "10.1.2.3", "443"));
  EXPECT_FALSE(BypassesProxy("10.1.2.3", "10.1.2.4", "443"));
  EXPECT_TRUE(BypassesProxy("10.0.0.0/8", "10.200.3.4", "443"));
  EXPECT_FALSE(BypassesProxy("10.0.0.0/8", "11.0.0.1", "443"));
  EXPECT_TRUE(BypassesProxy("192.168.4.0/22", "192.168.7.255", "443"));
  EXPECT_FALSE(BypassesProxy("192.168.4.0/22", "192.168.8.0", "443"));
  EXPECT_TRUE(BypassesProxy("0.0.0.0/0", "8.8.8.8", "443"));
  EXPECT_FALSE(BypassesProxy("0.0.0.0/0", "fd00::1", "443"));
  EXPECT_TRUE(BypassesProxy("fd00::/8", "fd12:3456::1", "443"));
  EXPECT_FALSE(BypassesProxy("fd00::/8", "fe80::1", "443"));
  EXPECT_TRUE(BypassesProxy("fd00::5", "FD00:0:0::5", "443"));
  // A CIDR never matches a host name, nor an address a name.
  EXPECT_FALSE(BypassesProxy("10.0.0.0/8", "ten.example.com", "443"));
}

TEST(BypassesProxy, ListsSpacesAndMalformedEntries) {
  EXPECT_TRUE(BypassesProxy(" foo.com , ,10.0.0.0/8 ,bar.org", "x.bar.org", "443"));
  EXPECT_TRUE(BypassesProxy(":443, [] ,bar.org", "bar.org", "443"));
  EXPECT_FALSE(BypassesProxy(":443, [] ,10.0.0.0/99", "10.1.1.1", "443"));
  EXPECT_FALSE(BypassesProxy(",,,", "x.org", "443"));
}

TEST(ParseProxyUrl, Forms) {
  auto p = ParseProxyUrl("http://proxy.corp:3128/");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->host, "proxy.corp");
  EXPECT_EQ(p->port, "3128");
  EXPECT_EQ(p->authorization, "");
  p = ParseProxyUrl("proxy.corp");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host, "proxy.corp");
  EXPECT_EQ(p->port, "80");
  p = ParseProxyUrl("http://[fd00::1]:8080");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host, "fd00::1");
  EXPECT_EQ(p->port, "8080");
  p = ParseProxyUrl("http://alice:s3cret@proxy:3128");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->authorization, "Basic YWxpY2U6czNjcmV0");
  EXPECT_EQ(p->url.find("s3cret"), std::string::npos) << p->url;
  EXPECT_FALSE(ParseProxyUrl("socks5://proxy:1080").ok());
  EXPECT_FALSE(ParseProxyUrl("https://proxy:443").ok());
  EXPECT_FALSE(ParseProxyUrl("http://proxy:99999").ok());
  EXPECT_FALSE(ParseProxyUrl("http://proxy:3128/path").ok());
  EXPECT_FALSE(ParseProxyUrl("http://").ok());
}

TEST(ProxyFor, ChoosesByScheme) {
  ProxyEnvironment env{"http://p-http:1", "http://p-https:2", "internal.corp"};
  auto p = ProxyFor(env, /*tls=*/true, "api.example.com", "443");
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->host, "p-https");
  p = ProxyFor(env, /*tls=*/false, "api.example.com", "80");
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->host, "p-http");
  p = ProxyFor(env, true, "k8s.internal.corp", "443");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value());
  p = ProxyFor(ProxyEnvironment{"http://p:1", "", ""}, true, "api.example.com", "443");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value()) << "HTTP_PROXY does not apply to https servers";
}

TEST(ProxyEnvironmentFromEnv, UpperCaseWinsThenLowerCase) {
  std::map<std::string, std::string> vars = {{"HTTPS_PROXY", "upper"}, {"https_proxy", "lower"},
                                             {"http_proxy", "h"}, {"NO_PROXY", ""},
                                             {"no_proxy", "n"}};
  auto env = ProxyEnvironmentFromEnv([&](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
  EXPECT_EQ(env.https_proxy, "upper");
  EXPECT_EQ(env.http_proxy, "h");
  EXPECT_EQ(env.no_proxy, "n");  // an empty upper-case value falls through, as in Go
}

}  // namespace
}  // namespace kro::kube
