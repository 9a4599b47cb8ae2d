// kro::Result<T>: a T or a non-OK Status, with std::expected's surface plus ok()/status().
//
// Thread-compatible. Accessing the value of an error Result aborts (a programming error).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

#include "kro/base/status.h"

namespace kro {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : v_(value) {}                      // NOLINT: implicit by design
  Result(T&& value) : v_(std::move(value)) {}                 // NOLINT
  template <typename U,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                        !std::is_same_v<std::decay_t<U>, Status> &&
                                        !std::is_same_v<std::decay_t<U>, Result<T>> &&
                                        !std::is_same_v<std::decay_t<U>, T>>>
  Result(U&& value) : v_(T(std::forward<U>(value))) {}        // NOLINT
  Result(Status status) : v_(std::move(status)) {             // NOLINT
    if (std::get<Status>(v_).ok()) {
      std::fprintf(stderr, "kro::Result constructed from an OK Status\n");
      std::abort();
    }
  }

  bool ok() const { return v_.index() == 0; }
  bool has_value() const { return ok(); }
  explicit operator bool() const { return ok(); }

  // The error; OK when the Result holds a value.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }
  const Status& error() const { return std::get<Status>(v_); }

  T& value() & { Check(); return std::get<0>(v_); }
  const T& value() const& { Check(); return std::get<0>(v_); }
  T&& value() && { Check(); return std::move(std::get<0>(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void Check() const {
    if (!ok()) {
      std::fprintf(stderr, "kro::Result accessed with error: %s\n",
                   std::get<Status>(v_).ToString().c_str());
      std::abort();
    }
  }
  std::variant<T, Status> v_;
};

}  // namespace kro

#define KRO_CONCAT_INNER(a, b) a##b
#define KRO_CONCAT(a, b) KRO_CONCAT_INNER(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define KRO_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::kro::Status kro_status_ = (expr);        \
    if (!kro_status_.ok()) return kro_status_; \
  } while (0)

// `KRO_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its error.
#define KRO_ASSIGN_OR_RETURN(lhs, expr) \
  KRO_ASSIGN_OR_RETURN_IMPL(KRO_CONCAT(kro_result_, __LINE__), lhs, expr)
#define KRO_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(*tmp)
