// Minimal leveled logging to stderr for the controller ("ts level msg key=value").
// Thread-safe (one write per line); the level is fixed at construction.
#pragma once

#include <string>
#include <string_view>

namespace kro::controller {

enum class LogLevel { kDebug = 0, kInfo = 1, kError = 2 };

// Parses --zap-log-level ("debug", "info", "error", or a number: >= 1 is debug as zap's V).
LogLevel ParseLogLevel(std::string_view s);

class Logger {
 public:
  explicit Logger(LogLevel level = LogLevel::kInfo) : level_(level) {}
  bool enabled(LogLevel l) const { return l >= level_; }
  void Log(LogLevel l, std::string_view msg) const;
  void Debug(std::string_view msg) const { Log(LogLevel::kDebug, msg); }
  void Info(std::string_view msg) const { Log(LogLevel::kInfo, msg); }
  void Error(std::string_view msg) const { Log(LogLevel::kError, msg); }

 private:
  LogLevel level_;
};

}  // namespace kro::controller
