// kubeconfig `tls-server-name`: verify the server certificate (and send SNI) for a name other
// than the host in the server URL, while still connecting to that host.
#pragma once

#include <string>
#include <string_view>

#include "kro/base/result.h"

namespace kro::kube {

// How to reach `server` while the TLS layer sees `tls_server_name`: requests go to `url_base`
// (the server URL with the host replaced by the name), `connect_to` sends the connection to the
// real host (curl's CONNECT_TO syntax) and `host_header` keeps the Host header the server URL
// would have had.
struct ServerNameRoute {
  std::string url_base;
  std::string connect_to;
  std::string host_header;
};

// Errors: kInvalidArgument when `server` is not an https://host[:port][/path] URL.
Result<ServerNameRoute> RouteForServerName(std::string_view server,
                                           std::string_view tls_server_name);

}  // namespace kro::kube
