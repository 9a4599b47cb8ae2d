#include "kro/kube/tls_client.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

namespace kro::kube {
namespace {

struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

std::string Drain(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

// A self-signed P-256 certificate for `cn`, made with OpenSSL so that no PEM is checked in.
KeyPair SelfSigned(const char* cn) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_sign(x, key, EVP_sha256());
  BIO* cert = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cert, x);
  BIO* pkey = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(pkey, key, nullptr, nullptr, 0, nullptr, nullptr);
  X509_free(x);
  EVP_PKEY_free(key);
  return {Drain(cert), Drain(pkey)};
}

RestConfig Config() {
  RestConfig c;
  c.server = "https://127.0.0.1:6443";
  c.source = "kubeconfig /k context x";
  return c;
}

TEST(TlsClientTest, LoadsACaBundleAndAClientCertificate) {
  KeyPair ca1 = SelfSigned("ca-1");
  KeyPair ca2 = SelfSigned("ca-2");
  KeyPair client = SelfSigned("client");
  RestConfig c = Config();
  c.ca_pem = ca1.cert_pem + ca2.cert_pem;
  c.client_cert_pem = client.cert_pem;
  c.client_key_pem = client.key_pem;
  Result<SslCtxPtr> ctx = NewTlsClientContext(c);
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(SSL_CTX_get_verify_mode(ctx->get()), SSL_VERIFY_PEER);
  EXPECT_EQ(X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx->get())) != nullptr, true);
  EXPECT_EQ(sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx->get()))), 2);
  EXPECT_NE(SSL_CTX_get0_certificate(ctx->get()), nullptr);

  c.insecure_skip_tls_verify = true;
  ctx = NewTlsClientContext(c);
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(SSL_CTX_get_verify_mode(ctx->get()), SSL_VERIFY_NONE);
}

TEST(TlsClientTest, RejectedPemNamesWhatAndWhere) {
  KeyPair a = SelfSigned("a");
  KeyPair b = SelfSigned("b");
  struct Case {
    const char* name;
    std::string ca, cert, key;
    const char* want;
  };
  const Case cases[] = {
      {"garbage CA", "not a certificate", "", "", "certificate-authority data"},
      {"truncated CA", a.cert_pem.substr(0, 100), "", "", "certificate-authority data"},
      {"garbage cert", "", "junk", a.key_pem, "client certificate"},
      {"garbage key", "", a.cert_pem, "junk", "client key"},
      {"key of another cert", "", a.cert_pem, b.key_pem, "client key"},
      {"cert without key", "", a.cert_pem, "", "client key"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.name);
    RestConfig c = Config();
    c.ca_pem = k.ca;
    c.client_cert_pem = k.cert;
    c.client_key_pem = k.key;
    Result<SslCtxPtr> ctx = NewTlsClientContext(c);
    ASSERT_FALSE(ctx.ok());
    EXPECT_EQ(ctx.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(ctx.status().message().find(k.want), std::string::npos) << ctx.status().message();
    EXPECT_NE(ctx.status().message().find("kubeconfig /k context x"), std::string::npos)
        << ctx.status().message();
  }
}

TEST(TlsClientTest, SniIsSentForNamesOnly) {
  Result<SslCtxPtr> ctx = NewTlsClientContext(Config());
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  for (const char* name : {"kubernetes.default", "127.0.0.1", "::1"}) {
    SCOPED_TRACE(name);
    SSL* ssl = SSL_new(ctx->get());
    ASSERT_TRUE(PrepareTlsConnection(ssl, name, /*verify=*/true).ok());
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (std::string_view(name) == "kubernetes.default") {
      ASSERT_NE(sni, nullptr);
      EXPECT_STREQ(sni, name);
    } else {
      EXPECT_EQ(sni, nullptr);
    }
    // Nothing was verified yet, so a failure is described by its cause.
    EXPECT_EQ(DescribeTlsFailure(ssl, name, "handshake failure"), "handshake failure");
    SSL_free(ssl);
  }
}

}  // namespace
}  // namespace kro::kube
