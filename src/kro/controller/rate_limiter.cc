#include "kro/controller/rate_limiter.h"

namespace kro::controller {

std::chrono::nanoseconds ExponentialBackoff(std::chrono::nanoseconds base,
                                            std::chrono::nanoseconds max, int failures) {
  if (failures < 0) {
    failures = 0;
  }
  // Past 2^62 any base overflows; the cap applies long before for sane inputs.
  if (failures >= 62) {
    return max;
  }
  double d = static_cast<double>(base.count()) * static_cast<double>(int64_t{1} << failures);
  if (d >= static_cast<double>(max.count())) {
    return max;
  }
  return std::chrono::nanoseconds(static_cast<int64_t>(d));
}

}  // namespace kro::controller
