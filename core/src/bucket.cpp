#include "rollgate/bucket.hpp"

#include <algorithm>  // std::stable_sort, std::copy
#include <cmath>      // std::isfinite, std::llround, std::floor
#include <cstdio>     // std::snprintf
#include <cstdlib>    // std::strtod
#include <optional>   // std::optional
#include <string>     // std::string (error messages)
#include <utility>    // std::pair
#include <vector>     // std::vector (weights_to_scale)

#include "rollgate/error.hpp"  // rollgate::problem (nothing here throws: bucket_throwing.cpp)

// xxHash is embedded: XXH_INLINE_ALL keeps its symbols private to this unit, so rollgate neither
// links libxxhash nor clashes with a user's own copy of it.
#define XXH_INLINE_ALL
#include <xxhash.h>  // XXH3_64bits, XXH3_64bits_withSeed

namespace rollgate {

std::uint64_t xxh3_64(std::string_view bytes, std::uint64_t seed) noexcept {
  return seed == 0 ? XXH3_64bits(bytes.data(), bytes.size())
                   : XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

bucketer::bucketer(std::string_view salt) noexcept : seed_(xxh3_64(salt, 0)) {}

namespace {
// One seeded XXH3 call, forced inline so that in_coverage and pick_variant hash in place instead
// of calling coverage_draw/variant_draw: a membership check then costs one function call plus
// the hash itself (see tests/bench/native/bucket_bench.cpp).
XXH_FORCE_INLINE std::uint64_t seeded_draw(std::string_view unit, std::uint64_t seed) noexcept {
  return XXH3_64bits_withSeed(unit.data(), unit.size(), seed);
}
}  // namespace

std::uint64_t bucketer::coverage_draw(std::string_view unit) const noexcept {
  return seeded_draw(unit, seed_);
}

std::uint64_t bucketer::variant_draw(std::string_view unit) const noexcept {
  return seeded_draw(unit, seed_ ^ kVariantSeedMask);
}

bucket_draws bucketer::draws(std::string_view unit) const noexcept {
  return {seeded_draw(unit, seed_), seeded_draw(unit, seed_ ^ kVariantSeedMask)};
}

bool bucketer::in_coverage(std::string_view unit, std::uint32_t coverage) const noexcept {
  if (coverage >= kScale) return true;
  if (coverage == 0) return false;
  return bucket_of(seeded_draw(unit, seed_), kScale) < coverage;
}

std::size_t bucketer::pick_variant(std::string_view unit, const std::uint32_t* weights,
                                   std::size_t count) const noexcept {
  // One variation is always the pick (the loop below could only return index 0): skip the hash,
  // which is most of the cost of a percentage rollout of a single "on" variation.
  if (count <= 1) return 0;
  const std::uint32_t point = bucket_of(seeded_draw(unit, seed_ ^ kVariantSeedMask), kScale);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < count; ++i) {
    cumulative += weights[i];
    if (point < cumulative) return i;
  }
  return count - 1;
}

double draw_fraction(std::uint64_t draw) noexcept {
  return static_cast<double>(draw >> 11) * 0x1.0p-53;
}

double bucket_fraction(std::string_view unit, std::string_view salt) noexcept {
  return draw_fraction(bucketer(salt).coverage_draw(unit));
}

namespace {
// Quotes user text for a message, shortened so a hostile megabyte does not become the message.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 40;
  if (text.size() <= kMax) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kMax)) + "...' (" + std::to_string(text.size()) +
         " bytes)";
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
}  // namespace

