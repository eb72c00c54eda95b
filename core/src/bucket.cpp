#include "rollgate/bucket.hpp"

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

std::uint64_t bucketer::coverage_draw(std::string_view unit) const noexcept {
  return XXH3_64bits_withSeed(unit.data(), unit.size(), seed_);
}

std::uint64_t bucketer::variant_draw(std::string_view unit) const noexcept {
  return XXH3_64bits_withSeed(unit.data(), unit.size(), seed_ ^ kVariantSeedMask);
}

bucket_draws bucketer::draws(std::string_view unit) const noexcept {
  return {coverage_draw(unit), variant_draw(unit)};
}

bool bucketer::in_coverage(std::string_view unit, std::uint32_t coverage) const noexcept {
  if (coverage >= kScale) return true;
  if (coverage == 0) return false;
  return bucket_of(coverage_draw(unit), kScale) < coverage;
}

std::size_t bucketer::pick_variant(std::string_view unit, const std::uint32_t* weights,
                                   std::size_t count) const noexcept {
  if (count == 0) return 0;
  const std::uint32_t point = bucket_of(variant_draw(unit), kScale);
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

}  // namespace rollgate
