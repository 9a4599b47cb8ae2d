#include "kro/kube/server_name.h"

#include <string>

namespace kro::kube {

Result<ServerNameRoute> RouteForServerName(std::string_view server,
                                           std::string_view tls_server_name) {
  constexpr std::string_view kScheme = "https://";
  if (server.substr(0, kScheme.size()) != kScheme) {
    return InvalidArgument("tls-server-name needs an https:// server, got \"" +
                           std::string(server) + "\"");
  }
  std::string_view rest = server.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  // host may be a bracketed IPv6 literal: the port separator is the ':' after the ']'.
  size_t host_end = authority.front() == '[' ? authority.find(']') : 0;
  if (authority.empty() || host_end == std::string_view::npos) {
    return InvalidArgument("cannot read the host of server \"" + std::string(server) + "\"");
  }
  size_t colon = authority.find(':', host_end);
  std::string_view host = authority.substr(0, colon);
  std::string port = colon == std::string_view::npos ? "443"
                                                     : std::string(authority.substr(colon + 1));
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument("cannot read the host and port of server \"" + std::string(server) +
                           "\"");
  }
  ServerNameRoute r;
  r.url_base = std::string(kScheme) + std::string(tls_server_name) + ":" + port + std::string(path);
  r.connect_to = std::string(tls_server_name) + ":" + port + ":" + std::string(host) + ":" + port;
  r.host_header = "Host: " + std::string(authority);
  return r;
}

}  // namespace kro::kube
