#include "kro/controller/object_meta.h"

#include <chrono>
#include <ctime>

namespace kro::controller {

bool HasDeletionTimestamp(const json::Value& obj) {
  const json::Value* v = json::Find(obj, "metadata.deletionTimestamp");
  return v != nullptr && !v->is_null();
}

std::vector<std::string> Finalizers(const json::Value& obj) {
  std::vector<std::string> out;
  const json::Value* v = json::Find(obj, "metadata.finalizers");
  if (v != nullptr && v->is_array()) {
    for (const json::Value& f : v->as_array()) {
      if (f.is_string()) {
        out.emplace_back(f.as_string());
      }
    }
  }
  return out;
}

std::string NowRfc3339() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace kro::controller
