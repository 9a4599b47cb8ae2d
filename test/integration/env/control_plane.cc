#include "test/integration/env/control_plane.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

extern char** environ;

#ifndef KRO_SOURCE_DIR
#error "KRO_SOURCE_DIR must be defined (the CMake target passes it)"
#endif

namespace kro::testenv {
namespace {

// Reads DIR/env ("KEY=VALUE" lines) into `key` lookups.
std::string EnvValue(const std::string& env_text, std::string_view key) {
  std::istringstream in(env_text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 &&
        line[key.size()] == '=') {
      return line.substr(key.size() + 1);
    }
  }
  return {};
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::string SourceDir() {
  const char* s = std::getenv("KRO_SOURCE_DIR");
  return (s != nullptr && *s != '\0') ? s : KRO_SOURCE_DIR;
}

int RunCommand(const std::vector<std::string>& argv, std::string* output) {
  if (output != nullptr) output->clear();
  if (argv.empty()) return -1;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (rc != 0) {
    close(pipe_fds[0]);
    if (output != nullptr) *output = argv[0] + ": " + std::strerror(rc);
    return -1;
  }
  char buf[4096];
  for (;;) {
    ssize_t n = read(pipe_fds[0], buf, sizeof buf);
    if (n > 0) {
      if (output != nullptr) output->append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Result<std::unique_ptr<ControlPlane>> ControlPlane::Start(Options options) {
  const std::string source = SourceDir();
  const std::string script = source + "/scripts/controlplane";
  const char* bin_env = std::getenv("KRO_BIN_DIR");
  const std::string bin =
      (bin_env != nullptr && *bin_env != '\0') ? bin_env : source + "/.cache/bin";

  std::vector<std::string> needed = {"etcd", "kube-apiserver", "kubectl"};
  if (options.full) {
    needed.insert(needed.end(), {"kube-controller-manager", "kube-scheduler", "kwok"});
  }
  for (const std::string& tool : needed) {
    if (access((bin + "/" + tool).c_str(), X_OK) != 0) {
      return Status(ErrorCode::kFailedPrecondition,
                    "control-plane binary " + bin + "/" + tool + " is missing: run scripts/setup");
    }
  }

  std::unique_ptr<ControlPlane> cp(new ControlPlane());
  cp->options_ = options;
  cp->bin_dir_ = bin;

  // `up` without DIR creates a fresh directory under $TMPDIR (or /tmp), which `down` removes.
  // --owner-pid: if this process dies without running the destructor (a crash, a ctest
  // timeout), a watchdog stops the control plane and removes the directory within a second.
  std::vector<std::string> argv = {script, "up", "--owner-pid", std::to_string(getpid())};
  if (options.full) argv.emplace_back("--full");
  std::string output;
  int rc = RunCommand(argv, &output);
  if (rc != 0) {
    // `up` has already stopped whatever it started.
    return Status(ErrorCode::kUnavailable,
                  "scripts/controlplane up failed (exit " + std::to_string(rc) + "): " + output);
  }
  // The last line of the output is the admin kubeconfig path, DIR/kubeconfig.
  while (!output.empty() && output.back() == '\n') output.pop_back();
  std::string last = output.substr(output.rfind('\n') + 1);
  const std::string suffix = "/kubeconfig";
  if (last.size() <= suffix.size() ||
      last.compare(last.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return Internal("unexpected output of scripts/controlplane up: " + output);
  }
  cp->dir_ = last.substr(0, last.size() - suffix.size());

  KRO_ASSIGN_OR_RETURN(std::string env, ReadFile(cp->dir_ + "/env"));
  cp->server_url_ = EnvValue(env, "KRO_CP_SERVER");
  cp->kubeconfig_path_ = EnvValue(env, "KUBECONFIG");
  cp->user_kubeconfig_path_ = EnvValue(env, "KRO_CP_USER_KUBECONFIG");
  if (cp->server_url_.empty() || cp->kubeconfig_path_.empty()) {
    return Internal("malformed " + cp->dir_ + "/env: " + env);
  }
  cp->etcd_url_ = EnvValue(env, "KRO_CP_ETCD");
  cp->port_ = std::atoi(cp->server_url_.substr(cp->server_url_.rfind(':') + 1).c_str());
  KRO_RETURN_IF_ERROR(cp->ReadPids());
  return cp;
}

Status ControlPlane::ReadPids() {
  KRO_ASSIGN_OR_RETURN(std::string pids, ReadFile(dir_ + "/pids"));
  pids_.clear();
  std::istringstream in(pids);
  std::string name;
  int pid = 0;
  while (in >> name >> pid) pids_.push_back(pid);
  return Status::Ok();
}

Status ControlPlane::StopProcess(std::string_view name) {
  std::string output;
  int rc = RunCommand({SourceDir() + "/scripts/controlplane", "stop", dir_, std::string(name)},
                      &output);
  if (rc != 0) {
    return Status(ErrorCode::kUnavailable, "scripts/controlplane stop " + std::string(name) +
                                               " failed (exit " + std::to_string(rc) + "): " + output);
  }
  return ReadPids();
}

Status ControlPlane::StartProcess(std::string_view name) {
  std::string output;
  int rc = RunCommand({SourceDir() + "/scripts/controlplane", "start", dir_, std::string(name)},
                      &output);
  if (rc != 0) {
    return Status(ErrorCode::kUnavailable, "scripts/controlplane start " + std::string(name) +
                                               " failed (exit " + std::to_string(rc) + "): " + output);
  }
  return ReadPids();
}

ControlPlane::~ControlPlane() {
  if (dir_.empty()) return;
  std::string output;
  if (RunCommand({SourceDir() + "/scripts/controlplane", "down", dir_}, &output) != 0) {
    std::fprintf(stderr, "kro::testenv: scripts/controlplane down %s failed: %s\n", dir_.c_str(),
                 output.c_str());
  }
}

Result<std::string> ControlPlane::Kubectl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {bin_dir_ + "/kubectl", "--kubeconfig", kubeconfig_path_};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string output;
  int rc = RunCommand(argv, &output);
  if (rc != 0) {
    return Status(ErrorCode::kUnknown, "kubectl exited " + std::to_string(rc) + ": " + output);
  }
  return output;
}

std::string UniqueNamespaceName(std::string_view prefix) {
  static std::atomic<unsigned> counter{0};
  static const unsigned seed = std::random_device{}();
  std::string clean;
  for (char c : prefix) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      clean.push_back(static_cast<char>(std::tolower(u)));
    } else if (!clean.empty() && clean.back() != '-') {
      clean.push_back('-');
    }
  }
  while (!clean.empty() && clean.back() == '-') clean.pop_back();
  if (clean.empty() || !std::isalpha(static_cast<unsigned char>(clean.front()))) {
    clean.insert(0, "ns");
  }
  char suffix[48];
  unsigned n = counter.fetch_add(1);
  std::snprintf(suffix, sizeof suffix, "-%x-%u-%04x", static_cast<unsigned>(getpid()), n,
                (seed + n * 2654435761u) & 0xffffu);
  const size_t max_prefix = 63 - std::strlen(suffix);
  if (clean.size() > max_prefix) clean.resize(max_prefix);
  while (!clean.empty() && clean.back() == '-') clean.pop_back();
  return clean + suffix;
}

// ---- shared control plane --------------------------------------------------------------

namespace {
std::unique_ptr<ControlPlane>& SharedPlane() {
  static std::unique_ptr<ControlPlane> plane;
  return plane;
}
Status& SharedStatus() {
  static Status status(ErrorCode::kFailedPrecondition,
                       "no shared control plane: register KRO_TESTENV_SHARED_CONTROL_PLANE()");
  return status;
}
}  // namespace

void ControlPlaneEnvironment::SetUp() {
  auto started = ControlPlane::Start(options_);
  if (started.ok()) {
    SharedPlane() = std::move(*started);
    SharedStatus() = Status::Ok();
  } else {
    SharedStatus() = started.status();
  }
}

void ControlPlaneEnvironment::TearDown() {
  SharedPlane().reset();
  SharedStatus() = Status(ErrorCode::kFailedPrecondition, "the shared control plane was stopped");
}

ControlPlane* ControlPlaneEnvironment::Get() { return SharedPlane().get(); }

Status ControlPlaneEnvironment::StartStatus() { return SharedStatus(); }

void ControlPlaneTest::SetUp() {
  cp_ = ControlPlaneEnvironment::Get();
  if (cp_ == nullptr) {
    GTEST_FAIL() << "no control plane: " << ControlPlaneEnvironment::StartStatus().ToString();
  }
}

}  // namespace kro::testenv
