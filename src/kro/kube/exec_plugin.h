// Exec credential plugins (kubeconfig users[].user.exec): runs the plugin as client-go does and
// reads the ExecCredential it prints (client.authentication.k8s.io/v1 or v1beta1).
// Thread-safe functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "kro/base/result.h"
#include "kro/kube/rest_config.h"

namespace kro::kube {

// The status of an ExecCredential.
struct ExecCredential {
  std::string token;
  std::string client_cert_pem;  // clientCertificateData
  std::string client_key_pem;   // clientKeyData
  // expirationTimestamp; unset: valid until the server rejects it.
  std::optional<std::chrono::system_clock::time_point> expiry;
};

// Parses the plugin's standard output. It must be an ExecCredential of `api_version` with a
// status holding a token, or a certificate and key (both). Errors: kUnauthenticated naming the
// problem ("exec plugin printed apiVersion ..., want ...").
Result<ExecCredential> ParseExecCredential(std::string_view output,
                                           std::string_view api_version);

// Runs `exec` (the command with its args, the inherited environment plus exec.env and
// KUBERNETES_EXEC_INFO, stderr passed through; stdin per interactiveMode: Never gives
// /dev/null, IfAvailable the terminal when stdin is one, Always requires one) and parses its
// output. `server` and `ca_pem` are passed in KUBERNETES_EXEC_INFO when provideClusterInfo.
// Errors: kUnauthenticated for a command that cannot be started (with its install hint), that
// exits non-zero, or whose output is not usable.
Result<ExecCredential> RunExecPlugin(const ExecConfig& exec, const std::string& server,
                                     const std::string& ca_pem);

// Parses an RFC 3339 time ("2026-01-02T03:04:05Z", fractions and offsets allowed).
std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view text);

}  // namespace kro::kube
