// CredentialProvider: what the transport asks, per request and per new connection, for the
// credentials to present, so that rotating credentials (an exec plugin's short-lived token, a
// projected ServiceAccount token file) are picked up without restarting. NewCredentialProvider
// builds the one a RestConfig describes. Providers are thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kro/base/result.h"
#include "kro/kube/rest_config.h"

namespace kro::kube {

struct Credentials {
  // The Authorization header value ("Bearer <token>", "Basic ..."); empty: none.
  std::string authorization;
  // A client certificate (PEM chain) and key for new TLS connections; empty: the RestConfig's.
  std::string client_cert_pem;
  std::string client_key_pem;
};

class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;

  // The credentials for the next request. May run an exec plugin or read a file (cached:
  // normally a lock and a copy). Errors: the plugin's or the file's failure (kUnauthenticated
  // for a plugin that failed or printed no usable credential, kNotFound for a missing file).
  virtual Result<Credentials> Get() = 0;

  // The server answered 401 to a request sent with `rejected`: forget cached credentials, so the
  // next Get() fetches fresh ones. Returns true when it did (then one retry is worthwhile),
  // false for fixed credentials.
  virtual bool Unauthorized(const Credentials& rejected) = 0;
};

struct CredentialOptions {
  // How long a token read from a file is used before the file is read again (client-go's
  // cached token source re-reads every minute).
  std::chrono::seconds token_file_refresh{60};
  // The wall clock, for exec credentials' expirationTimestamp (tests substitute it).
  std::function<std::chrono::system_clock::time_point()> now;
};

// The provider for `config`: its exec plugin (config.exec) when set, else its token file
// (re-read as above), else its fixed token or basic auth (possibly none).
std::unique_ptr<CredentialProvider> NewCredentialProvider(const RestConfig& config,
                                                          CredentialOptions options = {});

}  // namespace kro::kube
