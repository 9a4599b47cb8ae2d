// Timestamp and duration text formats, civil-time conversion and time zones (TZif reader).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kro/cel/eval/value.h"

namespace kro::cel {

// RFC 3339 ("2009-02-13T23:31:30.5Z", "...+01:00") -> nanoseconds since the epoch.
std::optional<Int128> ParseRfc3339(std::string_view s);
// RFC 3339 in UTC, fractional seconds only when non-zero, trailing zeros trimmed (Go's
// time.RFC3339Nano).
std::string FormatRfc3339(Int128 nanos);

// Go time.ParseDuration ("1h2m3.5s", "-1.5ms"); nullopt on syntax error or int64 overflow.
std::optional<int64_t> ParseGoDuration(std::string_view s);
// Go time.Duration.String() ("1h2m3.5s", "0s").
std::string FormatGoDuration(int64_t nanos);
// cel-go's string(duration): seconds as the shortest decimal plus "s" ("3600s", "1.5s").
std::string FormatCelDuration(Int128 nanos);
// Protocol form: "-1.000000001s" style, exact.
std::string FormatDurationSeconds(Int128 nanos);

struct Civil {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
  int hour, minute, second;
  int day_of_week;  // 0 = Sunday
  int day_of_year;  // 0-based
};

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
Civil CivilFromSeconds(int64_t unix_seconds);

// UTC offset in seconds of zone `tz` ("UTC", "America/New_York", "+05:30", "-08:00") at the
// instant `unix_seconds`; nullopt for an unknown zone.
std::optional<int64_t> ZoneOffset(std::string_view tz, int64_t unix_seconds);

}  // namespace kro::cel
