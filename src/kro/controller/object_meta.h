// Small readers of Kubernetes object metadata used by the controllers, and the wall-clock
// timestamp format conditions and events use. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "kro/json/json.h"

namespace kro::controller {

// True when metadata.deletionTimestamp is set (the object is being deleted).
bool HasDeletionTimestamp(const json::Value& obj);

// metadata.finalizers (non-string entries are skipped).
std::vector<std::string> Finalizers(const json::Value& obj);

// The current UTC time as RFC 3339 with whole seconds ("2026-11-25T19:50:00Z"), as metav1.Time.
std::string NowRfc3339();

}  // namespace kro::controller
