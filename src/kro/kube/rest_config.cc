#include "kro/kube/rest_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "kro/json/json.h"

namespace kro::kube {
namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFound("cannot read file " + path);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Join(std::string_view base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) {
    return path;
  }
  std::string out(base_dir);
  if (out.back() != '/') {
    out += '/';
  }
  return out + path;
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) {
    return ".";
  }
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Reads kubeconfig fields with errors that name the file and the field path.
class Reader {
 public:
  Reader(std::string_view source, std::string_view base_dir)
      : source_(source), base_dir_(base_dir) {}

  Status Error(const std::string& field, const std::string& what) const {
    return InvalidArgument("kubeconfig " + source_ + ": " + field + ": " + what, source_);
  }

  // An optional string field of `obj`.
  Result<std::string> String(const json::Object& obj, const char* key,
                             const std::string& path) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->value().is_null()) {
      return std::string();
    }
    if (!it->value().is_string()) {
      return Error(path + "." + key, "must be a string");
    }
    return std::string(it->value().get_string());
  }

  Result<bool> Bool(const json::Object& obj, const char* key, const std::string& path) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->value().is_null()) {
      return false;
    }
    if (it->value().is_bool()) {
      return it->value().get_bool();
    }
    if (it->value().is_string() && (it->value().get_string() == "true" ||
                                    it->value().get_string() == "false")) {
      return it->value().get_string() == "true";
    }
    return Error(path + "." + key, "must be a boolean");
  }

  // `data_key` (base64) wins over `file_key` (a path relative to the kubeconfig).
  Result<std::string> DataOrFile(const json::Object& obj, const char* data_key,
                                 const char* file_key, const std::string& path) const {
    KRO_ASSIGN_OR_RETURN(std::string data, String(obj, data_key, path));
    if (!data.empty()) {
      auto decoded = Base64Decode(data);
      if (!decoded.ok()) {
        return Error(path + "." + data_key, "invalid base64");
      }
      return std::move(*decoded);
    }
    KRO_ASSIGN_OR_RETURN(std::string file, String(obj, file_key, path));
    if (file.empty()) {
      return std::string();
    }
    std::string full = Join(base_dir_, file);
    auto content = ReadFile(full);
    if (!content.ok()) {
      return Error(path + "." + file_key, "cannot read " + full);
    }
    return std::move(*content);
  }

  // Finds the entry named `name` in the list `list_key`; returns its `inner` object.
  Result<const json::Object*> Named(const json::Object& root, const char* list_key,
                                    const char* inner, const std::string& name,
                                    std::string* path_out) const {
    auto it = root.find(list_key);
    if (it == root.end() || it->value().is_null()) {
      return NotFound("kubeconfig " + source_ + ": no " + list_key + " defined (looking for \"" +
                          name + "\")",
                      source_);
    }
    if (!it->value().is_array()) {
      return Error(list_key, "must be a list");
    }
    const json::Array& arr = it->value().get_array();
    for (size_t i = 0; i < arr.size(); ++i) {
      std::string p = std::string(list_key) + "[" + std::to_string(i) + "]";
      if (!arr[i].is_object()) {
        return Error(p, "must be a mapping");
      }
      const json::Object& entry = arr[i].get_object();
      KRO_ASSIGN_OR_RETURN(std::string entry_name, String(entry, "name", p));
      if (entry_name != name) {
        continue;
      }
      auto in = entry.find(inner);
      if (in == entry.end() || !in->value().is_object()) {
        return Error(p + "." + inner, "missing or not a mapping");
      }
      *path_out = p + "." + inner;
      return &in->value().get_object();
    }
    return NotFound("kubeconfig " + source_ + ": " + list_key + " entry \"" + name +
                        "\" not found",
                    source_);
  }

  const std::string& base_dir() const { return base_dir_; }

 private:
  std::string source_;
  std::string base_dir_;
};

