#include "kro/cel/eval/time.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

namespace kro::cel {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

int64_t Be64(const unsigned char* p) {
  return static_cast<int64_t>((uint64_t{Be32(p)} << 32) | Be32(p + 4));
}

// Offset from a TZif file; nullopt when unreadable.
std::optional<int64_t> TzifOffset(const std::string& path, int64_t t) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto* d = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  if (n < 44 || data.compare(0, 4, "TZif") != 0) return std::nullopt;
  auto counts = [&](size_t off, uint32_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = Be32(d + off + 20 + 4 * i);
  };
  uint32_t c[6];  // isut, isstd, leap, time, type, char
  counts(0, c);
  size_t off = 44;
  int tsize = 4;
  if (data[4] >= '2') {
    off += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (off + 44 > n) return std::nullopt;
    counts(off, c);
    off += 44;
    tsize = 8;
  }
  uint32_t timecnt = c[3], typecnt = c[4];
  size_t trans = off, idx = trans + timecnt * tsize, types = idx + timecnt;
  if (types + typecnt * 6 > n || typecnt == 0) return std::nullopt;
  auto type_off = [&](size_t i) { return static_cast<int32_t>(Be32(d + types + 6 * i)); };
  // Before the first transition: the first standard-time type.
  size_t ti = 0;
  for (size_t i = 0; i < typecnt; ++i) {
    if (d[types + 6 * i + 4] == 0) {
      ti = i;
      break;
    }
  }
  for (uint32_t i = 0; i < timecnt; ++i) {
    int64_t tt = tsize == 8 ? Be64(d + trans + 8 * i)
                            : static_cast<int32_t>(Be32(d + trans + 4 * i));
    if (tt > t) break;
    ti = d[idx + i];
  }
  if (ti >= typecnt) return std::nullopt;
  return type_off(ti);
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Civil CivilFromSeconds(int64_t s) {
  int64_t days = s / 86400;
  int64_t rem = s % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  Civil c;
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
  const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
  c.year = y + (mm <= 2);
  c.month = static_cast<int>(mm);
  c.day = static_cast<int>(dd);
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem / 60 % 60);
  c.second = static_cast<int>(rem % 60);
  int64_t wd = (days + 4) % 7;
  c.day_of_week = static_cast<int>(wd < 0 ? wd + 7 : wd);
  c.day_of_year = static_cast<int>(days - DaysFromCivil(c.year, 1, 1));
  return c;
}

std::optional<Int128> ParseRfc3339(std::string_view s) {
  int64_t y, mo, d, h, mi, se;
  if (!Digits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
      !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[mo - 1]) return std::nullopt;
  if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return std::nullopt;
  size_t p = 19;
  int64_t frac = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    int nd = 0;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      if (nd < 9) {
        frac = frac * 10 + (s[p] - '0');
        ++nd;
      }
      ++p;
    }
    if (nd == 0) return std::nullopt;
    for (; nd < 9; ++nd) frac *= 10;
  }
  if (p >= s.size()) return std::nullopt;
  int64_t offset = 0;
  if (s[p] == 'Z' || s[p] == 'z') {
    ++p;
  } else if (s[p] == '+' || s[p] == '-') {
    int64_t oh, om;
    if (!Digits(s, p + 1, 2, &oh) || p + 3 >= s.size() || s[p + 3] != ':' ||
        !Digits(s, p + 4, 2, &om)) {
      return std::nullopt;
    }
    if (oh > 23 || om > 59) return std::nullopt;
    offset = (oh * 3600 + om * 60) * (s[p] == '-' ? -1 : 1);
    p += 6;
  } else {
    return std::nullopt;
  }
  if (p != s.size()) return std::nullopt;
  int64_t secs = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                 h * 3600 + mi * 60 + se - offset;
  return static_cast<Int128>(secs) * kNanosPerSecond + frac;
}

std::string FormatRfc3339(Int128 nanos) {
  Int128 secs = nanos / kNanosPerSecond;
  Int128 frac = nanos % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    secs -= 1;
  }
  Civil c = CivilFromSeconds(static_cast<int64_t>(secs));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d",
                static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second);
  std::string out = buf;
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(frac));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  out += "Z";
  return out;
}

