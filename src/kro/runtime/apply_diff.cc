#include "kro/runtime/apply_diff.h"

#include <cctype>
#include <cmath>
#include <optional>

namespace kro::runtime {
namespace {

std::optional<double> Number(const json::Value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}

// Parses a Kubernetes quantity ("1.5Gi", "500m", "1e3", "2") into a double amount.
// Good enough for equality of canonicalised values; not an exact decimal port.
std::optional<double> Quantity(std::string_view s) {
  if (s.empty() || s.size() > 64) return std::nullopt;
  size_t i = 0;
  if (s[i] == '+' || s[i] == '-') ++i;
  size_t digits_start = i;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == digits_start) return std::nullopt;
  double base = 0;
  try {
    base = std::stod(std::string(s.substr(0, i)));
  } catch (...) {
    return std::nullopt;
  }
  std::string_view suffix = s.substr(i);
  struct S { std::string_view name; double mult; };
  static constexpr S kSuffixes[] = {
      {"", 1},          {"n", 1e-9},      {"u", 1e-6},          {"m", 1e-3},
      {"k", 1e3},       {"M", 1e6},       {"G", 1e9},           {"T", 1e12},
      {"P", 1e15},      {"E", 1e18},      {"Ki", 1024.0},       {"Mi", 1048576.0},
      {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}, {"Pi", 1125899906842624.0},
      {"Ei", 1152921504606846976.0}};
  for (const auto& suf : kSuffixes) {
    if (suffix == suf.name) return base * suf.mult;
  }
  if (!suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E')) {
    try {
      size_t used = 0;
      int exp = std::stoi(std::string(suffix.substr(1)), &used);
      if (used + 1 == suffix.size()) return base * std::pow(10.0, exp);
    } catch (...) {
    }
  }
  return std::nullopt;
}

bool ScalarEqual(const json::Value& d, const json::Value& o) {
  if (auto dn = Number(d)) {
    if (auto on = Number(o)) return *dn == *on;
    if (o.is_string()) {  // int-or-string fields: 8080 vs "8080" are different values
      return false;
    }
    return false;
  }
  if (d.is_string() && o.is_string()) {
    if (d.get_string() == o.get_string()) return true;
    auto dq = Quantity(d.get_string());
    auto oq = Quantity(o.get_string());
    return dq && oq && std::fabs(*dq - *oq) <= 1e-12 * std::max(1.0, std::fabs(*dq));
  }
  return d == o;
}

bool Satisfied(const json::Value& d, const json::Value& o, const std::string& path,
               std::string* where) {
  auto fail = [&](const std::string& p) {
    if (where != nullptr) *where = p.empty() ? "<root>" : p;
    return false;
  };
  if (d.is_object()) {
    if (!o.is_object()) return fail(path);
    const json::Object& oo = o.get_object();
    for (const auto& kv : d.get_object()) {
      std::string child = json::AppendField(path, kv.key());
      const json::Value* ov = oo.if_contains(kv.key());
      if (ov == nullptr) {
        // Applying an explicit null or an empty map/list to an absent field changes nothing
        // the server keeps.
        if (kv.value().is_null()) continue;
        return fail(child);
      }
      if (!Satisfied(kv.value(), *ov, child, where)) return false;
    }
    return true;
  }
  if (d.is_array()) {
    if (!o.is_array()) return fail(path);
    const json::Array& da = d.get_array();
    const json::Array& oa = o.get_array();
    if (da.size() != oa.size()) return fail(path);
    for (size_t i = 0; i < da.size(); ++i) {
      if (!Satisfied(da[i], oa[i], json::AppendIndex(path, i), where)) return false;
    }
    return true;
  }
  return ScalarEqual(d, o) ? true : fail(path);
}

}  // namespace

bool DesiredSatisfiedBy(const json::Value& desired, const json::Value& observed) {
  return Satisfied(desired, observed, "", nullptr);
}

bool DesiredSatisfiedBy(const json::Value& desired, const json::Value& observed,
                        std::string* where) {
  return Satisfied(desired, observed, "", where);
}

}  // namespace kro::runtime
