// Rotating credentials against the real kube-apiserver's token authentication (the fixture's
// --token-auth-file, DIR/tokens.csv: users kro-token-a/b/c): an exec plugin (a shell script
// that counts its runs in a file) with expiry and refresh after a 401, and a token file that is
// re-read when it rotates. Who the server thinks we are comes from a SelfSubjectReview.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "kro/json/json.h"
#include "kro/kube/beast_transport.h"
#include "test/integration/kube/kube_fixture.h"

namespace kro::kube::testing {
namespace {

class CredentialsIT : public KubeTest {
 protected:
  void SetUp() override {
    KubeTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::ifstream in(cp().dir() + "/tokens.csv");
    std::string line;
    while (std::getline(in, line)) {
      size_t c1 = line.find(',');
      size_t c2 = line.find(',', c1 + 1);
      tokens_[line.substr(c1 + 1, c2 - c1 - 1)] = line.substr(0, c1);
    }
    ASSERT_EQ(tokens_.size(), 3u) << "the control plane has no --token-auth-file";
    dir_ = cp().dir() + "/" + ns();
    ASSERT_EQ(mkdir(dir_.c_str(), 0700), 0);
  }

  // The admin config's server and CA, no client certificate.
  RestConfig TokenConfig() const {
    RestConfig c;
    c.server = config().server;
    c.ca_pem = config().ca_pem;
    c.source = "test";
    return c;
  }

  // The user name the server authenticates the transport's requests as, or the HTTP status.
  std::string WhoAmI(BeastTransport& t) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = R"({"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"})";
    auto resp = t.Do(r);
    if (!resp.ok()) return resp.status().ToString();
    if (resp->status != 201) return "HTTP " + std::to_string(resp->status);
    auto v = json::Parse(resp->body);
    if (!v.ok()) return v.status().ToString();
    return std::string(v->get_object().at("status").get_object().at("userInfo").get_object()
                           .at("username").get_string());
  }

  void Write(const std::string& path, const std::string& text, mode_t mode = 0600) {
    std::ofstream(path, std::ios::trunc) << text;
    chmod(path.c_str(), mode);
  }

  int Runs() const {
    std::ifstream in(dir_ + "/runs");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return static_cast<int>(std::count(all.begin(), all.end(), '\n'));
  }

  // A plugin printing, on its n-th run, the token on line n of `tokens` (the last line
  // thereafter), valid for EXPIRES_IN seconds when that is set.
  ExecConfig Plugin(const std::string& api_version, const std::vector<std::string>& tokens) {
    std::string list;
    for (const auto& t : tokens) list += t + "\n";
    Write(dir_ + "/tokens", list);
    Write(dir_ + "/plugin.sh", R"sh(#!/bin/sh
set -eu
dir="$(dirname "$0")"
echo run >>"$dir/runs"
n=$(wc -l <"$dir/runs")
total=$(wc -l <"$dir/tokens")
[ "$n" -le "$total" ] || n=$total
token=$(sed -n "${n}p" "$dir/tokens")
expiry=""
if [ -n "${EXPIRES_IN:-}" ]; then
  expiry=",\"expirationTimestamp\":\"$(date -u -d "@$(( $(date +%s) + EXPIRES_IN ))" +%Y-%m-%dT%H:%M:%SZ)\""
fi
# The info client-go passes must be there.
case "$KUBERNETES_EXEC_INFO" in *'"kind":"ExecCredential"'*) ;; *) exit 3 ;; esac
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s"%s}}\n' "$API_VERSION" "$token" "$expiry"
)sh", 0700);
    ExecConfig e;
    e.command = dir_ + "/plugin.sh";
    e.api_version = api_version;
    e.interactive_mode = "Never";
    e.env = {{"API_VERSION", api_version}};
    return e;
  }

  std::map<std::string, std::string> tokens_;  // user -> token
  std::string dir_;
};

std::unique_ptr<BeastTransport> NewTransport(const RestConfig& c,
                                             std::shared_ptr<CredentialProvider> creds = {}) {
  BeastTransportOptions o;
  o.proxy = ProxyEnvironment{};
  o.credentials = std::move(creds);
  auto t = BeastTransport::Create(c, o);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(*t) : nullptr;
}

