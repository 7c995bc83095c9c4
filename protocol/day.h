// Time at day granularity: the only time gongyou stores or sends. A time of day
// would let whoever seizes a relay match a report to a connection log elsewhere.
#pragma once

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace gongyou::protocol {

// Days since 1970-01-01, UTC.
inline std::uint32_t today() { return static_cast<std::uint32_t>(std::time(nullptr) / 86400); }

// Proleptic Gregorian calendar (H. Hinnant's days_from_civil / civil_from_days).
inline std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "2026-11-24".
inline std::string isoDate(std::uint32_t day) {
  const std::int64_t z = static_cast<std::int64_t>(day) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

// Inverse of isoDate; nullopt for anything else (including impossible dates).
inline std::optional<std::uint32_t> parseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  unsigned v[3] = {0, 0, 0};
  const std::size_t start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f)
    for (std::size_t i = start[f]; i < start[f] + len[f]; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v[f] = v[f] * 10 + static_cast<unsigned>(s[i] - '0');
    }
  if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31) return std::nullopt;
  const std::int64_t day = daysFromCivil(v[0], v[1], v[2]);
  if (isoDate(static_cast<std::uint32_t>(day)) != s) return std::nullopt;  // e.g. 02-30
  return static_cast<std::uint32_t>(day);
}

}  // namespace gongyou::protocol
