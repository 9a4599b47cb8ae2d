#include "kro/controller/applyset.h"

#include <openssl/evp.h>

#include "kro/cel/lib/library.h"

namespace kro::controller {

std::string Sha256Base64Url(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  std::string b64 = cel::Base64Encode(
      std::string_view(reinterpret_cast<const char*>(digest), static_cast<size_t>(len)));
  std::string out;
  out.reserve(b64.size());
  for (char ch : b64) {
    if (ch == '=') {
      break;
    }
    out.push_back(ch == '+' ? '-' : ch == '/' ? '_' : ch);
  }
  return out;
}

std::string ApplySetId(std::string_view name, std::string_view ns, std::string_view kind,
                       std::string_view group) {
  std::string gknn = std::string(name) + "." + std::string(ns) + "." + std::string(kind) + "." +
                     std::string(group);
  return "applyset-" + Sha256Base64Url(gknn) + "-v1";
}

std::string ApplySetGroupKinds(const graph::Graph& g) {
  std::set<std::string> gks;
  for (const graph::Node& n : g.nodes) {
    if (n.type == graph::NodeType::kExternal || n.type == graph::NodeType::kExternalCollection) {
      continue;
    }
    gks.insert(n.gvk.group.empty() ? n.gvk.kind : n.gvk.kind + "." + n.gvk.group);
  }
  std::string out;
  for (const std::string& gk : gks) {
    out += (out.empty() ? "" : ",") + gk;
  }
  return out;
}

std::string ApplySetAdditionalNamespaces(const std::set<std::string>& child_namespaces,
                                         std::string_view parent_ns) {
  std::string out;
  for (const std::string& ns : child_namespaces) {
    if (!ns.empty() && ns != parent_ns) {
      out += (out.empty() ? "" : ",") + ns;
    }
  }
  return out;
}

}  // namespace kro::controller
