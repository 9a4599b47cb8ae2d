#include "test/integration/faults/faults_fixture.h"

#include <unistd.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <thread>

#include "kro/kube/rest_config.h"

namespace kro::faults {

json::Value Y(const std::string& yaml) {
  Result<json::Value> v = json::ParseYaml(yaml);
  EXPECT_TRUE(v.ok()) << v.status().ToString() << "\n" << yaml;
  return v.ok() ? *v : json::Value();
}

std::string Str(const json::Value& obj, std::string_view path) {
  const json::Value* v = json::Find(obj, path);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::Value Condition(const json::Value& obj, std::string_view type) {
  const json::Value* conds = json::Find(obj, "status.conditions");
  if (conds == nullptr || !conds->is_array()) return json::Value();
  for (const json::Value& c : conds->as_array()) {
    if (Str(c, "type") == type) return c;
  }
  return json::Value();
}

bool Eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return cond();
}

void FaultsEnvironment::SetUp() {
  auto cp = testenv::ControlPlane::Start();
  if (!cp.ok()) {
    status_ = cp.status();
    return;
  }
  cp_ = std::move(*cp);
  auto cfg = kube::LoadKubeconfig(cp_->kubeconfig_path());
  if (!cfg.ok()) {
    status_ = cfg.status();
    return;
  }
  kube::ClientOptions co;
  co.qps = 500;
  co.burst = 1000;
  co.field_manager = "faults-test";
  auto client = kube::Client::Create(*cfg, co);
  if (!client.ok()) {
    status_ = client.status();
    return;
  }
  client_ = std::move(*client);
  std::ifstream in(testenv::SourceDir() + "/config/crd/kro.run_resourcegraphdefinitions.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  Result<json::Value> crd = json::ParseYaml(ss.str());
  if (!crd.ok()) {
    status_ = crd.status();
    return;
  }
  kube::ApplyOptions ao;
  ao.force = true;
  if (auto r = client_->Apply(kCrds, "", *crd, ao); !r.ok()) {
    status_ = r.status();
    return;
  }
  if (auto r = client_->Create(kNamespaces, "", Y("{apiVersion: v1, kind: Namespace, metadata: "
                                                  "{name: kro-system}}"));
      !r.ok()) {
    status_ = r.status();
    return;
  }
  bool established = Eventually([&] {
    auto c = client_->Get(kCrds, "", Str(*crd, "metadata.name"));
    return c.ok() && Str(Condition(*c, "Established"), "status") == "True";
  });
  if (!established) status_ = Unavailable("the RGD CRD is not Established after 60 s");
}

void FaultsEnvironment::TearDown() {
  client_.reset();
  cp_.reset();
}

void FaultsTest::SetUp() {
  ASSERT_TRUE(FaultsEnvironment::status().ok()) << FaultsEnvironment::status().ToString();
  ASSERT_NE(FaultsEnvironment::cp(), nullptr);
  ns_ = testenv::UniqueNamespaceName(
      ::testing::UnitTest::GetInstance()->current_test_info()->name());
  ASSERT_TRUE(
      client().Create(kNamespaces, "", Y("{apiVersion: v1, kind: Namespace, metadata: {name: " +
                                         ns_ + "}}"))
          .ok());
  static int counter = 0;
  suffix_ = std::to_string(++counter) + "x" + std::to_string(::getpid() % 100000);
}

std::unique_ptr<ControllerProcess> FaultsTest::StartController(std::vector<std::string> args) {
  std::string name = "kro-";
  for (char c : std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '-');
  }
  name += "-" + std::to_string(++controllers_started_);
  args.insert(args.begin(), {"--instance-requeue-interval", "1s"});
  auto p = ControllerProcess::Start(cp(), name, std::move(args));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(*p) : nullptr;
}

json::Value FaultsTest::GetRgd(const std::string& name) {
  auto r = client().Get(kRgds, "", name);
  return r.ok() ? *r : json::Value();
}

void FaultsTest::ApplyRgdAndWaitActive(const std::string& yaml) {
  json::Value rgd = Y(yaml);
  kube::ApplyOptions ao;
  ao.force = true;
  auto r = client().Apply(kRgds, "", rgd, ao);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::string name = Str(rgd, "metadata.name");
  ASSERT_TRUE(Eventually([&] { return Str(GetRgd(name), "status.state") == "Active"; }))
      << json::Serialize(GetRgd(name));
}

kube::Gvr FaultsTest::InstanceGvr(const std::string& kind) const {
  std::string plural;
  for (char c : kind) plural.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return kube::Gvr{"kro.run", "v1alpha1", plural + "s"};
}

Result<json::Value> FaultsTest::GetInstance(const std::string& kind, const std::string& name) {
  return client().Get(InstanceGvr(kind), ns_, name);
}

std::string FaultsTest::InstanceState(const std::string& kind, const std::string& name) {
  auto r = GetInstance(kind, name);
  return r.ok() ? Str(*r, "status.state") : std::string();
}

}  // namespace kro::faults