std::string TrimRight(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

// users[].user.exec, as client-go's clientcmd reads it.
Result<ExecConfig> ReadExec(const Reader& r, const json::Value& value, const std::string& path) {
  if (!value.is_object()) {
    return r.Error(path, "must be a mapping");
  }
  const json::Object& obj = value.get_object();
  ExecConfig exec;
  KRO_ASSIGN_OR_RETURN(exec.command, r.String(obj, "command", path));
  if (exec.command.empty()) {
    return r.Error(path + ".command", "missing");
  }
  if (exec.command.find('/') != std::string::npos) {
    exec.command = Join(r.base_dir(), exec.command);
  }
  KRO_ASSIGN_OR_RETURN(exec.api_version, r.String(obj, "apiVersion", path));
  if (exec.api_version != "client.authentication.k8s.io/v1" &&
      exec.api_version != "client.authentication.k8s.io/v1beta1") {
    return r.Error(path + ".apiVersion", "must be client.authentication.k8s.io/v1 or /v1beta1, "
                                         "got \"" + exec.api_version + "\"");
  }
  KRO_ASSIGN_OR_RETURN(exec.interactive_mode, r.String(obj, "interactiveMode", path));
  if (exec.interactive_mode.empty()) {
    exec.interactive_mode = "IfAvailable";
  }
  if (exec.interactive_mode != "Never" && exec.interactive_mode != "IfAvailable" &&
      exec.interactive_mode != "Always") {
    return r.Error(path + ".interactiveMode", "must be Never, IfAvailable or Always");
  }
  KRO_ASSIGN_OR_RETURN(exec.provide_cluster_info, r.Bool(obj, "provideClusterInfo", path));
  KRO_ASSIGN_OR_RETURN(exec.install_hint, r.String(obj, "installHint", path));
  if (auto args = obj.find("args"); args != obj.end() && !args->value().is_null()) {
    if (!args->value().is_array()) {
      return r.Error(path + ".args", "must be a list");
    }
    for (const json::Value& a : args->value().get_array()) {
      if (!a.is_string()) {
        return r.Error(path + ".args", "must be a list of strings");
      }
      exec.args.emplace_back(a.get_string());
    }
  }
  if (auto env = obj.find("env"); env != obj.end() && !env->value().is_null()) {
    if (!env->value().is_array()) {
      return r.Error(path + ".env", "must be a list");
    }
    const json::Array& list = env->value().get_array();
    for (size_t i = 0; i < list.size(); ++i) {
      std::string p = path + ".env[" + std::to_string(i) + "]";
      if (!list[i].is_object()) {
        return r.Error(p, "must be a mapping with name and value");
      }
      KRO_ASSIGN_OR_RETURN(std::string name, r.String(list[i].get_object(), "name", p));
      KRO_ASSIGN_OR_RETURN(std::string val, r.String(list[i].get_object(), "value", p));
      if (name.empty()) {
        return r.Error(p + ".name", "missing");
      }
      exec.env.emplace_back(std::move(name), std::move(val));
    }
  }
  return exec;
}

}  // namespace

