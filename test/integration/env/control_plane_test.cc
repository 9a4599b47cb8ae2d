// Integration tests of the control-plane fixture itself: needs scripts/setup to have run.
#include "test/integration/env/control_plane.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "kro/kube/beast_transport.h"

KRO_TESTENV_SHARED_CONTROL_PLANE();

namespace kro::testenv {
namespace {

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// GET `path` with a client certificate; returns the HTTP status (0 on transport failure).
long HttpGet(const ControlPlane& cp, const std::string& path, const std::string& cert,
             const std::string& key, std::string* body) {
  kube::RestConfig config;
  config.server = cp.server_url();
  config.ca_pem = ReadWholeFile(cp.ca_cert_path());
  config.client_cert_pem = ReadWholeFile(cert);
  config.client_key_pem = ReadWholeFile(key);
  config.source = "control_plane_test";
  kube::BeastTransportOptions options;
  options.request_timeout = std::chrono::seconds(10);
  auto transport = kube::BeastTransport::Create(config, options);
  if (!transport.ok()) {
    ADD_FAILURE() << transport.status().ToString();
    return 0;
  }
  kube::HttpRequest request;
  request.path = path;
  auto response = (*transport)->Do(request);
  if (!response.ok()) {
    return 0;
  }
  *body = std::move(response->body);
  return response->status;
}

bool PortAcceptsConnections(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

bool ProcessRunning(int pid) {
  if (kill(pid, 0) != 0) return false;
  // A zombie (an init that does not reap) counts as gone.
  std::string stat;
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return false;
  char buf[512];
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  stat.assign(buf, n);
  size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

using ControlPlaneFixtureTest = ControlPlaneTest;

TEST_F(ControlPlaneFixtureTest, ReadyzWithAdminCertificate) {
  std::string body;
  EXPECT_EQ(HttpGet(cp(), "/readyz", cp().admin_cert_path(), cp().admin_key_path(), &body), 200)
      << body;
  EXPECT_EQ(body, "ok");
  EXPECT_TRUE(std::filesystem::exists(cp().kubeconfig_path()));
  EXPECT_TRUE(std::filesystem::exists(cp().user_kubeconfig_path()));
  EXPECT_EQ(cp().server_url(), "https://127.0.0.1:" + std::to_string(cp().port()));
}

TEST_F(ControlPlaneFixtureTest, AdminMaySeeSecrets) {
  std::string body;
  EXPECT_EQ(HttpGet(cp(), "/api/v1/namespaces/default/secrets", cp().admin_cert_path(),
                    cp().admin_key_path(), &body),
            200)
      << body;
}

TEST_F(ControlPlaneFixtureTest, NonAdminIdentityIsForbiddenToListSecrets) {
  std::string body;
  EXPECT_EQ(HttpGet(cp(), "/api/v1/namespaces/default/secrets", cp().user_cert_path(),
                    cp().user_key_path(), &body),
            403)
      << body;
  EXPECT_NE(body.find("kro-test-user"), std::string::npos) << body;
}

TEST_F(ControlPlaneFixtureTest, KubectlCreatesUniqueNamespace) {
  std::string ns = UniqueNamespaceName("testenv");
  auto out = cp().Kubectl({"create", "namespace", ns});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  auto got = cp().Kubectl({"get", "namespace", ns, "-o", "name"});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "namespace/" + ns + "\n");
}

TEST(UniqueNamespaceNameTest, IsAValidUniqueLabel) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string name = UniqueNamespaceName("My_Test.Case/With-A-Very-Long-Name-That-Goes-On-And-On");
    EXPECT_LE(name.size(), 63u) << name;
    EXPECT_TRUE(std::isalpha(static_cast<unsigned char>(name.front()))) << name;
    EXPECT_NE(name.back(), '-') << name;
    for (char c : name) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') << name;
    }
    EXPECT_TRUE(seen.insert(name).second) << name;
  }
  EXPECT_EQ(UniqueNamespaceName("").rfind("ns-", 0), 0u);
}

TEST(ControlPlaneLifecycleTest, DestructionLeavesNoProcessPortOrDirectory) {
  auto started = ControlPlane::Start();
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<ControlPlane> cp = std::move(*started);
  const int port = cp->port();
  const std::vector<int> pids = cp->pids();
  const std::string dir = cp->dir();
  ASSERT_EQ(pids.size(), 2u);
  ASSERT_TRUE(PortAcceptsConnections(port));
  for (int pid : pids) EXPECT_TRUE(ProcessRunning(pid)) << pid;

  cp.reset();

  EXPECT_FALSE(PortAcceptsConnections(port));
  for (int pid : pids) EXPECT_FALSE(ProcessRunning(pid)) << pid;
  EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
}

TEST(ControlPlaneLifecycleTest, FullModeRunsADeployment) {
  auto started = ControlPlane::Start({.full = true});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  ControlPlane& cp = **started;
  EXPECT_TRUE(cp.full());
  EXPECT_EQ(cp.pids().size(), 5u);
  std::string ns = UniqueNamespaceName("full");
  ASSERT_TRUE(cp.Kubectl({"create", "namespace", ns}).ok());
  // The namespace's "default" ServiceAccount comes from kube-controller-manager.
  auto created = cp.Kubectl({"-n", ns, "create", "deployment", "web", "--image=nginx",
                             "--replicas=2"});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto available = cp.Kubectl({"-n", ns, "wait", "--for=condition=Available",
                               "deployment/web", "--timeout=60s"});
  ASSERT_TRUE(available.ok()) << available.status().ToString();
  auto phases = cp.Kubectl({"-n", ns, "get", "pods", "-o",
                            "jsonpath={range .items[*]}{.status.phase}/{.spec.nodeName} {end}"});
  ASSERT_TRUE(phases.ok()) << phases.status().ToString();
  EXPECT_EQ(*phases, "Running/kwok-node-0 Running/kwok-node-0 ");
}

TEST(ControlPlaneLifecycleTest, MissingBinariesSayRunSetup) {
  setenv("KRO_BIN_DIR", "/nonexistent-kro-bin", 1);
  auto started = ControlPlane::Start();
  unsetenv("KRO_BIN_DIR");
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(started.status().message().find("run scripts/setup"), std::string::npos)
      << started.status().ToString();
}

}  // namespace
}  // namespace kro::testenv
