#include "kro/kube/server_url.h"

#include <arpa/inet.h>

#include <string>

namespace kro::kube {

Result<ServerUrl> ParseServerUrl(std::string_view server) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("server URL \"" + std::string(server) + "\": " + std::string(why));
  };
  ServerUrl url;
  std::string_view rest;
  if (server.starts_with("https://")) {
    rest = server.substr(8);
  } else if (server.starts_with("http://")) {
    url.tls = false;
    rest = server.substr(7);
  } else {
    return bad("must start with https:// or http://");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  if (path.find_first_of("?#") != std::string_view::npos) {
    return bad("a query or fragment is not allowed");
  }
  if (authority.find('@') != std::string_view::npos) {
    return bad("user info is not allowed (use the kubeconfig user)");
  }
  std::string_view host;
  std::string_view after_host;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return bad("unterminated IPv6 address");
    }
    host = authority.substr(1, close - 1);
    after_host = authority.substr(close + 1);
  } else {
    size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    after_host = colon == std::string_view::npos ? "" : authority.substr(colon);
  }
  if (host.empty()) {
    return bad("no host");
  }
  std::string_view port = url.tls ? "443" : "80";
  if (!after_host.empty()) {
    if (after_host.front() != ':' || after_host.size() == 1 || after_host.size() > 6 ||
        after_host.find_first_not_of("0123456789", 1) != std::string_view::npos ||
        std::stoi(std::string(after_host.substr(1))) > 65535) {
      return bad("the port must be a number up to 65535");
    }
    port = after_host.substr(1);
  }
  url.host = std::string(host);
  url.port = std::string(port);
  url.authority = std::string(authority);
  url.path_prefix = std::string(path);
  return url;
}

bool IsIpLiteral(std::string_view host) {
  std::string h(host);
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

std::string TlsServerName(const ServerUrl& url, std::string_view tls_server_name) {
  return tls_server_name.empty() ? url.host : std::string(tls_server_name);
}

}  // namespace kro::kube