Result<RestConfig> ParseKubeconfig(std::string_view text, std::string_view source_path,
                                   std::string_view base_dir, std::string_view context) {
  Reader r(source_path, base_dir);
  auto doc = json::ParseYaml(text);
  if (!doc.ok()) {
    return InvalidArgument("kubeconfig " + std::string(source_path) +
                               ": not valid YAML: " + doc.status().message(),
                           std::string(source_path));
  }
  if (!doc->is_object()) {
    return r.Error("(document)", "must be a mapping");
  }
  const json::Object& root = doc->get_object();

  std::string ctx_name(context);
  if (ctx_name.empty()) {
    KRO_ASSIGN_OR_RETURN(ctx_name, r.String(root, "current-context", ""));
    if (ctx_name.empty()) {
      return r.Error("current-context", "not set and no context was given");
    }
  }
  std::string ctx_path;
  KRO_ASSIGN_OR_RETURN(const json::Object* ctx, r.Named(root, "contexts", "context", ctx_name,
                                                        &ctx_path));
  KRO_ASSIGN_OR_RETURN(std::string cluster_name, r.String(*ctx, "cluster", ctx_path));
  KRO_ASSIGN_OR_RETURN(std::string user_name, r.String(*ctx, "user", ctx_path));
  if (cluster_name.empty()) {
    return r.Error(ctx_path + ".cluster", "missing");
  }

  RestConfig cfg;
  cfg.source = std::string(source_path) + " context " + ctx_name;
  std::string cluster_path;
  KRO_ASSIGN_OR_RETURN(const json::Object* cluster,
                       r.Named(root, "clusters", "cluster", cluster_name, &cluster_path));
  KRO_ASSIGN_OR_RETURN(cfg.server, r.String(*cluster, "server", cluster_path));
  if (cfg.server.empty()) {
    return r.Error(cluster_path + ".server", "missing");
  }
  if (cfg.server.rfind("https://", 0) != 0 && cfg.server.rfind("http://", 0) != 0) {
    return r.Error(cluster_path + ".server", "must start with https:// or http://, got \"" +
                                                 cfg.server + "\"");
  }
  while (cfg.server.size() > 8 && cfg.server.back() == '/') {
    cfg.server.pop_back();
  }
  KRO_ASSIGN_OR_RETURN(cfg.ca_pem, r.DataOrFile(*cluster, "certificate-authority-data",
                                                "certificate-authority", cluster_path));
  KRO_ASSIGN_OR_RETURN(cfg.insecure_skip_tls_verify,
                       r.Bool(*cluster, "insecure-skip-tls-verify", cluster_path));
  KRO_ASSIGN_OR_RETURN(cfg.tls_server_name, r.String(*cluster, "tls-server-name", cluster_path));

  if (!user_name.empty()) {
    std::string user_path;
    KRO_ASSIGN_OR_RETURN(const json::Object* user,
                         r.Named(root, "users", "user", user_name, &user_path));
    KRO_ASSIGN_OR_RETURN(cfg.client_cert_pem, r.DataOrFile(*user, "client-certificate-data",
                                                           "client-certificate", user_path));
    KRO_ASSIGN_OR_RETURN(cfg.client_key_pem,
                         r.DataOrFile(*user, "client-key-data", "client-key", user_path));
    if (cfg.client_cert_pem.empty() != cfg.client_key_pem.empty()) {
      return r.Error(user_path + (cfg.client_key_pem.empty() ? ".client-key" :
                                                               ".client-certificate"),
                     "a client certificate needs both a certificate and a key");
    }
    KRO_ASSIGN_OR_RETURN(cfg.bearer_token, r.String(*user, "token", user_path));
    if (cfg.bearer_token.empty()) {
      KRO_ASSIGN_OR_RETURN(std::string token_file, r.String(*user, "tokenFile", user_path));
      if (!token_file.empty()) {
        std::string full = Join(r.base_dir(), token_file);
        auto tok = ReadFile(full);
        if (!tok.ok()) {
          return r.Error(user_path + ".tokenFile", "cannot read " + full);
        }
        cfg.bearer_token = TrimRight(std::move(*tok));
        cfg.token_file = full;
      }
    }
    KRO_ASSIGN_OR_RETURN(cfg.username, r.String(*user, "username", user_path));
    KRO_ASSIGN_OR_RETURN(cfg.password, r.String(*user, "password", user_path));
    if (auto exec = user->find("exec"); exec != user->end() && !exec->value().is_null()) {
      KRO_ASSIGN_OR_RETURN(cfg.exec, ReadExec(r, exec->value(), user_path + ".exec"));
    }
    if (user->contains("auth-provider")) {
      if (cfg.bearer_token.empty() && cfg.client_cert_pem.empty() && !cfg.exec) {
        return Unimplemented("kubeconfig " + std::string(source_path) + ": " + user_path +
                                 ": auth-provider credentials are not supported (use exec)",
                             std::string(source_path));
      }
    }
  }
  return cfg;
}

