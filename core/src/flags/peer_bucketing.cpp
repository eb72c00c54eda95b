// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Kept assignments (issue 18): a flag with `"bucketing": {"scheme": "growthbook" | "unleash"}`
// assigns units as that engine does, so a rollout moved to rollgate keeps every user's variant.
// The hashing is detail/peer_hash.hpp's, tested against the peers' own packages; this file maps
// a compiled rollout (coverage, weights in kScale units) onto the peer's rule:
//   - GrowthBook, several variations: an experiment. n = hash(seed, unit, hashVersion), the
//     variation whose range [start_i, start_i + coverage x w_i) holds n (getBucketRanges /
//     chooseVariation); none: outside.
//   - GrowthBook, one variation: a rollout rule (force + coverage): in iff n <= coverage
//     (isIncludedInRollout; note `<=`, not the experiment's `<`).
//   - Unleash: a flexible rollout with strategy variants: in iff coverage > 0 and
//     murmur3(groupId:unit) % 100 + 1 <= coverage (in percent); then the variant by Unleash's
//     weighted selection (seed 86028157) over the weights in tenths of a percent.
#include "detail/peer_hash.hpp"  // growthbook_hash, unleash_in_rollout, unleash_pick_variant
#include "flags/model.hpp"

namespace rollgate {
namespace detail {
namespace {

std::optional<std::size_t> growthbook_pick(const flag& f, const rollout& r, std::string_view unit,
                                           std::uint32_t coverage) noexcept {
  const auto n = growthbook_hash(f.scheme_seed, unit, f.hash_version);
  if (!n) return std::nullopt;
  if (r.variations.size() == 1) {
    if (*n <= static_cast<double>(coverage) / kScale) return std::size_t{0};
    return std::nullopt;
  }
  for (const auto& at : r.growthbook) {
    if (at.coverage != coverage) continue;
    const int i = growthbook_choose_variation(*n, at.ranges);
    if (i < 0) return std::nullopt;
    return static_cast<std::size_t>(i);
  }
  return std::nullopt;  // unreachable: compile made ranges for every coverage of the rollout
}

std::optional<std::size_t> unleash_pick(const flag& f, const rollout& r, std::string_view unit,
                                        std::uint32_t coverage) noexcept {
  const double percentage = static_cast<double>(coverage) * 100.0 / kScale;
  if (!unleash_in_rollout(f.scheme_seed, unit, percentage, unleash_text::utf8)) return std::nullopt;
  if (r.variations.size() == 1) return std::size_t{0};
  return unleash_pick_variant(f.scheme_seed, unit, r.unleash_weights.data(),
                              r.unleash_weights.size(), unleash_text::utf8);
}

}  // namespace

std::optional<std::size_t> peer_pick(const flag& f, const rollout& r, std::string_view unit,
                                     std::uint32_t coverage) noexcept {
  switch (f.scheme) {
    case bucket_scheme::growthbook:
      return growthbook_pick(f, r, unit, coverage);
    case bucket_scheme::unleash:
      return unleash_pick(f, r, unit, coverage);
    default:
      return std::nullopt;
  }
}

}  // namespace detail
}  // namespace rollgate
