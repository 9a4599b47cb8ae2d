#include "kro/kube/rest_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace kro::kube {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/kro-rest-config-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

constexpr char kConfig[] = R"(apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority: ca.crt
- name: c2
  cluster:
    server: https://example.com
    insecure-skip-tls-verify: true
users:
- name: u1
  user:
    client-certificate: client.crt
    client-key-data: S0VZ
- name: u2
  user:
    tokenFile: token
contexts:
- name: one
  context: {cluster: c1, user: u1}
- name: two
  context: {cluster: c2, user: u2}
current-context: one
)";

TEST(RestConfigTest, LoadsCurrentContextWithFilesRelativeToTheKubeconfig) {
  TempDir dir;
  dir.Write("ca.crt", "CA PEM");
  dir.Write("client.crt", "CERT PEM");
  std::string path = dir.Write("config", kConfig);
  auto cfg = LoadKubeconfig(path);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server, "https://127.0.0.1:6443");
  EXPECT_EQ(cfg->ca_pem, "CA PEM");
  EXPECT_EQ(cfg->client_cert_pem, "CERT PEM");
  EXPECT_EQ(cfg->client_key_pem, "KEY");
  EXPECT_FALSE(cfg->insecure_skip_tls_verify);
  EXPECT_NE(cfg->source.find("context one"), std::string::npos);
}

TEST(RestConfigTest, ExplicitContextTokenFileAndInsecure) {
  TempDir dir;
  dir.Write("token", "abc123\n");
  std::string path = dir.Write("config", kConfig);
  auto cfg = LoadKubeconfig(path, "two");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server, "https://example.com");
  EXPECT_TRUE(cfg->insecure_skip_tls_verify);
  EXPECT_EQ(cfg->bearer_token, "abc123");
  EXPECT_TRUE(cfg->client_cert_pem.empty());
}

TEST(RestConfigTest, MalformedFieldNamesFileAndField) {
  std::string text = R"(
clusters:
- name: c
  cluster: {server: https://x, certificate-authority-data: "!!notbase64"}
contexts:
- name: ctx
  context: {cluster: c}
current-context: ctx
)";
  auto cfg = ParseKubeconfig(text, "/etc/kube.yaml", "/etc");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(cfg.status().message().find("/etc/kube.yaml"), std::string::npos);
  EXPECT_NE(cfg.status().message().find("clusters[0].cluster.certificate-authority-data"),
            std::string::npos)
      << cfg.status().message();
}

TEST(RestConfigTest, WrongTypesAndMissingPieces) {
  auto bad_server = ParseKubeconfig(R"(
clusters: [{name: c, cluster: {server: 42}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x
)",
                                    "k", "");
  ASSERT_FALSE(bad_server.ok());
  EXPECT_NE(bad_server.status().message().find("clusters[0].cluster.server"), std::string::npos)
      << bad_server.status().message();

  auto no_ctx = ParseKubeconfig("clusters: []\n", "k", "");
  ASSERT_FALSE(no_ctx.ok());
  EXPECT_NE(no_ctx.status().message().find("current-context"), std::string::npos);

  auto missing_cluster = ParseKubeconfig(R"(
clusters: [{name: c, cluster: {server: "https://a"}}]
contexts: [{name: x, context: {cluster: other}}]
current-context: x
)",
                                         "k", "");
  ASSERT_FALSE(missing_cluster.ok());
  EXPECT_EQ(missing_cluster.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing_cluster.status().message().find("\"other\""), std::string::npos);

  auto not_yaml = ParseKubeconfig("clusters: [\n", "broken.yaml", "");
  ASSERT_FALSE(not_yaml.ok());
  EXPECT_NE(not_yaml.status().message().find("broken.yaml"), std::string::npos);

  auto bad_scheme = ParseKubeconfig(R"(
clusters: [{name: c, cluster: {server: "127.0.0.1:6443"}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x
)",
                                    "k", "");
  ASSERT_FALSE(bad_scheme.ok());
  EXPECT_NE(bad_scheme.status().message().find("https://"), std::string::npos);

  auto half_cert = ParseKubeconfig(R"(
clusters: [{name: c, cluster: {server: "https://a"}}]
users: [{name: u, user: {client-certificate-data: QQ==}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
)",
                                   "k", "");
  ASSERT_FALSE(half_cert.ok());
  EXPECT_NE(half_cert.status().message().find("users[0].user.client-key"), std::string::npos)
      << half_cert.status().message();

  auto missing_file = ParseKubeconfig(R"(
clusters: [{name: c, cluster: {server: "https://a", certificate-authority: nope.crt}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x
)",
                                      "k", "/nonexistent");
  ASSERT_FALSE(missing_file.ok());
  EXPECT_NE(missing_file.status().message().find("/nonexistent/nope.crt"), std::string::npos);
}

TEST(RestConfigTest, MissingFileIsNotFound) {
  auto cfg = LoadKubeconfig("/nonexistent/kubeconfig");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(cfg.status().message().find("/nonexistent/kubeconfig"), std::string::npos);
}

TEST(RestConfigTest, InCluster) {
  TempDir dir;
  dir.Write("token", "sa-token\n");
  dir.Write("ca.crt", "CLUSTER CA");
  InClusterOptions opts;
  opts.secrets_dir = dir.path();
  opts.getenv = [](const char* name) -> std::optional<std::string> {
    if (std::string(name) == "KUBERNETES_SERVICE_HOST") return "10.0.0.1";
    if (std::string(name) == "KUBERNETES_SERVICE_PORT") return "443";
    return std::nullopt;
  };
  auto cfg = LoadInClusterConfig(opts);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server, "https://10.0.0.1:443");
  EXPECT_EQ(cfg->bearer_token, "sa-token");
  EXPECT_EQ(cfg->ca_pem, "CLUSTER CA");

  opts.getenv = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  auto outside = LoadInClusterConfig(opts);
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.status().code(), ErrorCode::kNotFound);
}

TEST(RestConfigTest, Base64RoundTrip) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "hello world\n"}) {
    auto d = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, s);
  }
  EXPECT_FALSE(Base64Decode("a$b").ok());
  EXPECT_EQ(*Base64Decode("aGVs\nbG8="), "hello");
}

}  // namespace
}  // namespace kro::kube