Result<RestConfig> LoadKubeconfig(const std::string& path, std::string_view context) {
  auto text = ReadFile(path);
  if (!text.ok()) {
    return NotFound("kubeconfig " + path + ": cannot read the file", path);
  }
  return ParseKubeconfig(*text, path, DirName(path), context);
}

Result<RestConfig> LoadInClusterConfig(const InClusterOptions& options) {
  auto getenv = options.getenv;
  if (!getenv) {
    getenv = [](const char* name) -> std::optional<std::string> {
      const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read-only use
      return v ? std::optional<std::string>(v) : std::nullopt;
    };
  }
  auto host = getenv("KUBERNETES_SERVICE_HOST");
  auto port = getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !port || host->empty() || port->empty()) {
    return NotFound(
        "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must "
        "be set");
  }
  RestConfig cfg;
  std::string h = *host;
  if (h.find(':') != std::string::npos) {
    h = "[" + h + "]";  // IPv6 literal
  }
  cfg.server = "https://" + h + ":" + *port;
  std::string token_path = options.secrets_dir + "/token";
  auto token = ReadFile(token_path);
  if (!token.ok()) {
    return NotFound("in-cluster config: cannot read the service account token " + token_path);
  }
  cfg.bearer_token = TrimRight(std::move(*token));
  cfg.token_file = token_path;  // a projected token: kubelet rotates it
  auto ca = ReadFile(options.secrets_dir + "/ca.crt");
  if (!ca.ok()) {
    return NotFound("in-cluster config: cannot read " + options.secrets_dir + "/ca.crt");
  }
  cfg.ca_pem = std::move(*ca);
  cfg.source = "in-cluster";
  return cfg;
}

Result<RestConfig> LoadDefaultConfig(std::string_view context) {
  const char* env = std::getenv("KUBECONFIG");  // NOLINT(concurrency-mt-unsafe)
  if (env != nullptr && *env != '\0') {
    std::string list(env);
    size_t start = 0;
    while (start <= list.size()) {
      size_t end = list.find(':', start);
      if (end == std::string::npos) {
        end = list.size();
      }
      std::string path = list.substr(start, end - start);
      if (!path.empty() && std::ifstream(path).good()) {
        return LoadKubeconfig(path, context);
      }
      start = end + 1;
    }
    return NotFound("KUBECONFIG=" + list + ": none of the files exists");
  }
  const char* home = std::getenv("HOME");  // NOLINT(concurrency-mt-unsafe)
  if (home != nullptr) {
    std::string path = std::string(home) + "/.kube/config";
    if (std::ifstream(path).good()) {
      return LoadKubeconfig(path, context);
    }
  }
  return LoadInClusterConfig();
}

Result<std::string> Base64Decode(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() * 3 / 4);
  unsigned buf = 0;
  int bits = 0;
  bool padding = false;
  for (char c : in) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      continue;
    }
    if (c == '=') {
      padding = true;
      continue;
    }
    int v = val(c);
    if (v < 0 || padding) {
      return InvalidArgument("invalid base64");
    }
    buf = (buf << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xFF));
    }
  }
  if (bits >= 6) {
    return InvalidArgument("invalid base64 length");
  }
  return out;
}

std::string Base64Encode(std::string_view in) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kTable[(n >> 18) & 63];
    out += kTable[(n >> 12) & 63];
    out += kTable[(n >> 6) & 63];
    out += kTable[n & 63];
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) {
      n |= static_cast<unsigned char>(in[i + 1]) << 8;
    }
    out += kTable[(n >> 18) & 63];
    out += kTable[(n >> 12) & 63];
    out += (i + 1 < in.size()) ? kTable[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace kro::kube
