#include "kro/kube/gvr.h"

namespace kro::kube {

std::string Gvr::GroupVersion() const { return group.empty() ? version : group + "/" + version; }

std::string Gvr::ApiPrefix() const {
  return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
}

std::string Gvr::ToString() const {
  std::string out = resource + "." + version;
  if (!group.empty()) {
    out += "." + group;
  }
  return out;
}

std::string Gvk::GroupVersion() const { return group.empty() ? version : group + "/" + version; }

std::string Gvk::ToString() const { return GroupVersion() + ", Kind=" + kind; }

Gvk GvkFromApiVersion(std::string_view api_version, std::string_view kind) {
  Gvk gvk;
  gvk.kind = std::string(kind);
  size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) {
    gvk.version = std::string(api_version);
  } else {
    gvk.group = std::string(api_version.substr(0, slash));
    gvk.version = std::string(api_version.substr(slash + 1));
  }
  return gvk;
}

std::string ObjectKey::ToString() const { return ns.empty() ? name : ns + "/" + name; }

}  // namespace kro::kube
