#include "rollgate/bucket.hpp"

#include <string>  // std::string (error messages)

#include "rollgate/error.hpp"  // rollgate::error

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
  if (count == 0) return 0;
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

std::uint32_t percent_to_scale(std::string_view percent) {
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
    throw error("rollgate.bucket.301", "",
                quoted(percent) + " is not a percentage: expected a decimal number such as 12.5");
  }
  if (negative)
    throw error("rollgate.bucket.302", "",
                quoted(percent) + " is negative: a percentage is 0 to 100");
  // Decimals past the third are allowed only if they are zeros: they add no precision, and
  // refusing "12.5000" would be pedantic, but "12.0005" cannot be represented and is refused.
  for (std::size_t k = frac_begin + 3; k < s.size() && frac_begin > int_end; ++k) {
    if (s[k] != '0') {
      throw error("rollgate.bucket.303", "",
                  quoted(percent) + " has more than 3 decimals: the finest step is 0.001%");
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
    throw error("rollgate.bucket.302", "",
                quoted(percent) + " is above 100: a percentage is 0 to 100");
  }
  return static_cast<std::uint32_t>(value);
}

}  // namespace rollgate
