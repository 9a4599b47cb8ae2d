// Reporting of informer list/watch failures, so that an API server the controller cannot
// reach (TLS, credentials, RBAC, network) is said in the log instead of retried in silence.
#pragma once

#include <cstdint>
#include <functional>

#include "kro/base/status.h"
#include "kro/controller/logging.h"
#include "kro/kube/gvr.h"

namespace kro::controller {

// True for the failures worth a log line: the first of a run and each time the run doubles
// (1, 2, 4, 8, ...), so a server that stays down is reported less and less often but never not at all.
bool ShouldReportFailure(uint64_t in_a_row);

// An InformerOptions::on_error handler that logs at error level what ShouldReportFailure keeps.
std::function<void(const kube::Gvr&, const Status&, uint64_t)> LogInformerErrors(Logger log);

}  // namespace kro::controller
