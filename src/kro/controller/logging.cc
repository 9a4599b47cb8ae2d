#include "kro/controller/logging.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace kro::controller {

LogLevel ParseLogLevel(std::string_view s) {
  if (s == "debug" || (!s.empty() && s[0] >= '1' && s[0] <= '9')) {
    return LogLevel::kDebug;
  }
  if (s == "error") {
    return LogLevel::kError;
  }
  return LogLevel::kInfo;
}

void Logger::Log(LogLevel l, std::string_view msg) const {
  if (!enabled(l)) {
    return;
  }
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char ts[96];
  std::snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count()));
  const char* lv = l == LogLevel::kDebug ? "DEBUG" : l == LogLevel::kInfo ? "INFO" : "ERROR";
  std::string line = std::string(ts) + " " + lv + " " + std::string(msg) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace kro::controller
