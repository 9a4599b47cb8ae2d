// Proxy selection for the Kubernetes client, with the semantics of Go's net/http environment
// proxy (golang.org/x/net/http/httpproxy, which client-go uses): HTTPS_PROXY for https servers,
// HTTP_PROXY for http ones (each also in lower case; the upper-case name wins when both are
// set), and NO_PROXY listing the servers reached directly. Pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "kro/base/result.h"

namespace kro::kube {

// The proxy environment, as read from the variables.
struct ProxyEnvironment {
  std::string http_proxy;   // HTTP_PROXY / http_proxy
  std::string https_proxy;  // HTTPS_PROXY / https_proxy
  std::string no_proxy;     // NO_PROXY / no_proxy
};

// Reads the variables through `getenv` (std::getenv when empty).
ProxyEnvironment ProxyEnvironmentFromEnv(
    const std::function<std::optional<std::string>(const char*)>& getenv = {});

// A proxy to connect through: an http:// proxy (https:// and socks5:// proxies are refused).
struct ProxyUrl {
  std::string host;  // without IPv6 brackets
  std::string port;  // default "80"
  // "Basic <base64(user:password)>" when the URL carries user info, else empty.
  std::string authorization;
  std::string url;  // as configured, for messages (user info removed)
};

// Parses HTTP_PROXY-style values: "http://[user:pass@]host[:port][/]" or "host[:port]".
// Errors: kInvalidArgument for another scheme or a malformed value.
Result<ProxyUrl> ParseProxyUrl(std::string_view value);

// Whether a connection to `host` (no brackets, any case) on `port` bypasses the proxy:
// "localhost" and loopback addresses always do; otherwise when an entry of the comma-separated
// `no_proxy` matches: "*" (everything), a CIDR ("10.0.0.0/8", "fd00::/8"), an IP address with
// an optional port ("10.1.2.3", "10.1.2.3:443", "[::1]:6443"), or a domain with an optional
// port, where "example.com" matches the host itself and its subdomains, and ".example.com" or
// "*.example.com" only the subdomains. Malformed entries are ignored.
bool BypassesProxy(std::string_view no_proxy, std::string_view host, std::string_view port);

// The proxy for a server (`tls`: https), or nullopt when it is reached directly.
// Errors: those of ParseProxyUrl for the variable that applies.
Result<std::optional<ProxyUrl>> ProxyFor(const ProxyEnvironment& env, bool tls,
                                         std::string_view host, std::string_view port);

}  // namespace kro::kube
