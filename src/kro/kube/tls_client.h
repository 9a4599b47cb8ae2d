// TLS client settings of a RestConfig as OpenSSL objects: the context every connection to one
// server shares (CA, client certificate, verification), the per-connection name (SNI and the
// name the certificate must carry), and readable handshake failures. Thread-safe functions.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "kro/base/result.h"
#include "kro/kube/rest_config.h"

namespace kro::kube {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// A TLS 1.2+ client context for `config`: certificates are verified against config.ca_pem (or,
// when empty, the system store) unless insecure_skip_tls_verify; config.client_cert_pem (a
// chain) and client_key_pem are presented when set. ALPN offers http/1.1 only.
// Errors: kInvalidArgument naming the PEM that OpenSSL rejected and why (config.source says
// where the configuration came from).
Result<SslCtxPtr> NewTlsClientContext(const RestConfig& config);

// Sets SNI (unless `name` is an IP address) and, when `verify`, the name the server certificate
// must match: a DNS SAN for a host name, an IP SAN for an address. Errors: kInternal.
Status PrepareTlsConnection(SSL* ssl, const std::string& name, bool verify);

// Why a handshake failed, for error messages: the certificate verification result when that
// is what failed ("server certificate verification failed for \"x\": hostname mismatch"),
// else `cause` (the OpenSSL error text).
std::string DescribeTlsFailure(const SSL* ssl, std::string_view name, std::string_view cause);

// Presents `cert_pem` (a chain, leaf first) and `key_pem` on this connection instead of the
// context's client certificate (credentials from an exec plugin). Errors: kInvalidArgument.
Status UseClientCertificate(SSL* ssl, const std::string& cert_pem, const std::string& key_pem);

// The most recent TLS session of one client context, offered by each new connection so that
// its handshake resumes the session (an abbreviated handshake: no certificate exchange or
// verification, no key agreement on TLS 1.2). Installs a new-session callback on `ctx`, which
// must outlive the cache (an ex_data slot of the context points to it). Thread-safe.
class TlsSessionCache {
 public:
  explicit TlsSessionCache(SSL_CTX* ctx);
  ~TlsSessionCache();
  TlsSessionCache(const TlsSessionCache&) = delete;
  TlsSessionCache& operator=(const TlsSessionCache&) = delete;

  // Offers the remembered session, if any, on `ssl` before its handshake.
  void Offer(SSL* ssl);
  // Forgets the remembered session (the client certificate changed).
  void Clear();

 private:
  static int OnNewSession(SSL* ssl, SSL_SESSION* session);
  std::mutex mu_;
  SSL_SESSION* latest_ = nullptr;  // guarded by mu_; owned
};

}  // namespace kro::kube
