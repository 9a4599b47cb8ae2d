#include "kro/kube/exec_plugin.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

#include "kro/json/json.h"

extern char** environ;  // NOLINT: POSIX

namespace kro::kube {
namespace {

Status Unauthenticated(const std::string& message) {
  return Status(ErrorCode::kUnauthenticated, message);
}

std::string StringField(const json::Object& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->value().is_string()) {
    return {};
  }
  return std::string(it->value().get_string());
}

// KUBERNETES_EXEC_INFO: an ExecCredential with the spec client-go gives the plugin.
std::string ExecInfo(const ExecConfig& exec, bool interactive, const std::string& server,
                     const std::string& ca_pem) {
  json::Object spec;
  spec["interactive"] = interactive;
  if (exec.provide_cluster_info) {
    json::Object cluster;
    cluster["server"] = server;
    if (!ca_pem.empty()) {
      cluster["certificate-authority-data"] = Base64Encode(ca_pem);
    }
    spec["cluster"] = std::move(cluster);
  }
  json::Object info;
  info["apiVersion"] = exec.api_version;
  info["kind"] = "ExecCredential";
  info["spec"] = std::move(spec);
  return json::Serialize(json::Value(std::move(info)));
}

// Closes a pipe end and a spawn's file actions when leaving scope.
struct Cleanup {
  int fd = -1;
  posix_spawn_file_actions_t* actions = nullptr;
  ~Cleanup() {
    if (fd >= 0) {
      ::close(fd);
    }
    if (actions != nullptr) {
      posix_spawn_file_actions_destroy(actions);
    }
  }
};

}  // namespace

std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view text) {
  std::string s(text);
  std::tm tm{};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) {
    return std::nullopt;
  }
  if (*rest == '.') {  // fractional seconds: ignored (expiry is checked with a margin anyway)
    ++rest;
    while (*rest >= '0' && *rest <= '9') {
      ++rest;
    }
  }
  long offset = 0;
  if (*rest == 'Z' || *rest == 'z') {
    ++rest;
  } else if ((*rest == '+' || *rest == '-') && std::strlen(rest) == 6 && rest[3] == ':') {
    int sign = *rest == '-' ? -1 : 1;
    offset = sign * (std::atoi(std::string(rest + 1, 2).c_str()) * 3600 +
                     std::atoi(std::string(rest + 4, 2).c_str()) * 60);
    rest += 6;
  } else {
    return std::nullopt;
  }
  if (*rest != '\0') {
    return std::nullopt;
  }
  time_t t = timegm(&tm) - offset;
  return std::chrono::system_clock::from_time_t(t);
}

Result<ExecCredential> ParseExecCredential(std::string_view output,
                                           std::string_view api_version) {
  auto doc = json::Parse(output);
  if (!doc.ok() || !doc->is_object()) {
    return Unauthenticated("exec plugin did not print an ExecCredential as JSON");
  }
  const json::Object& root = doc->get_object();
  std::string got_version = StringField(root, "apiVersion");
  if (got_version != api_version) {
    return Unauthenticated("exec plugin printed apiVersion \"" + got_version + "\", want \"" +
                           std::string(api_version) + "\"");
  }
  if (StringField(root, "kind") != "ExecCredential") {
    return Unauthenticated("exec plugin printed kind \"" + StringField(root, "kind") +
                           "\", want ExecCredential");
  }
  auto status = root.find("status");
  if (status == root.end() || !status->value().is_object()) {
    return Unauthenticated("exec plugin printed an ExecCredential without a status");
  }
  const json::Object& st = status->value().get_object();
  ExecCredential out;
  out.token = StringField(st, "token");
  out.client_cert_pem = StringField(st, "clientCertificateData");
  out.client_key_pem = StringField(st, "clientKeyData");
  if (out.client_cert_pem.empty() != out.client_key_pem.empty()) {
    return Unauthenticated("exec plugin returned only one of clientCertificateData and "
                           "clientKeyData");
  }
  if (out.token.empty() && out.client_cert_pem.empty()) {
    return Unauthenticated("exec plugin returned neither a token nor a client certificate");
  }
  std::string expiry = StringField(st, "expirationTimestamp");
  if (!expiry.empty()) {
    out.expiry = ParseRfc3339(expiry);
    if (!out.expiry) {
      return Unauthenticated("exec plugin returned a malformed expirationTimestamp \"" +
                             expiry + "\"");
    }
  }
  return out;
}

Result<ExecCredential> RunExecPlugin(const ExecConfig& exec, const std::string& server,
                                     const std::string& ca_pem) {
  bool tty = ::isatty(STDIN_FILENO) == 1;
  if (exec.interactive_mode == "Always" && !tty) {
    return Unauthenticated("exec plugin " + exec.command +
                           " needs a terminal (interactiveMode Always) and stdin is not one");
  }
  bool interactive = tty && exec.interactive_mode != "Never";

  // Everything the child needs is built before spawning.
  std::vector<std::string> args = {exec.command};
  args.insert(args.end(), exec.args.begin(), exec.args.end());
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    env.emplace_back(*e);
  }
  for (const auto& [name, value] : exec.env) {
    env.push_back(name + "=" + value);
  }
  env.push_back("KUBERNETES_EXEC_INFO=" + ExecInfo(exec, interactive, server, ca_pem));
  std::vector<char*> argv;
  for (std::string& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (std::string& e : env) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Unauthenticated("exec plugin " + exec.command + ": pipe: " + std::strerror(errno));
  }
  Cleanup read_end{fds[0]};
  Cleanup write_end{fds[1]};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  Cleanup actions_cleanup{-1, &actions};
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  if (!interactive) {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, exec.command.c_str(), &actions, nullptr, argv.data(),
                        envp.data());
  if (rc != 0) {
    std::string msg = "exec plugin: cannot run " + exec.command + ": " + std::strerror(rc);
    if (!exec.install_hint.empty()) {
      msg += "\n" + exec.install_hint;
    }
    return Unauthenticated(msg);
  }
  ::close(write_end.fd);
  write_end.fd = -1;
  std::string output;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(read_end.fd, buf, sizeof buf);
    if (n > 0) {
      output.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Unauthenticated("exec plugin " + exec.command + " failed (" +
                           (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                              : std::string("killed by a signal")) +
                           ")");
  }
  return ParseExecCredential(output, exec.api_version);
}

}  // namespace kro::kube
