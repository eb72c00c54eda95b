// Internal: the canonical text of a number or boolean unit, the bytes that are hashed when a flag
// buckets by a numeric or boolean attribute (docs/bucketing.md, "Canonical text of number and
// boolean units"). Numbers are written as JavaScript's String(n) writes them (ECMAScript
// Number::toString): the shortest decimal that reads back as the same double, integers without
// ".0", exponent form outside [1e-7, 1e21), "-0" as "0". So a unit that a browser holds as the
// number 42 hashes like the string "42" on the server, and GrowthBook's `seed + value`
// concatenation of number attributes is reproduced exactly. Booleans are "true" / "false".
#ifndef ROLLGATE_DETAIL_CANONICAL_UNIT_HPP
#define ROLLGATE_DETAIL_CANONICAL_UNIT_HPP

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

namespace rollgate::detail {

/// Longest canonical number text ("-1.2345678901234567e-123" is 24 characters).
constexpr std::size_t kCanonicalNumberMaxChars = 25;

/// Writes String(value) into `out` (no terminator) and returns its length. NaN and infinities
/// give "NaN", "Infinity", "-Infinity" (rollgate's contexts never hold them). No allocation.
std::size_t canonical_number_text(double value, char (&out)[32]) noexcept;

/// The same as a std::string.
std::string canonical_unit_text(double value);

/// "true" or "false".
constexpr std::string_view canonical_unit_text(bool value) noexcept {
  return value ? std::string_view("true") : std::string_view("false");
}

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_CANONICAL_UNIT_HPP
