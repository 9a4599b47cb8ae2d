#include "kro/kube/credentials.h"

#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <utility>

#include "kro/kube/exec_plugin.h"

namespace kro::kube {
namespace {

using SteadyClock = std::chrono::steady_clock;
using SystemClock = std::chrono::system_clock;

std::string BearerOrBasic(const RestConfig& config) {
  if (!config.bearer_token.empty()) {
    return "Bearer " + config.bearer_token;
  }
  if (!config.username.empty()) {
    return "Basic " + Base64Encode(config.username + ":" + config.password);
  }
  return {};
}

// A token, a basic password, or nothing: never changes.
class FixedCredentials final : public CredentialProvider {
 public:
  explicit FixedCredentials(Credentials c) : credentials_(std::move(c)) {}
  Result<Credentials> Get() override { return credentials_; }
  bool Unauthorized(const Credentials& /*rejected*/) override { return false; }

 private:
  const Credentials credentials_;
};

Result<std::string> ReadToken(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFound("cannot read the token file " + path);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string token = ss.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty()) {
    return NotFound("the token file " + path + " is empty");
  }
  return token;
}

// A bearer token read from a file, read again once `refresh` has passed and after a 401, so a
// rotated (projected ServiceAccount) token is picked up. When a re-read fails the last token
// is kept (the server decides whether it is still good).
class TokenFileCredentials final : public CredentialProvider {
 public:
  TokenFileCredentials(std::string path, std::string initial, std::chrono::seconds refresh)
      : path_(std::move(path)), refresh_(refresh) {
    if (!initial.empty()) {
      token_ = std::move(initial);
      read_at_ = SteadyClock::now();
    }
  }

  Result<Credentials> Get() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (token_.empty() || SteadyClock::now() - read_at_ >= refresh_) {
      KRO_RETURN_IF_ERROR(ReadLocked());
    }
    return Credentials{"Bearer " + token_, {}, {}};
  }

  bool Unauthorized(const Credentials& rejected) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (rejected.authorization != "Bearer " + token_) {
      return true;  // already replaced since that request was sent
    }
    std::string before = token_;
    return ReadLocked().ok() && token_ != before;
  }

 private:
  Status ReadLocked() {
    auto token = ReadToken(path_);
    if (!token.ok()) {
      if (!token_.empty()) {
        return Status::Ok();
      }
      return token.status();
    }
    token_ = std::move(*token);
    read_at_ = SteadyClock::now();
    return Status::Ok();
  }

  const std::string path_;
  const std::chrono::seconds refresh_;
  std::mutex mu_;
  std::string token_;                // guarded by mu_
  SteadyClock::time_point read_at_;  // guarded by mu_
};

// An exec plugin's credential, cached until its expirationTimestamp and re-fetched after a
// 401 for the credential in use, as client-go's exec authenticator does. One plugin run at a
// time: concurrent requests wait for it and share its result.
class ExecCredentials final : public CredentialProvider {
 public:
  ExecCredentials(RestConfig config, std::function<SystemClock::time_point()> now)
      : config_(std::move(config)), now_(std::move(now)) {}

  Result<Credentials> Get() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!cached_ || (cached_->expiry && now_() >= *cached_->expiry)) {
      KRO_ASSIGN_OR_RETURN(
          ExecCredential fresh,
          RunExecPlugin(*config_.exec, config_.server, config_.ca_pem));
      cached_ = std::move(fresh);
    }
    Credentials c;
    if (!cached_->token.empty()) {
      c.authorization = "Bearer " + cached_->token;
    }
    c.client_cert_pem = cached_->client_cert_pem;
    c.client_key_pem = cached_->client_key_pem;
    return c;
  }

  bool Unauthorized(const Credentials& rejected) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_ && (cached_->token.empty() ? std::string() : "Bearer " + cached_->token) ==
                       rejected.authorization &&
                   cached_->client_cert_pem == rejected.client_cert_pem) {
      cached_.reset();  // the next Get runs the plugin again
    }
    return true;
  }

 private:
  const RestConfig config_;
  const std::function<SystemClock::time_point()> now_;
  std::mutex mu_;
  std::optional<ExecCredential> cached_;  // guarded by mu_
};

}  // namespace

std::unique_ptr<CredentialProvider> NewCredentialProvider(const RestConfig& config,
                                                          CredentialOptions options) {
  if (config.exec) {
    auto now = options.now ? options.now : [] { return SystemClock::now(); };
    return std::make_unique<ExecCredentials>(config, std::move(now));
  }
  if (!config.token_file.empty()) {
    return std::make_unique<TokenFileCredentials>(config.token_file, config.bearer_token,
                                                  options.token_file_refresh);
  }
  return std::make_unique<FixedCredentials>(Credentials{BearerOrBasic(config), {}, {}});
}

}  // namespace kro::kube
