#include "test/integration/faults/controller_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "kro/json/json.h"

extern char** environ;

#ifndef KRO_BINARY
#error "KRO_BINARY must be defined (the CMake target passes it)"
#endif

namespace kro::faults {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The number after `marker` in `text` (0 when absent).
int NumberAfter(const std::string& text, std::string_view marker) {
  size_t at = text.find(marker);
  if (at == std::string::npos) return 0;
  return std::atoi(text.c_str() + at + marker.size());
}

// The value of a label `key="value"` in a metric line's label set.
std::string LabelValue(std::string_view labels, std::string_view key) {
  std::string needle = std::string(key) + "=\"";
  size_t at = labels.find(needle);
  if (at == std::string_view::npos) return {};
  at += needle.size();
  size_t end = labels.find('"', at);
  return std::string(labels.substr(at, end - at));
}

}  // namespace

std::string KroBinary() {
  const char* s = std::getenv("KRO_BINARY");
  return (s != nullptr && *s != '\0') ? s : KRO_BINARY;
}

uint64_t WriteRequests(const RequestCounts& counts) {
  uint64_t n = 0;
  for (const auto& [key, count] : counts) {
    const std::string& verb = key.first;
    if (verb == "create" || verb == "update" || verb == "patch" || verb == "apply" ||
        verb == "delete") {
      n += count;
    }
  }
  return n;
}

Result<std::unique_ptr<ControllerProcess>> ControllerProcess::Start(
    const testenv::ControlPlane& cp, const std::string& name,
    std::vector<std::string> extra_args) {
  std::unique_ptr<ControllerProcess> p(new ControllerProcess());
  p->log_path_ = cp.dir() + "/logs/" + name + ".log";
  std::vector<std::string> argv = {KroBinary(),
                                   "controller",
                                   "--kubeconfig",
                                   cp.kubeconfig_path(),
                                   "--metrics-bind-address",
                                   "127.0.0.1:0",
                                   "--health-probe-bind-address",
                                   "127.0.0.1:0"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, p->log_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  size_t log_start = ReadAll(p->log_path_).size();
  int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Internal("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  p->pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string log = ReadAll(p->log_path_);
    log = log.size() > log_start ? log.substr(log_start) : std::string();
    p->metrics_port_ = NumberAfter(log, "metrics on port ");
    p->health_port_ = NumberAfter(log, "health probes on port ");
    if (p->metrics_port_ > 0 && p->health_port_ > 0 &&
        p->HttpGet(p->health_port_, "/healthz").ok()) {
      return p;
    }
    if (!p->Running()) {
      return Internal("kro controller exited during start-up: " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status(ErrorCode::kDeadlineExceeded,
                "kro controller did not serve /healthz within 30 s: " + p->LogTail());
}

ControllerProcess::~ControllerProcess() { Kill(); }

void ControllerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void ControllerProcess::Freeze() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void ControllerProcess::Thaw() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

bool ControllerProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

Result<std::string> ControllerProcess::HttpGet(int port, const std::string& path) const {
  std::string out;
  int rc = testenv::RunCommand(
      {"curl", "-sf", "--max-time", "5", "http://127.0.0.1:" + std::to_string(port) + path}, &out);
  if (rc != 0) {
    return Status(ErrorCode::kUnavailable,
                  "GET " + path + " on port " + std::to_string(port) + ": curl exit " +
                      std::to_string(rc));
  }
  return out;
}

Result<RequestCounts> ControllerProcess::Requests() const {
  KRO_ASSIGN_OR_RETURN(std::string text, HttpGet(metrics_port_, "/metrics"));
  RequestCounts counts;
  std::istringstream in(text);
  std::string line;
  const std::string prefix = "rest_client_requests_total{";
  while (std::getline(in, line)) {
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    size_t close = line.find('}');
    if (close == std::string::npos) continue;
    std::string_view labels(line.data() + prefix.size(), close - prefix.size());
    std::string verb = LabelValue(labels, "verb");
    int code = std::atoi(LabelValue(labels, "code").c_str());
    counts[{verb, code}] += static_cast<uint64_t>(std::atof(line.c_str() + close + 1));
  }
  return counts;
}

Result<double> ControllerProcess::MetricSum(std::string_view series) const {
  KRO_ASSIGN_OR_RETURN(std::string text, HttpGet(metrics_port_, "/metrics"));
  double sum = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, series.size(), series) != 0) continue;
    size_t space = line.rfind(' ');
    if (space != std::string::npos) sum += std::atof(line.c_str() + space + 1);
  }
  return sum;
}

std::string ControllerProcess::Log() const { return ReadAll(log_path_); }

std::string ControllerProcess::LogTail(int lines) const {
  std::string log = Log();
  size_t at = log.size();
  for (int i = 0; i <= lines && at != std::string::npos && at > 0; ++i) {
    at = log.rfind('\n', at - 1);
  }
  return at == std::string::npos ? log : log.substr(at + 1);
}

Result<int64_t> CompactEtcd(const testenv::ControlPlane& cp) {
  std::string out;
  // A range request on any key answers with the store's current revision in its header.
  int rc = testenv::RunCommand({"curl", "-sf", "--max-time", "10", "-X", "POST",
                                cp.etcd_url() + "/v3/kv/range", "-d", R"({"key":"AA=="})"},
                               &out);
  if (rc != 0) return Status(ErrorCode::kUnavailable, "etcd range: " + out);
  KRO_ASSIGN_OR_RETURN(json::Value range, json::Parse(out));
  const json::Value* rev = json::Find(range, "header.revision");
  if (rev == nullptr || !rev->is_string()) return Internal("etcd range without revision: " + out);
  int64_t revision = std::atoll(std::string(rev->as_string()).c_str());
  rc = testenv::RunCommand(
      {"curl", "-sf", "--max-time", "30", "-X", "POST", cp.etcd_url() + "/v3/kv/compaction",
       "-d", R"({"revision":")" + std::to_string(revision) + R"(","physical":true})"},
      &out);
  if (rc != 0) return Status(ErrorCode::kUnavailable, "etcd compaction: " + out);
  return revision;
}

}  // namespace kro::faults
