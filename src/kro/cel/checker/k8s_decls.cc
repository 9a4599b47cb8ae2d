// Declaration tables of the Kubernetes CEL libraries kro enables (k8s.io/apiserver v0.35
// pkg/cel/library): lists, URLs, regex, quantity, IP, CIDR and semver (version 0: without the
// normalising semver(s, bool) / isSemver(s, bool) overloads). Overload ids are upstream's.
// kubernetes.Quantity/URL/Semver are object types upstream; they are opaque types here (they have
// no fields, and null is assignable to both kinds alike).
#include "kro/cel/checker/decls.h"

namespace kro::cel::internal {

std::span<const OverloadSpec> K8sListsOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"isSorted", "list_int_is_sorted_bool", true, "list(int)", "bool"},
      {"isSorted", "list_uint_is_sorted_bool", true, "list(uint)", "bool"},
      {"isSorted", "list_double_is_sorted_bool", true, "list(double)", "bool"},
      {"isSorted", "list_bool_is_sorted_bool", true, "list(bool)", "bool"},
      {"isSorted", "list_duration_is_sorted_bool", true, "list(duration)", "bool"},
      {"isSorted", "list_timestamp_is_sorted_bool", true, "list(timestamp)", "bool"},
      {"isSorted", "list_string_is_sorted_bool", true, "list(string)", "bool"},
      {"isSorted", "list_bytes_is_sorted_bool", true, "list(bytes)", "bool"},
      {"sum", "list_int_sum_int", true, "list(int)", "int"},
      {"sum", "list_uint_sum_uint", true, "list(uint)", "uint"},
      {"sum", "list_double_sum_double", true, "list(double)", "double"},
      {"sum", "list_duration_sum_duration", true, "list(duration)", "duration"},
      {"max", "list_int_max_int", true, "list(int)", "int"},
      {"max", "list_uint_max_uint", true, "list(uint)", "uint"},
      {"max", "list_double_max_double", true, "list(double)", "double"},
      {"max", "list_bool_max_bool", true, "list(bool)", "bool"},
      {"max", "list_duration_max_duration", true, "list(duration)", "duration"},
      {"max", "list_timestamp_max_timestamp", true, "list(timestamp)", "timestamp"},
      {"max", "list_string_max_string", true, "list(string)", "string"},
      {"max", "list_bytes_max_bytes", true, "list(bytes)", "bytes"},
      {"min", "list_int_min_int", true, "list(int)", "int"},
      {"min", "list_uint_min_uint", true, "list(uint)", "uint"},
      {"min", "list_double_min_double", true, "list(double)", "double"},
      {"min", "list_bool_min_bool", true, "list(bool)", "bool"},
      {"min", "list_duration_min_duration", true, "list(duration)", "duration"},
      {"min", "list_timestamp_min_timestamp", true, "list(timestamp)", "timestamp"},
      {"min", "list_string_min_string", true, "list(string)", "string"},
      {"min", "list_bytes_min_bytes", true, "list(bytes)", "bytes"},
      {"indexOf", "list_a_index_of_int", true, "list(A), A", "int"},
      {"lastIndexOf", "list_a_last_index_of_int", true, "list(A), A", "int"},
  };
  return kTable;
}

std::span<const OverloadSpec> K8sUrlsOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"url", "string_to_url", false, "string", "kubernetes.URL"},
      {"getScheme", "url_get_scheme", true, "kubernetes.URL", "string"},
      {"getHost", "url_get_host", true, "kubernetes.URL", "string"},
      {"getHostname", "url_get_hostname", true, "kubernetes.URL", "string"},
      {"getPort", "url_get_port", true, "kubernetes.URL", "string"},
      {"getEscapedPath", "url_get_escaped_path", true, "kubernetes.URL", "string"},
      {"getQuery", "url_get_query", true, "kubernetes.URL", "map(string, list(string))"},
      {"isURL", "is_url_string", false, "string", "bool"},
  };
  return kTable;
}

std::span<const OverloadSpec> K8sRegexOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"find", "string_find_string", true, "string, string", "string"},
      {"findAll", "string_find_all_string", true, "string, string", "list(string)"},
      {"findAll", "string_find_all_string_int", true, "string, string, int", "list(string)"},
  };
  return kTable;
}

