#include "kro/kube/proxy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "kro/kube/rest_config.h"

namespace kro::kube {
namespace {

// An IPv4 or IPv6 address as 16 bytes (IPv4 mapped into ::ffff:0:0/96, as Go compares them).
using Ip = std::array<unsigned char, 16>;

std::optional<Ip> ParseIp(std::string_view text) {
  std::string s(text);
  Ip ip{};
  unsigned char v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    ip[10] = ip[11] = 0xff;
    std::memcpy(ip.data() + 12, v4, 4);
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.data()) == 1) {
    return ip;
  }
  return std::nullopt;
}

bool IsV4(const Ip& ip) {
  static constexpr unsigned char kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(ip.data(), kPrefix, 12) == 0;
}

bool IsLoopback(const Ip& ip) {
  if (IsV4(ip)) {
    return ip[12] == 127;
  }
  Ip one{};
  one[15] = 1;
  return ip == one;
}

// "a.b.c.d/n" or "x::/n". The prefix length counts within the 16 bytes.
struct Cidr {
  Ip base;
  int bits;
};

std::optional<Cidr> ParseCidr(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash + 1 >= text.size()) {
    return std::nullopt;
  }
  auto ip = ParseIp(text.substr(0, slash));
  std::string_view len = text.substr(slash + 1);
  if (!ip || len.size() > 3 ||
      !std::all_of(len.begin(), len.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int bits = std::atoi(std::string(len).c_str());
  bool v4 = IsV4(*ip) && text.find(':') == std::string_view::npos;
  if (bits > (v4 ? 32 : 128)) {
    return std::nullopt;
  }
  return Cidr{*ip, v4 ? bits + 96 : bits};
}

bool Contains(const Cidr& cidr, const Ip& ip) {
  for (int i = 0; i < 16; ++i) {
    int bits = std::clamp(cidr.bits - 8 * i, 0, 8);
    auto mask = static_cast<unsigned char>(0xff00 >> bits);
    if ((cidr.base[i] & mask) != (ip[i] & mask)) {
      return false;
    }
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return s;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Splits "host:port" or "[v6]:port" (a port is present only after the last ':' that follows
// any ']' and is not part of a bare IPv6 address). Brackets are removed from the host.
void SplitHostPort(std::string_view entry, std::string_view* host, std::string_view* port) {
  *host = entry;
  *port = {};
  if (!entry.empty() && entry.front() == '[') {
    size_t close = entry.find(']');
    if (close == std::string_view::npos) {
      return;
    }
    *host = entry.substr(1, close - 1);
    if (close + 1 < entry.size() && entry[close + 1] == ':') {
      *port = entry.substr(close + 2);
    }
    return;
  }
  size_t colon = entry.rfind(':');
  if (colon != std::string_view::npos && entry.find(':') == colon) {  // one ':': host:port
    *host = entry.substr(0, colon);
    *port = entry.substr(colon + 1);
  }
}

}  // namespace

ProxyEnvironment ProxyEnvironmentFromEnv(
    const std::function<std::optional<std::string>(const char*)>& getenv) {
  auto get = [&](const char* upper, const char* lower) {
    for (const char* name : {upper, lower}) {
      std::optional<std::string> v;
      if (getenv) {
        v = getenv(name);
      } else if (const char* raw = std::getenv(name)) {  // NOLINT(concurrency-mt-unsafe)
        v = raw;
      }
      if (v && !v->empty()) {
        return *v;
      }
    }
    return std::string();
  };
  return ProxyEnvironment{get("HTTP_PROXY", "http_proxy"), get("HTTPS_PROXY", "https_proxy"),
                          get("NO_PROXY", "no_proxy")};
}

Result<ProxyUrl> ParseProxyUrl(std::string_view value) {
  std::string_view rest = Trim(value);
  auto bad = [&](const std::string& why) {
    return InvalidArgument("invalid proxy address \"" + std::string(value) + "\": " + why);
  };
  size_t scheme_end = rest.find("://");
  if (scheme_end != std::string_view::npos) {
    std::string scheme = Lower(rest.substr(0, scheme_end));
    if (scheme != "http") {
      return bad("only http:// proxies are supported, not " + scheme + "://");
    }
    rest.remove_prefix(scheme_end + 3);
  }
  while (!rest.empty() && rest.back() == '/') {
    rest.remove_suffix(1);
  }
  if (rest.find_first_of("/?#") != std::string_view::npos) {
    return bad("a proxy URL has no path");
  }
  ProxyUrl out;
  size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    out.authorization = "Basic " + Base64Encode(rest.substr(0, at));
    rest.remove_prefix(at + 1);
  }
  std::string_view host;
  std::string_view port;
  SplitHostPort(rest, &host, &port);
  if (host.empty()) {
    return bad("no host");
  }
  if (!port.empty() &&
      (port.size() > 5 ||
       !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
       std::atoi(std::string(port).c_str()) > 65535)) {
    return bad("bad port");
  }
  out.host = std::string(host);
  out.port = port.empty() ? "80" : std::string(port);
  out.url = "http://" + std::string(rest);
  return out;
}

bool BypassesProxy(std::string_view no_proxy, std::string_view host_in, std::string_view port) {
  std::string host = Lower(Trim(host_in));
  if (host == "localhost") {
    return true;
  }
  std::optional<Ip> ip = ParseIp(host);
  if (ip && IsLoopback(*ip)) {
    return true;
  }
  while (!no_proxy.empty()) {
    size_t comma = no_proxy.find(',');
    std::string entry = Lower(Trim(no_proxy.substr(0, comma)));
    no_proxy.remove_prefix(comma == std::string_view::npos ? no_proxy.size() : comma + 1);
    if (entry.empty()) {
      continue;
    }
    if (entry == "*") {
      return true;
    }
    if (auto cidr = ParseCidr(entry)) {
      if (ip && Contains(*cidr, *ip)) {
        return true;
      }
      continue;
    }
    std::string_view ehost;
    std::string_view eport;
    SplitHostPort(entry, &ehost, &eport);
    bool port_ok = eport.empty() || eport == port;
    if (auto eip = ParseIp(ehost)) {
      if (ip && *eip == *ip && port_ok) {
        return true;
      }
      continue;
    }
    if (ehost.empty()) {
      continue;
    }
    if (ehost.substr(0, 2) == "*.") {
      ehost.remove_prefix(1);
    }
    bool exact_too = ehost.front() != '.';
    std::string suffix = exact_too ? "." + std::string(ehost) : std::string(ehost);
    bool matches = EndsWith(host, suffix) || (exact_too && host == ehost);
    if (matches && port_ok) {
      return true;
    }
  }
  return false;
}

Result<std::optional<ProxyUrl>> ProxyFor(const ProxyEnvironment& env, bool tls,
                                         std::string_view host, std::string_view port) {
  const std::string& value = tls ? env.https_proxy : env.http_proxy;
  if (value.empty() || BypassesProxy(env.no_proxy, host, port)) {
    return std::optional<ProxyUrl>();
  }
  KRO_ASSIGN_OR_RETURN(ProxyUrl proxy, ParseProxyUrl(value));
  return std::optional<ProxyUrl>(std::move(proxy));
}

}  // namespace kro::kube
