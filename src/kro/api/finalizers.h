// The finalizer kro puts on instances (upstream pkg/metadata/finalizers.go). Thread-safe.
#pragma once

#include <string_view>

namespace kro::api {

inline constexpr std::string_view kKroFinalizer = "kro.run/finalizer";

}  // namespace kro::api