TEST_F(CredentialsIT, StaticTokenAuthenticates) {
  RestConfig c = TokenConfig();
  c.bearer_token = tokens_["kro-token-a"];
  auto t = NewTransport(c);
  EXPECT_EQ(WhoAmI(*t), "kro-token-a");
  c.bearer_token = "not-a-token";
  EXPECT_EQ(WhoAmI(*NewTransport(c)), "HTTP 401");
}

TEST_F(CredentialsIT, ExecPluginTokenIsCachedUntilItExpires) {
  for (const char* version : {"client.authentication.k8s.io/v1",
                              "client.authentication.k8s.io/v1beta1"}) {
    SCOPED_TRACE(version);
    std::remove((dir_ + "/runs").c_str());
    RestConfig c = TokenConfig();
    c.exec = Plugin(version, {tokens_["kro-token-a"], tokens_["kro-token-b"]});
    c.exec->env.emplace_back("EXPIRES_IN", "3");
    auto t = NewTransport(c);
    EXPECT_EQ(WhoAmI(*t), "kro-token-a");
    EXPECT_EQ(WhoAmI(*t), "kro-token-a");
    EXPECT_EQ(Runs(), 1) << "an unexpired credential is reused";
    std::this_thread::sleep_for(std::chrono::milliseconds(3100));
    EXPECT_EQ(WhoAmI(*t), "kro-token-b") << "an expired credential is fetched again";
    EXPECT_EQ(Runs(), 2);
  }
}

TEST_F(CredentialsIT, ExecPluginRunsAgainAfterA401) {
  RestConfig c = TokenConfig();
  c.exec = Plugin("client.authentication.k8s.io/v1", {"revoked-token", tokens_["kro-token-c"]});
  auto t = NewTransport(c);
  EXPECT_EQ(WhoAmI(*t), "kro-token-c") << "401, the plugin runs again, the request is resent";
  EXPECT_EQ(Runs(), 2);
  EXPECT_EQ(WhoAmI(*t), "kro-token-c");
  EXPECT_EQ(Runs(), 2);
}

TEST_F(CredentialsIT, ExecPluginFromAKubeconfig) {
  ExecConfig e = Plugin("client.authentication.k8s.io/v1", {tokens_["kro-token-b"]});
  std::string kubeconfig = "apiVersion: v1\nkind: Config\ncurrent-context: x\n"
      "clusters: [{name: c, cluster: {server: '" + config().server +
      "', certificate-authority: '" + cp().ca_cert_path() + "'}}]\n"
      "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
      "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, "
      "command: ./plugin.sh, interactiveMode: Never, "
      "env: [{name: API_VERSION, value: client.authentication.k8s.io/v1}]}}}]\n";
  Write(dir_ + "/kubeconfig", kubeconfig);
  auto c = LoadKubeconfig(dir_ + "/kubeconfig");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->exec.has_value());
  EXPECT_EQ(c->exec->command, dir_ + "/./plugin.sh");
  auto t = NewTransport(*c);
  EXPECT_EQ(WhoAmI(*t), "kro-token-b");
}

TEST_F(CredentialsIT, RotatedTokenFileIsPickedUp) {
  RestConfig c = TokenConfig();
  c.token_file = dir_ + "/token";
  Write(c.token_file, tokens_["kro-token-a"] + "\n");
  CredentialOptions quick;
  quick.token_file_refresh = std::chrono::seconds(1);
  auto t = NewTransport(c, NewCredentialProvider(c, quick));
  EXPECT_EQ(WhoAmI(*t), "kro-token-a");
  Write(c.token_file, tokens_["kro-token-b"] + "\n");  // the kubelet rotates the token
  EXPECT_EQ(WhoAmI(*t), "kro-token-a") << "re-read only once the refresh period has passed";
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(WhoAmI(*t), "kro-token-b");
}

TEST_F(CredentialsIT, TokenFileIsReReadAfterA401) {
  RestConfig c = TokenConfig();
  c.token_file = dir_ + "/token";
  Write(c.token_file, tokens_["kro-token-c"]);
  c.bearer_token = "a-token-read-earlier-and-since-revoked";
  auto t = NewTransport(c);  // the default provider: re-read every minute and after a 401
  EXPECT_EQ(WhoAmI(*t), "kro-token-c");
}

}  // namespace
}  // namespace kro::kube::testing