std::optional<int64_t> ParseGoDuration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  size_t p = 0;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    ++p;
  }
  if (s.substr(p) == "0") return 0;
  if (p == s.size()) return std::nullopt;
  Uint128 total = 0;
  while (p < s.size()) {
    Uint128 whole = 0;
    size_t start = p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      whole = whole * 10 + static_cast<unsigned>(s[p] - '0');
      if (whole > (static_cast<Uint128>(1) << 64)) return std::nullopt;
      ++p;
    }
    bool had_whole = p > start;
    Uint128 frac = 0, scale = 1;
    bool had_frac = false;
    if (p < s.size() && s[p] == '.') {
      ++p;
      size_t fs = p;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
        if (scale < static_cast<Uint128>(1000000000000000000ULL)) {
          frac = frac * 10 + static_cast<unsigned>(s[p] - '0');
          scale *= 10;
        }
        ++p;
      }
      had_frac = p > fs;
    }
    if (!had_whole && !had_frac) return std::nullopt;
    size_t us = p;
    while (p < s.size() && !(s[p] >= '0' && s[p] <= '9') && s[p] != '.') ++p;
    std::string_view unit = s.substr(us, p - us);
    uint64_t mult;
    if (unit == "ns") {
      mult = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
      mult = 1000;
    } else if (unit == "ms") {
      mult = 1000000;
    } else if (unit == "s") {
      mult = 1000000000;
    } else if (unit == "m") {
      mult = 60000000000ULL;
    } else if (unit == "h") {
      mult = 3600000000000ULL;
    } else {
      return std::nullopt;
    }
    total += whole * mult + frac * mult / scale;
    if (total > (static_cast<Uint128>(1) << 63)) return std::nullopt;
  }
  if (!neg && total > static_cast<Uint128>(INT64_MAX)) return std::nullopt;
  Int128 v = static_cast<Int128>(total);
  return static_cast<int64_t>(neg ? -v : v);
}

std::string FormatGoDuration(int64_t d) {
  if (d == 0) return "0s";
  bool neg = d < 0;
  Uint128 u = neg ? static_cast<Uint128>(-static_cast<Int128>(d))
                            : static_cast<Uint128>(d);
  std::string out;
  auto num = [](Uint128 v) { return std::to_string(static_cast<uint64_t>(v)); };
  auto frac = [](Uint128 v, int digits) {
    std::string f = std::to_string(static_cast<uint64_t>(v));
    while (static_cast<int>(f.size()) < digits) f = "0" + f;
    while (!f.empty() && f.back() == '0') f.pop_back();
    return f.empty() ? std::string() : "." + f;
  };
  if (u < 1000000000ULL) {
    if (u < 1000) {
      out = num(u) + "ns";
    } else if (u < 1000000) {
      out = num(u / 1000) + frac(u % 1000, 3) + "\xC2\xB5s";
    } else {
      out = num(u / 1000000) + frac(u % 1000000, 6) + "ms";
    }
  } else {
    Uint128 secs = u / 1000000000ULL;
    std::string s = num(secs % 60) + frac(u % 1000000000ULL, 9) + "s";
    Uint128 mins = secs / 60;
    if (mins > 0) {
      s = num(mins % 60) + "m" + s;
      if (mins / 60 > 0) s = num(mins / 60) + "h" + s;
    }
    out = s;
  }
  return neg ? "-" + out : out;
}

std::string FormatCelDuration(Int128 nanos) {
  int64_t sec = static_cast<int64_t>(nanos / kNanosPerSecond);
  int64_t nsec = static_cast<int64_t>(nanos % kNanosPerSecond);
  double v = static_cast<double>(sec) + static_cast<double>(nsec) / 1e9;
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, r.ptr) + "s";
}

std::string FormatDurationSeconds(Int128 nanos) {
  bool neg = nanos < 0;
  Uint128 u = neg ? static_cast<Uint128>(-nanos)
                            : static_cast<Uint128>(nanos);
  std::string out = neg ? "-" : "";
  out += std::to_string(static_cast<uint64_t>(u / 1000000000ULL));
  uint64_t f = static_cast<uint64_t>(u % 1000000000ULL);
  if (f != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%09llu", static_cast<unsigned long long>(f));
    std::string fs = buf;
    while (fs.back() == '0') fs.pop_back();
    out += fs;
  }
  return out + "s";
}

std::optional<int64_t> ZoneOffset(std::string_view tz, int64_t t) {
  if (tz.empty()) return std::nullopt;
  if (tz == "UTC" || tz == "Z" || tz == "GMT") return 0;
  size_t colon = tz.find(':');
  if (colon != std::string_view::npos) {
    std::string_view hs = tz.substr(0, colon), ms = tz.substr(colon + 1);
    bool neg = !hs.empty() && hs[0] == '-';
    if (!hs.empty() && (hs[0] == '+' || hs[0] == '-')) hs.remove_prefix(1);
    int h = 0, m = 0;
    auto r1 = std::from_chars(hs.data(), hs.data() + hs.size(), h);
    auto r2 = std::from_chars(ms.data(), ms.data() + ms.size(), m);
    if (hs.empty() || ms.empty() || r1.ptr != hs.data() + hs.size() ||
        r2.ptr != ms.data() + ms.size()) {
      return std::nullopt;
    }
    int64_t off = (static_cast<int64_t>(h) * 60 + m) * 60;
    return neg ? -off : off;
  }
  // IANA names: letters, digits, '/', '_', '-', '+'; no "..".
  if (tz.find("..") != std::string_view::npos || tz[0] == '/') return std::nullopt;
  for (char ch : tz) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_' || ch == '-' ||
          ch == '+')) {
      return std::nullopt;
    }
  }
  return TzifOffset("/usr/share/zoneinfo/" + std::string(tz), t);
}

}  // namespace kro::cel
