// ServerUrl: the parts of a RestConfig's server URL ("https://host:port/prefix") a transport
// needs to connect, and the name the server's certificate is checked against. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "kro/base/result.h"

namespace kro::kube {

struct ServerUrl {
  bool tls = true;          // https (true) or http (false)
  std::string host;         // without IPv6 brackets: "127.0.0.1", "::1", "api.example.com"
  std::string port;         // explicit, or the scheme's default ("443", "80")
  std::string authority;    // as written in the URL, sent as the Host header: "[::1]:6443"
  std::string path_prefix;  // "" or "/prefix" (no trailing slash); prepended to request paths
};

// Parses "http[s]://host[:port][/path]"; IPv6 hosts are bracketed. A trailing '/' is dropped.
// Errors: kInvalidArgument naming the URL (no scheme, empty host, bad port, user info, query).
Result<ServerUrl> ParseServerUrl(std::string_view server);

// True when `host` is an IPv4 or IPv6 address literal (without brackets). Such hosts are
// checked against the certificate's IP SANs and never sent as TLS SNI.
bool IsIpLiteral(std::string_view host);

// The name the TLS layer sends as SNI and checks the server certificate against: kubeconfig
// `tls-server-name` when set, else the URL's host (the connection still goes to the host).
std::string TlsServerName(const ServerUrl& url, std::string_view tls_server_name);

}  // namespace kro::kube
