// Fault: two controller replicas with --leader-elect. Only the leader writes (the follower's
// own request counters show no write at all); after the leader is killed with SIGKILL, the
// follower takes over within the lease duration (plus the retry period it polls at) and
// reconciles.
#include <gtest/gtest.h>

#include "test/integration/faults/faults_fixture.h"

namespace kro::faults {
namespace {

// Short enough for CI, long enough that a leader on a loaded 2-core machine keeps its lease
// (it must renew within the 5 s renew deadline).
constexpr int kLeaseSeconds = 6;
constexpr double kRetrySeconds = 0.5;

class LeaderElectionTest : public FaultsTest {
 protected:
  std::string Kind() const { return "Replica" + suffix_; }
  std::string Rgd() const {
    return RgdHeader("replica" + suffix_, Kind()) + R"(
    spec:
      value: string | default=v
  resources:
  - id: config
    template:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${schema.metadata.name}-config
      data:
        value: ${schema.spec.value}
)";
  }
  std::unique_ptr<ControllerProcess> Replica() {
    return StartController({"--leader-elect", "--leader-election-lease-duration",
                            std::to_string(kLeaseSeconds) + "s",
                            "--leader-election-renew-deadline", "5s",
                            "--leader-election-retry-period", "500ms"});
  }
  Status CreateInstance(const std::string& name) {
    return client()
        .Create(InstanceGvr(Kind()), ns_,
                Y("{apiVersion: kro.run/v1alpha1, kind: " + Kind() + ", metadata: {name: " +
                  name + "}}"))
        .status();
  }
  static bool Leading(const ControllerProcess& p) {
    return p.Log().find("starting controllers") != std::string::npos;
  }
};

TEST_F(LeaderElectionTest, OnlyLeaderWritesAndFollowerTakesOverAfterKill9) {
  auto leader = Replica();
  ASSERT_NE(leader, nullptr);
  ASSERT_TRUE(Eventually([&] { return Leading(*leader); })) << leader->LogTail();
  auto follower = Replica();
  ASSERT_NE(follower, nullptr);
  // The follower has seen the leader's Lease.
  ASSERT_TRUE(Eventually([&] { return follower->Log().find("leader is ") != std::string::npos; }))
      << follower->LogTail();

  ApplyRgdAndWaitActive(Rgd());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(CreateInstance("i" + std::to_string(i)).ok());
  ASSERT_TRUE(Eventually([&] {
    for (int i = 0; i < 5; ++i) {
      if (InstanceState(Kind(), "i" + std::to_string(i)) != "ACTIVE") return false;
    }
    return true;
  })) << leader->LogTail();

  EXPECT_FALSE(Leading(*follower)) << follower->LogTail();
  auto follower_requests = follower->Requests();
  ASSERT_TRUE(follower_requests.ok());
  EXPECT_EQ(WriteRequests(*follower_requests), 0u);
  for (const auto& [key, n] : *follower_requests) {
    EXPECT_EQ(key.first, "get") << key.first << " " << key.second << ": " << n;
  }
  auto follower_reconciles = follower->MetricSum("instance_reconcile_total{");
  ASSERT_TRUE(follower_reconciles.ok());
  EXPECT_EQ(*follower_reconciles, 0);
  auto leader_requests = leader->Requests();
  ASSERT_TRUE(leader_requests.ok());
  EXPECT_GT(WriteRequests(*leader_requests), 0u);

  leader->Kill();
  auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(Eventually([&] { return Leading(*follower); }, std::chrono::seconds(30)))
      << follower->LogTail();
  double takeover = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  std::printf("[measure] follower leading %.2f s after kill -9 (lease %d s, retry %.1f s)\n",
              takeover, kLeaseSeconds, kRetrySeconds);
  // As in client-go, the follower measures the lease from when it saw the last renewal (up to
  // one retry period after it happened) and notices expiry at its next poll (up to one more);
  // 1 s of slack for a loaded CI machine and this test's polling.
  EXPECT_LE(takeover, kLeaseSeconds + 2 * kRetrySeconds + 1.0);

  // The new leader reconciles: a new instance, and a deleted child of an old one comes back.
  ASSERT_TRUE(CreateInstance("after").ok());
  auto child = client().Get(kConfigMaps, ns_, "i0-config");
  ASSERT_TRUE(child.ok());
  ASSERT_TRUE(client().Delete(kConfigMaps, ns_, "i0-config").ok());
  ASSERT_TRUE(Eventually([&] { return InstanceState(Kind(), "after") == "ACTIVE"; }))
      << follower->LogTail();
  ASSERT_TRUE(Eventually([&] {
    auto now = client().Get(kConfigMaps, ns_, "i0-config");
    return now.ok() && Str(*now, "metadata.uid") != Str(*child, "metadata.uid");
  })) << follower->LogTail();
}

}  // namespace
}  // namespace kro::faults
