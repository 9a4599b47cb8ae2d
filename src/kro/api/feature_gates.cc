#include "kro/api/feature_gates.h"

#include <string>

namespace kro::api {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Go's strconv.ParseBool.
bool ParseBool(std::string_view s, bool* out) {
  for (std::string_view t : {"1", "t", "T", "true", "TRUE", "True"}) {
    if (s == t) {
      *out = true;
      return true;
    }
  }
  for (std::string_view f : {"0", "f", "F", "false", "FALSE", "False"}) {
    if (s == f) {
      *out = false;
      return true;
    }
  }
  return false;
}

}  // namespace

Result<FeatureGates> ParseFeatureGates(std::string_view text) {
  FeatureGates gates;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view entry = Trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (entry.empty()) continue;
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgument("missing bool value for " + std::string(entry));
    }
    std::string_view name = Trim(entry.substr(0, eq));
    std::string_view value = Trim(entry.substr(eq + 1));
    bool on = false;
    if (!ParseBool(value, &on)) {
      return InvalidArgument("invalid value of " + std::string(name) + "=" + std::string(value) +
                             ": not a bool");
    }
    if (name == "CELOmitFunction") {
      gates.cel_omit_function = on;
    } else if (name == "InstanceConditionEvents") {
      gates.instance_condition_events = on;
    } else if (name == "InstanceConditionMetrics") {
      gates.instance_condition_metrics = on;
    } else if (name == "ConservativeCRDComparison") {
      gates.conservative_crd_comparison = on;
    } else if (name == "DeletionPolicy") {
      gates.deletion_policy = on;
    } else {
      return InvalidArgument("unrecognized feature gate: " + std::string(name));
    }
  }
  return gates;
}

}  // namespace kro::api