std::span<const OverloadSpec> K8sQuantityOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"quantity", "string_to_quantity", false, "string", "kubernetes.Quantity"},
      {"isQuantity", "is_quantity_string", false, "string", "bool"},
      {"sign", "quantity_sign", false, "kubernetes.Quantity", "int"},
      {"isGreaterThan", "quantity_is_greater_than", true,
       "kubernetes.Quantity, kubernetes.Quantity", "bool"},
      {"isLessThan", "quantity_is_less_than", true,
       "kubernetes.Quantity, kubernetes.Quantity", "bool"},
      {"compareTo", "quantity_compare_to", true, "kubernetes.Quantity, kubernetes.Quantity", "int"},
      {"asApproximateFloat", "quantity_get_float", true, "kubernetes.Quantity", "double"},
      {"asInteger", "quantity_get_int", true, "kubernetes.Quantity", "int"},
      {"isInteger", "quantity_is_integer", true, "kubernetes.Quantity", "bool"},
      {"add", "quantity_add", true,
       "kubernetes.Quantity, kubernetes.Quantity", "kubernetes.Quantity"},
      {"add", "quantity_add_int", true, "kubernetes.Quantity, int", "kubernetes.Quantity"},
      {"sub", "quantity_sub", true,
       "kubernetes.Quantity, kubernetes.Quantity", "kubernetes.Quantity"},
      {"sub", "quantity_sub_int", true, "kubernetes.Quantity, int", "kubernetes.Quantity"},
  };
  return kTable;
}

std::span<const OverloadSpec> K8sIpOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"ip", "string_to_ip", false, "string", "net.IP"},
      {"family", "ip_family", true, "net.IP", "int"},
      {"ip.isCanonical", "ip_is_canonical", false, "string", "bool"},
      {"isUnspecified", "ip_is_unspecified", true, "net.IP", "bool"},
      {"isLoopback", "ip_is_loopback", true, "net.IP", "bool"},
      {"isLinkLocalMulticast", "ip_is_link_local_multicast", true, "net.IP", "bool"},
      {"isLinkLocalUnicast", "ip_is_link_local_unicast", true, "net.IP", "bool"},
      {"isGlobalUnicast", "ip_is_global_unicast", true, "net.IP", "bool"},
      {"isIP", "is_ip", false, "string", "bool"},
      {"string", "ip_to_string", false, "net.IP", "string"},
  };
  return kTable;
}

std::span<const OverloadSpec> K8sCidrOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"cidr", "string_to_cidr", false, "string", "net.CIDR"},
      {"containsIP", "cidr_contains_ip_string", true, "net.CIDR, string", "bool"},
      {"containsIP", "cidr_contains_ip_ip", true, "net.CIDR, net.IP", "bool"},
      {"containsCIDR", "cidr_contains_cidr_string", true, "net.CIDR, string", "bool"},
      {"containsCIDR", "cidr_contains_cidr", true, "net.CIDR, net.CIDR", "bool"},
      {"ip", "cidr_ip", true, "net.CIDR", "net.IP"},
      {"prefixLength", "cidr_prefix_length", true, "net.CIDR", "int"},
      {"masked", "cidr_masked", true, "net.CIDR", "net.CIDR"},
      {"isCIDR", "is_cidr", false, "string", "bool"},
      {"string", "cidr_to_string", false, "net.CIDR", "string"},
  };
  return kTable;
}

std::span<const OverloadSpec> K8sSemverOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"semver", "string_to_semver", false, "string", "kubernetes.Semver"},
      {"isSemver", "is_semver_string", false, "string", "bool"},
      {"isGreaterThan", "semver_is_greater_than", true,
       "kubernetes.Semver, kubernetes.Semver", "bool"},
      {"isLessThan", "semver_is_less_than", true, "kubernetes.Semver, kubernetes.Semver", "bool"},
      {"compareTo", "semver_compare_to", true, "kubernetes.Semver, kubernetes.Semver", "int"},
      {"major", "semver_major", true, "kubernetes.Semver", "int"},
      {"minor", "semver_minor", true, "kubernetes.Semver", "int"},
      {"patch", "semver_patch", true, "kubernetes.Semver", "int"},
  };
  return kTable;
}

}  // namespace kro::cel::internal
