// Internal: RFC 3339 date-time parsing to Unix epoch milliseconds, without allocation, so
// `before`/`after` conditions can read a string attribute on the hot path.
#ifndef ROLLGATE_DETAIL_TIMESTAMP_HPP
#define ROLLGATE_DETAIL_TIMESTAMP_HPP

#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string_view>  // std::string_view

namespace rollgate::detail {

/// Parses an RFC 3339 date-time ("2026-11-26T14:00:00Z", "2026-11-26t14:00:00.5+01:00", a space
/// instead of "T" is accepted as RFC 3339 section 5.6 allows). Fractions beyond milliseconds are
/// truncated; a leap second (":60") counts as the last millisecond of that minute's 59th second.
/// Years 0000-9999 only.
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text) noexcept;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept;

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_TIMESTAMP_HPP
