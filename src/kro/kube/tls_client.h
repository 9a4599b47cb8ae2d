// TLS client settings of a RestConfig as OpenSSL objects: the context every connection to one
// server shares (CA, client certificate, verification), the per-connection name (SNI and the
// name the certificate must carry), and readable handshake failures. Thread-safe functions.
#pragma once

#include <openssl/ssl.h>

#include <memory>
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

}  // namespace kro::kube
