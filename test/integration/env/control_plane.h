// kro::testenv::ControlPlane: a real local Kubernetes control plane for integration tests.
//
// Start() runs `scripts/controlplane up` (etcd + kube-apiserver on free 127.0.0.1 ports; with
// Options::full also kube-controller-manager, kube-scheduler, kwok and one fake Node) in a
// fresh temporary directory ($TMPDIR or /tmp); the destructor runs `scripts/controlplane down`, which stops every
// process and removes the directory. Should the test process die without running the destructor,
// a watchdog (`up --owner-pid`) does the same. The binaries come from .cache/bin (scripts/setup).
//
// One control plane per test binary is usually enough: register ControlPlaneEnvironment with
// KRO_TESTENV_SHARED_CONTROL_PLANE() and derive test fixtures from ControlPlaneTest. Tests share
// it, so each test works in its own namespace (UniqueNamespaceName).
//
// Thread-compatible: the accessors are const and may be called from any thread.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"

namespace kro::testenv {

struct ControlPlaneOptions {
  // Also run kube-controller-manager, kube-scheduler and kwok with one fake Node, so that
  // Pods are scheduled and become Running and Deployments become Available.
  bool full = false;
};

class ControlPlane {
 public:
  using Options = ControlPlaneOptions;

  // Starts a control plane and waits until the apiserver is ready (a few seconds; --full adds
  // the time for the fake Node to become Ready). Fails with kFailedPrecondition ("run
  // scripts/setup") when the binaries are missing, and kUnavailable when start-up fails.
  static Result<std::unique_ptr<ControlPlane>> Start(Options options = {});

  // Stops every process of the control plane and removes its directory.
  ~ControlPlane();
  ControlPlane(const ControlPlane&) = delete;
  ControlPlane& operator=(const ControlPlane&) = delete;

  // Admin identity (O=system:masters), current context "kro-admin@kro-test".
  const std::string& kubeconfig_path() const { return kubeconfig_path_; }
  // Non-admin identity CN=kro-test-user, groups: system:authenticated only.
  const std::string& user_kubeconfig_path() const { return user_kubeconfig_path_; }
  // "https://127.0.0.1:<port>".
  const std::string& server_url() const { return server_url_; }
  int port() const { return port_; }
  bool full() const { return options_.full; }

  // PEM files the kubeconfigs refer to (for HTTP clients that take certificates directly).
  std::string ca_cert_path() const { return dir_ + "/pki/ca.crt"; }
  std::string admin_cert_path() const { return dir_ + "/pki/admin.crt"; }
  std::string admin_key_path() const { return dir_ + "/pki/admin.key"; }
  std::string user_cert_path() const { return dir_ + "/pki/user.crt"; }
  std::string user_key_path() const { return dir_ + "/pki/user.key"; }

  // etcd's client URL, "http://127.0.0.1:<port>" (plain HTTP, no client certificates; its
  // gRPC gateway serves the v3 API as JSON under /v3/, e.g. POST /v3/kv/compaction).
  const std::string& etcd_url() const { return etcd_url_; }

  // Stops one process of the control plane ("kube-apiserver", "etcd", ...; SIGTERM, SIGKILL
  // after 10 s) and starts it again with the same command line, so the same port,
  // certificates and data. StartProcess waits for kube-apiserver's /readyz (at most 60 s).
  // For fault-injection tests; not thread-safe against each other.
  Status StopProcess(std::string_view name);
  Status StartProcess(std::string_view name);

  // The state directory (kubeconfigs, pki/, logs/, pids) and the directory of the binaries.
  const std::string& dir() const { return dir_; }
  const std::string& bin_dir() const { return bin_dir_; }
  // Process ids of the processes started (each leads its own process group).
  const std::vector<int>& pids() const { return pids_; }

  // Runs kubectl with the admin kubeconfig; returns its stdout, or kUnknown with its output
  // when it exits non-zero. For test set-up only (it costs a process start).
  Result<std::string> Kubectl(const std::vector<std::string>& args) const;

 private:
  ControlPlane() = default;

  Options options_;
  std::string dir_;  // created by `scripts/controlplane up`, removed by `down`
  std::string bin_dir_;
  std::string kubeconfig_path_;
  std::string user_kubeconfig_path_;
  std::string server_url_;
  std::string etcd_url_;
  int port_ = 0;
  std::vector<int> pids_;

  Status ReadPids();
};

// A namespace name that is unique in this process and across processes: "<prefix>-<pid
// hex>-<counter>-<random>", lower-case, at most 63 characters (the prefix is cut and cleaned to
// a DNS-1123 label).
std::string UniqueNamespaceName(std::string_view prefix);

// The source tree root (KRO_SOURCE_DIR, or $KRO_SOURCE_DIR when set at run time).
std::string SourceDir();

// Runs argv (argv[0] is looked up in PATH), captures stdout and stderr together, and returns
// the exit code (or -1 when it could not start / was killed by a signal).
int RunCommand(const std::vector<std::string>& argv, std::string* output);

// A GoogleTest global environment that starts one control plane for the whole test binary and
// stops it after the last test. Register it with KRO_TESTENV_SHARED_CONTROL_PLANE().
class ControlPlaneEnvironment : public ::testing::Environment {
 public:
  explicit ControlPlaneEnvironment(ControlPlane::Options options = {}) : options_(options) {}

  void SetUp() override;
  void TearDown() override;

  // The shared control plane; null when it is not registered or failed to start.
  static ControlPlane* Get();
  // Why Get() is null (OK when it is not).
  static Status StartStatus();

 private:
  ControlPlane::Options options_;
};

// Base fixture for tests against the shared control plane: fails the test (with the start-up
// error, e.g. "run scripts/setup") when there is none. cp() is the control plane.
class ControlPlaneTest : public ::testing::Test {
 protected:
  void SetUp() override;
  ControlPlane& cp() const { return *cp_; }

 private:
  ControlPlane* cp_ = nullptr;
};

}  // namespace kro::testenv

// Registers a ControlPlaneEnvironment, at namespace scope in one .cc of the test binary:
//   KRO_TESTENV_SHARED_CONTROL_PLANE();                   // etcd + kube-apiserver
//   KRO_TESTENV_SHARED_CONTROL_PLANE(.full = true);       // plus controllers, scheduler, kwok
#define KRO_TESTENV_SHARED_CONTROL_PLANE(...)                                      \
  [[maybe_unused]] static ::testing::Environment* const kro_testenv_environment_ = \
      ::testing::AddGlobalTestEnvironment(                                         \
          new ::kro::testenv::ControlPlaneEnvironment(::kro::testenv::ControlPlane::Options{__VA_ARGS__}))
