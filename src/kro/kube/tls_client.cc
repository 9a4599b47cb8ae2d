#include "kro/kube/tls_client.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "kro/kube/server_url.h"

namespace kro::kube {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

BioPtr MemBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The reason of the most recent OpenSSL error; clears the queue.
std::string OpenSslError() {
  unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  if (e == 0) {
    return "no PEM data";
  }
  const char* reason = ERR_reason_error_string(e);
  return reason != nullptr ? reason : "error " + std::to_string(e);
}

Status Rejected(const RestConfig& config, std::string_view what) {
  return InvalidArgument(std::string(what) + " of " + config.source + ": " + OpenSslError());
}

// Adds every certificate of `pem` to the context's trust store. Errors when there is none.
Status AddCertificateAuthorities(SSL_CTX* ctx, const RestConfig& config) {
  BioPtr bio = MemBio(config.ca_pem);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  while (true) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (cert == nullptr) {
      unsigned long e = ERR_peek_last_error();
      if (added > 0 && ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
        ERR_clear_error();  // the end of the bundle
        return Status::Ok();
      }
      return Rejected(config, "certificate-authority data");
    }
    if (X509_STORE_add_cert(store, cert.get()) != 1) {
      unsigned long e = ERR_peek_last_error();
      if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE) {
        return Rejected(config, "certificate-authority data");
      }
      ERR_clear_error();
    }
    ++added;
  }
}

// The leaf certificate first, then any intermediates, as a kubeconfig's client-certificate.
Status UseCertificateChain(SSL_CTX* ctx, const RestConfig& config) {
  BioPtr bio = MemBio(config.client_cert_pem);
  X509Ptr leaf(PEM_read_bio_X509_AUX(bio.get(), nullptr, nullptr, nullptr));
  if (leaf == nullptr || SSL_CTX_use_certificate(ctx, leaf.get()) != 1) {
    return Rejected(config, "client certificate");
  }
  while (X509* extra = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add_extra_chain_cert(ctx, extra) != 1) {  // takes ownership on success
      X509_free(extra);
      return Rejected(config, "client certificate chain");
    }
  }
  ERR_clear_error();  // the end of the chain
  BioPtr key_bio = MemBio(config.client_key_pem);
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr || SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
    return Rejected(config, "client key");
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return Rejected(config, "client key");
  }
  return Status::Ok();
}

}  // namespace

Result<SslCtxPtr> NewTlsClientContext(const RestConfig& config) {
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (ctx == nullptr) {
    return Internal("SSL_CTX_new: " + OpenSslError());
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  static constexpr unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(ctx.get(), kAlpn, sizeof kAlpn);
  if (config.insecure_skip_tls_verify) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    if (!config.ca_pem.empty()) {
      KRO_RETURN_IF_ERROR(AddCertificateAuthorities(ctx.get(), config));
    } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
      return Rejected(config, "the system certificate store");
    }
  }
  if (!config.client_cert_pem.empty() || !config.client_key_pem.empty()) {
    KRO_RETURN_IF_ERROR(UseCertificateChain(ctx.get(), config));
  }
  return ctx;
}

Status PrepareTlsConnection(SSL* ssl, const std::string& name, bool verify) {
  bool ip = IsIpLiteral(name);
  // RFC 6066: SNI carries host names only.
  if (!ip && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) {
    return Internal("cannot set TLS SNI to \"" + name + "\": " + OpenSslError());
  }
  if (!verify) {
    return Status::Ok();
  }
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  int rc = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
              : X509_VERIFY_PARAM_set1_host(param, name.data(), name.size());
  if (rc != 1) {
    return Internal("cannot check the server certificate for \"" + name + "\": " +
                    OpenSslError());
  }
  return Status::Ok();
}

std::string DescribeTlsFailure(const SSL* ssl, std::string_view name, std::string_view cause) {
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return "server certificate verification failed for \"" + std::string(name) +
           "\": " + X509_verify_cert_error_string(verify);
  }
  return std::string(cause);
}

Status UseClientCertificate(SSL* ssl, const std::string& cert_pem, const std::string& key_pem) {
  ERR_clear_error();
  BioPtr bio = MemBio(cert_pem);
  X509Ptr leaf(PEM_read_bio_X509_AUX(bio.get(), nullptr, nullptr, nullptr));
  if (leaf == nullptr || SSL_use_certificate(ssl, leaf.get()) != 1) {
    return InvalidArgument("exec plugin client certificate: " + OpenSslError());
  }
  while (X509* extra = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    if (SSL_add0_chain_cert(ssl, extra) != 1) {  // takes ownership on success
      X509_free(extra);
      return InvalidArgument("exec plugin client certificate chain: " + OpenSslError());
    }
  }
  ERR_clear_error();
  BioPtr key_bio = MemBio(key_pem);
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr || SSL_use_PrivateKey(ssl, key.get()) != 1 ||
      SSL_check_private_key(ssl) != 1) {
    return InvalidArgument("exec plugin client key: " + OpenSslError());
  }
  return Status::Ok();
}

namespace {

// The SSL_CTX ex_data slot that points at a context's TlsSessionCache. Not app_data (slot 0):
// Boost.Asio's ssl::context keeps its password callback there and deletes it on destruction.
int SessionCacheSlot() {
  static const int slot = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return slot;
}

}  // namespace

TlsSessionCache::TlsSessionCache(SSL_CTX* ctx) {
  SSL_CTX_set_ex_data(ctx, SessionCacheSlot(), this);
  // Client-side caching with no internal store: OpenSSL hands each new session to the callback.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, &TlsSessionCache::OnNewSession);
}

TlsSessionCache::~TlsSessionCache() { Clear(); }

int TlsSessionCache::OnNewSession(SSL* ssl, SSL_SESSION* session) {
  auto* cache = static_cast<TlsSessionCache*>(
      SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), SessionCacheSlot()));
  if (cache == nullptr) {
    return 0;
  }
  SSL_SESSION* old = nullptr;
  {
    std::lock_guard<std::mutex> lock(cache->mu_);
    old = cache->latest_;
    cache->latest_ = session;
  }
  if (old != nullptr) {
    SSL_SESSION_free(old);
  }
  return 1;  // the cache keeps the reference
}

void TlsSessionCache::Offer(SSL* ssl) {
  std::lock_guard<std::mutex> lock(mu_);
  if (latest_ != nullptr) {
    SSL_set_session(ssl, latest_);  // takes its own reference
  }
}

void TlsSessionCache::Clear() {
  SSL_SESSION* old = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = latest_;
    latest_ = nullptr;
  }
  if (old != nullptr) {
    SSL_SESSION_free(old);
  }
}

}  // namespace kro::kube
