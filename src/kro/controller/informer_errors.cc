#include "kro/controller/informer_errors.h"

#include <string>

namespace kro::controller {

bool ShouldReportFailure(uint64_t in_a_row) {
  return in_a_row != 0 && (in_a_row & (in_a_row - 1)) == 0;
}

std::function<void(const kube::Gvr&, const Status&, uint64_t)> LogInformerErrors(Logger log) {
  return [log](const kube::Gvr& gvr, const Status& error, uint64_t in_a_row) {
    if (!ShouldReportFailure(in_a_row)) {
      return;
    }
    log.Error("list/watch " + gvr.ToString() + " failed (" + std::to_string(in_a_row) +
              (in_a_row == 1 ? " time" : " times in a row") + "), retrying: " + error.ToString());
  };
}

}  // namespace kro::controller
