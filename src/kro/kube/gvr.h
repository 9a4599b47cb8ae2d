// Resource identities: Gvr (what URLs address), Gvk (what objects declare) and ObjectKey.
//
// Plain value types; thread-compatible.
#pragma once

#include <string>
#include <string_view>

namespace kro::kube {

// A group/version/resource, e.g. {"apps", "v1", "deployments"}. The core group is "".
struct Gvr {
  std::string group;
  std::string version;
  std::string resource;  // lower-case plural

  // "apps/v1" or "v1" for the core group.
  std::string GroupVersion() const;
  // "/apis/apps/v1" or "/api/v1".
  std::string ApiPrefix() const;
  // "deployments.v1.apps" (kubectl's spelling; "pods.v1" for core).
  std::string ToString() const;
  friend bool operator==(const Gvr&, const Gvr&) = default;
  friend auto operator<=>(const Gvr&, const Gvr&) = default;
};

// A group/version/kind, e.g. {"apps", "v1", "Deployment"}.
struct Gvk {
  std::string group;
  std::string version;
  std::string kind;

  std::string GroupVersion() const;
  // "apps/v1, Kind=Deployment".
  std::string ToString() const;
  friend bool operator==(const Gvk&, const Gvk&) = default;
  friend auto operator<=>(const Gvk&, const Gvk&) = default;
};

// Splits an apiVersion ("apps/v1", "v1") and kind into a Gvk.
Gvk GvkFromApiVersion(std::string_view api_version, std::string_view kind);

// Namespace ("" for cluster-scoped objects) and name.
struct ObjectKey {
  std::string ns;
  std::string name;

  // "ns/name", or "name" when cluster-scoped (the client-go cache key).
  std::string ToString() const;
  friend bool operator==(const ObjectKey&, const ObjectKey&) = default;
  friend auto operator<=>(const ObjectKey&, const ObjectKey&) = default;
};

}  // namespace kro::kube
