// RestConfig: where the API server is and how to authenticate to it, loaded from a kubeconfig
// file (the client-go clientcmd subset kro needs) or from the in-cluster service account.
//
// Credentials are held in memory (files named by a kubeconfig are read at load time), except
// those that rotate: a token file is re-read and an exec plugin re-run by the transport's
// credential provider (credentials.h). Functions here are thread-safe: they read files and the
// environment only.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kro/base/result.h"

namespace kro::kube {

// A kubeconfig `users[].user.exec` credential plugin (client.authentication.k8s.io).
struct ExecConfig {
  std::string command;  // resolved against the kubeconfig's directory when relative with a '/'
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // added to the inherited environment
  std::string api_version;        // client.authentication.k8s.io/v1 or /v1beta1
  std::string interactive_mode;   // Never, IfAvailable (the default) or Always
  bool provide_cluster_info = false;
  std::string install_hint;       // shown when the command cannot be run
};

struct RestConfig {
  // "https://host:port" (no trailing slash).
  std::string server;
  // PEM blocks; empty when not configured.
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  // Sent as "Authorization: Bearer <token>" when non-empty.
  std::string bearer_token;
  // A file holding the bearer token (kubeconfig tokenFile, the in-cluster token), re-read as it
  // rotates (credentials.h); bearer_token holds its content at load time.
  std::string token_file;
  // Set for an exec credential plugin, which then supplies the token or client certificate.
  std::optional<ExecConfig> exec;
  // Basic auth, rarely used.
  std::string username;
  std::string password;
  // Skips server certificate verification (kubeconfig insecure-skip-tls-verify).
  bool insecure_skip_tls_verify = false;
  // Overrides the name checked against the server certificate (kubeconfig tls-server-name).
  std::string tls_server_name;
  // Where this configuration came from ("/root/.kube/config context admin@x", "in-cluster").
  std::string source;
};

// Parses kubeconfig text. `source_path` names the file in errors; relative file references
// (certificate-authority, client-certificate, client-key, tokenFile) are resolved against
// `base_dir`. `context` overrides current-context when non-empty.
// `users[].user.exec` is read into RestConfig::exec; auth-provider is refused (kUnimplemented).
// Errors: kInvalidArgument naming the file and field ("kubeconfig /x: users[0].user.client-key:
// ..."), kNotFound for a context/cluster/user that is not defined, or an unreadable file.
Result<RestConfig> ParseKubeconfig(std::string_view text, std::string_view source_path,
                                   std::string_view base_dir, std::string_view context = {});

// Reads and parses the kubeconfig at `path` (see ParseKubeconfig).
Result<RestConfig> LoadKubeconfig(const std::string& path, std::string_view context = {});

// The in-cluster configuration: token and ca.crt under `secrets_dir`, server from the
// environment (KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT), looked up through `getenv`
// (defaults to std::getenv). Errors: kNotFound when not running in a cluster.
struct InClusterOptions {
  std::string secrets_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  std::function<std::optional<std::string>(const char*)> getenv;
};
Result<RestConfig> LoadInClusterConfig(const InClusterOptions& options = {});

// client-go's default loading order: $KUBECONFIG (the first existing file of a ':' list),
// then ~/.kube/config, then in-cluster. `context` as for ParseKubeconfig.
Result<RestConfig> LoadDefaultConfig(std::string_view context = {});

// Decodes standard base64 (whitespace ignored). Errors: kInvalidArgument.
Result<std::string> Base64Decode(std::string_view in);
std::string Base64Encode(std::string_view in);

}  // namespace kro::kube
