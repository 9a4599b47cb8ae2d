// RestConfig: where the API server is and how to authenticate to it, loaded from a kubeconfig
// file (the client-go clientcmd subset kro needs) or from the in-cluster service account.
//
// All credentials are held in memory (files named by a kubeconfig are read at load time), so a
// RestConfig can be handed to the transport without further file access. Functions here are
// thread-safe: they read files and the environment only.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "kro/base/result.h"

namespace kro::kube {

struct RestConfig {
  // "https://host:port" (no trailing slash).
  std::string server;
  // PEM blocks; empty when not configured.
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  // Sent as "Authorization: Bearer <token>" when non-empty.
  std::string bearer_token;
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
