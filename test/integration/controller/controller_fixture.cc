#include "test/integration/controller/controller_fixture.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "kro/kube/rest_config.h"

namespace kro::controller::it {

json::Value Y(const std::string& s) {
  Result<json::Value> v = json::ParseYaml(s);
  EXPECT_TRUE(v.ok()) << v.status().ToString() << "\n" << s;
  return v.ok() ? *v : json::Value();
}

std::string Str(const json::Value& obj, std::string_view path) {
  const json::Value* v = json::Find(obj, path);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool Eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

uint64_t Writes(const kube::RequestCounts& counts) {
  uint64_t n = 0;
  for (const auto& [k, v] : counts) {
    if (k.first == "create" || k.first == "update" || k.first == "patch" || k.first == "apply" ||
        k.first == "delete") {
      n += v;
    }
  }
  return n;
}

Status StartWithKroCrds(std::unique_ptr<testenv::ControlPlane>& cp,
                        std::unique_ptr<kube::Client>& client) {
  auto started = testenv::ControlPlane::Start();
  if (!started.ok()) return started.status();
  cp = std::move(*started);
  auto cfg = kube::LoadKubeconfig(cp->kubeconfig_path());
  if (!cfg.ok()) return cfg.status();
  auto created = kube::Client::Create(*cfg);
  if (!created.ok()) return created.status();
  client = std::move(*created);
  // The CRDs kro ships: ResourceGraphDefinitions and GraphRevisions.
  for (const char* file :
       {"kro.run_resourcegraphdefinitions.yaml", "internal.kro.run_graphrevisions.yaml"}) {
    std::ifstream in(testenv::SourceDir() + "/config/crd/" + file);
    std::stringstream ss;
    ss << in.rdbuf();
    json::Value crd = Y(ss.str());
    kube::ApplyOptions ao;
    ao.field_manager = "test";
    ao.force = true;
    auto applied = client->Apply(kCrds, "", crd, ao);
    if (!applied.ok()) return applied.status();
    Eventually([&] {
      auto c = client->Get(kCrds, "", Str(crd, "metadata.name"));
      if (!c.ok()) return false;
      const json::Value* conds = json::Find(*c, "status.conditions");
      if (conds == nullptr || !conds->is_array()) return false;
      for (const auto& x : conds->as_array()) {
        if (Str(x, "type") == "Established" && Str(x, "status") == "True") return true;
      }
      return false;
    });
  }
  return Status::Ok();
}

ControllerOptions TestControllerOptions(const std::string& kubeconfig) {
  ControllerOptions o;
  o.kubeconfig = kubeconfig;
  o.metrics_bind_address = "127.0.0.1:0";
  o.health_probe_bind_address = "127.0.0.1:0";
  o.instance_requeue_interval = std::chrono::milliseconds(1000);
  o.dynamic_concurrent_reconciles = 2;
  o.allow_crd_deletion = true;
  o.log_level = "info";
  return o;
}

void ControllerEnvironment::SetUp() {
  status_ = StartWithKroCrds(cp_, client_);
  if (!status_.ok()) return;
  auto m = Manager::Create(TestControllerOptions(cp_->kubeconfig_path()));
  if (!m.ok()) {
    status_ = m.status();
    return;
  }
  manager_ = std::move(*m);
  thread_ = std::jthread([](std::stop_token st) { (void)manager_->Run(st); });
}

void ControllerEnvironment::TearDown() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
  manager_.reset();
  client_.reset();
  cp_.reset();
}

void InstanceFixture::SetUp() {
  ASSERT_TRUE(ControllerEnvironment::status_.ok()) << ControllerEnvironment::status_.ToString();
  ASSERT_NE(ControllerEnvironment::manager_, nullptr);
  ns_ = testenv::UniqueNamespaceName(ns_prefix_);
  json::Value nsobj = Y("{apiVersion: v1, kind: Namespace, metadata: {name: " + ns_ + "}}");
  ASSERT_TRUE(client().Create(kNamespaces, "", nsobj).ok());
  // A kind per test: a short unique suffix.
  static int counter = 0;
  suffix_ = std::to_string(++counter) + std::to_string(::getpid() % 10000);
}

}  // namespace kro::controller::it
