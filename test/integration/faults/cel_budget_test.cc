// Fault: a runaway CEL expression (nested comprehensions over a large list). Its evaluation
// stops at the budget with an instance condition that names the resource and says so; the
// controller stays healthy and keeps reconciling other instances.
#include <gtest/gtest.h>

#include "test/integration/faults/faults_fixture.h"

namespace kro::faults {
namespace {

class CelBudgetTest : public FaultsTest {
 protected:
  std::string Kind() const { return "Spin" + suffix_; }
  std::string Rgd() const {
    return RgdHeader("spin" + suffix_, Kind()) + R"(
    spec:
      items: "[]integer"
  resources:
  - id: verdict
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${schema.metadata.name}-verdict
      data:
        all: ${string(schema.spec.items.all(x, schema.spec.items.all(y, schema.spec.items.all(z, x + y + z >= 0))))}
)";
  }
  Status CreateInstance(const std::string& name, int items) {
    std::string list = "[";
    for (int i = 0; i < items; ++i) list += (i ? "," : "") + std::to_string(i);
    list += "]";
    return client()
        .Create(InstanceGvr(Kind()), ns_,
                Y("{apiVersion: kro.run/v1alpha1, kind: " + Kind() + ", metadata: {name: " +
                  name + "}, spec: {items: " + list + "}}"))
        .status();
  }
};

TEST_F(CelBudgetTest, RunawayExpressionStopsWithClearErrorAndControllerStaysHealthy) {
  auto kro = StartController({"--dynamic-controller-concurrent-reconciles", "2"});
  ASSERT_NE(kro, nullptr);
  ApplyRgdAndWaitActive(Rgd());
  // 2000^3 = 8e9 iterations: far beyond any budget.
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(CreateInstance("runaway", 2000).ok());
  ASSERT_TRUE(CreateInstance("small", 3).ok());
  std::string message;
  ASSERT_TRUE(Eventually(
      [&] {
        auto inst = GetInstance(Kind(), "runaway");
        if (!inst.ok()) return false;
        message = Str(Condition(*inst, "ResourcesReady"), "message");
        return Str(*inst, "status.state") == "ERROR";
      },
      std::chrono::seconds(90)))
      << message << "\n"
      << kro->LogTail();
  std::printf("[measure] runaway stopped after %.2f s: %s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
              message.c_str());
  EXPECT_NE(message.find("resource \"verdict\""), std::string::npos) << message;
  EXPECT_NE(message.find("evaluation budget exceeded (more than 10000000 comprehension "
                         "iterations and cost units"),
            std::string::npos)
      << message;
  EXPECT_FALSE(client().Get(kConfigMaps, ns_, "runaway-verdict").ok());

  // The controller is healthy and other instances reconcile.
  EXPECT_TRUE(kro->HttpGet(kro->health_port(), "/healthz").ok());
  EXPECT_TRUE(kro->HttpGet(kro->health_port(), "/readyz").ok());
  ASSERT_TRUE(Eventually([&] { return InstanceState(Kind(), "small") == "ACTIVE"; }))
      << kro->LogTail();
  ASSERT_TRUE(CreateInstance("later", 5).ok());
  ASSERT_TRUE(Eventually([&] { return InstanceState(Kind(), "later") == "ACTIVE"; }))
      << kro->LogTail();
  auto verdict = client().Get(kConfigMaps, ns_, "later-verdict");
  ASSERT_TRUE(verdict.ok());
  EXPECT_EQ(Str(*verdict, "data.all"), "true");

  // The runaway is not retried in a loop: no reconcile of it is running or queued.
  auto before = kro->MetricSum("instance_reconcile_total{");
  ASSERT_TRUE(before.ok());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  auto after = kro->MetricSum("instance_reconcile_total{");
  ASSERT_TRUE(after.ok());
  std::printf("[measure] reconciles in 3 s after the runaway stopped: %.0f\n", *after - *before);
  EXPECT_LE(*after - *before, 2);
  EXPECT_TRUE(kro->Running());
}

}  // namespace
}  // namespace kro::faults