std::optional<problem> try_percent_to_scale(std::string_view percent, std::uint32_t& out) {
  std::string_view s = percent;
  if (!s.empty() && s.back() == '%') s.remove_suffix(1);
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  // Grammar: digits [ '.' digits ]. Anything else (exponents, NaN, inf, '+', spaces, hex) is
  // refused rather than guessed at, because "1e1" or " 5" are more likely mistakes than intent.
  std::size_t i = 0;
  while (i < s.size() && is_digit(s[i])) ++i;
  const std::size_t int_end = i;
  std::size_t frac_begin = i;
  if (i < s.size() && s[i] == '.') {
    frac_begin = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  if (int_end == 0 || i != s.size() || (frac_begin > int_end && i == frac_begin)) {
    return problem{
        "rollgate.bucket.301", "",
        quoted(percent) + " is not a percentage: expected a decimal number such as 12.5"};
  }
  if (negative)
    return problem{"rollgate.bucket.302", "",
                   quoted(percent) + " is negative: a percentage is 0 to 100"};
  // Decimals past the third are allowed only if they are zeros: they add no precision, and
  // refusing "12.5000" would be pedantic, but "12.0005" cannot be represented and is refused.
  for (std::size_t k = frac_begin + 3; k < s.size() && frac_begin > int_end; ++k) {
    if (s[k] != '0') {
      return problem{"rollgate.bucket.303", "",
                     quoted(percent) + " has more than 3 decimals: the finest step is 0.001%"};
    }
  }
  std::size_t lead = 0;
  while (lead + 1 < int_end && s[lead] == '0') ++lead;  // leading zeros do not count
  std::uint64_t value = 0;
  if (int_end - lead > 3) {
    value = ~std::uint64_t{0};  // at least 1000: out of range, and no overflow below
  } else {
    for (std::size_t k = lead; k < int_end; ++k)
      value = value * 10 + static_cast<unsigned>(s[k] - '0');
    value *= 1000;
    std::uint64_t unit = 100;
    for (std::size_t k = frac_begin; frac_begin > int_end && k < s.size() && k < frac_begin + 3;
         ++k) {
      value += unit * static_cast<unsigned>(s[k] - '0');
      unit /= 10;
    }
  }
  if (value > kScale) {
    return problem{"rollgate.bucket.302", "",
                   quoted(percent) + " is above 100: a percentage is 0 to 100"};
  }
  out = static_cast<std::uint32_t>(value);
  return std::nullopt;
}

namespace {

// The shortest decimal text that reads back as `x` (for messages: 33.3330000001, not
// 33.333000000100001).
std::string shortest(double x) {
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  return buf;
}

// `value` out of `unit` (1000 per percent, 100000 per whole): the integer n in [0, kScale] with
// n / unit == value, where the division is IEEE's, correctly rounded, exactly as a correct parser
// reads the decimal n / unit. Returns kScale + 1 when there is none.
std::uint32_t exact_units(double value, double unit) noexcept {
  const long long guess = std::llround(value * unit);
  for (long long n = guess - 1; n <= guess + 1; ++n) {
    if (n >= 0 && n <= kScale && static_cast<double>(n) / unit == value) {
      return static_cast<std::uint32_t>(n);
    }
  }
  return kScale + 1;
}

std::optional<problem> share_to_scale(double value, double top, const char* top_text, double unit,
                                      const char* what, const char* decimals, std::uint32_t& out) {
  if (!std::isfinite(value)) {
    return problem{"rollgate.bucket.301", "",
                   shortest(value) + " is not a " + what + ": expected a finite number"};
  }
  if (value == 0) {  // also -0
    out = 0;
    return std::nullopt;
  }
  if (value < 0 || value > top) {
    return problem{
        "rollgate.bucket.302", "",
        shortest(value) + " is outside 0 to " + top_text + ": a " + what + " is 0 to " + top_text};
  }
  const std::uint32_t n = exact_units(value, unit);
  if (n > kScale) {
    return problem{
        "rollgate.bucket.303", "",
        shortest(value) + " has more than " + decimals + " decimals: the finest step is 0.001%"};
  }
  out = n;
  return std::nullopt;
}

}  // namespace

std::optional<problem> try_percent_to_scale(double percent, std::uint32_t& out) {
  return share_to_scale(percent, 100.0, "100", 1000.0, "percentage", "3", out);
}

std::optional<problem> try_rate_to_scale(double rate, std::uint32_t& out) {
  return share_to_scale(rate, 1.0, "1", 100000.0, "rate", "5", out);
}

std::optional<problem> try_check_coverage(std::uint32_t coverage) {
  if (coverage > kScale) {
    return problem{"rollgate.bucket.304", "",
                   "coverage " + std::to_string(coverage) + " is above " + std::to_string(kScale) +
                       " (100%): coverage is an integer out of " + std::to_string(kScale)};
  }
  return std::nullopt;
}

std::optional<problem> try_weights_to_scale(const double* weights, std::size_t count,
                                            std::uint32_t* out) {
  if (count == 0) return problem{"rollgate.bucket.306", "", "weights must not be empty"};
  double sum = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const double w = weights[i];
    if (!std::isfinite(w) || w < 0) {
      return problem{"rollgate.bucket.306", "/" + std::to_string(i),
                     "a weight must be a finite number >= 0, got " + std::to_string(w)};
    }
    sum += w;
  }
  if (!(sum > 0) || !std::isfinite(sum)) {
    return problem{"rollgate.bucket.306", "",
                   "weights must not all be zero (and their sum must be finite)"};
  }
  // Largest remainder: floors first, then the leftover units to the biggest fractional parts.
  std::vector<std::uint32_t> share(count);
  std::vector<std::pair<double, std::size_t>> remainder(count);
  std::uint64_t given = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const double exact = weights[i] / sum * kScale;
    const double floor = std::floor(exact);
    share[i] = static_cast<std::uint32_t>(floor);
    given += share[i];
    remainder[i] = {exact - floor, i};
  }
  std::stable_sort(remainder.begin(), remainder.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < kScale; ++k, ++given) ++share[remainder[k % count].second];
  std::copy(share.begin(), share.end(), out);
  return std::nullopt;
}

std::optional<problem> try_check_weights(const std::uint32_t* weights, std::size_t count) {
  if (count == 0) {
    return problem{"rollgate.bucket.305", "", "weights must not be empty"};
  }
  std::uint64_t sum = 0;  // 64 bits: count * 0xFFFFFFFF cannot wrap for any real count
  for (std::size_t i = 0; i < count; ++i) sum += weights[i];
  if (sum != kScale) {
    return problem{"rollgate.bucket.305", "",
                   "weights sum to " + std::to_string(sum) + ", expected " +
                       std::to_string(kScale) + " (100%)"};
  }
  return std::nullopt;
}

std::optional<problem> try_in_rollout(std::string_view unit, std::string_view salt,
                                      std::uint32_t coverage, bool& out) {
  if (auto p = try_check_coverage(coverage)) return p;
  out = bucketer(salt).in_coverage(unit, coverage);
  return std::nullopt;
}

std::optional<problem> try_pick_variant(std::string_view unit, std::string_view salt,
                                        const std::uint32_t* weights, std::size_t count,
                                        std::size_t& out) {
  if (auto p = try_check_weights(weights, count)) return p;
  out = bucketer(salt).pick_variant(unit, weights, count);
  return std::nullopt;
}

}  // namespace rollgate
