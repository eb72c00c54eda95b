// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file bucket.hpp
/// @brief Deterministic, sticky, uniform assignment of units to rollout buckets.
///
/// @par Usage
/// @code
///   // Is user "alice" inside a 12.5% rollout of flag "new-checkout"?
///   rollgate::bucketer b("new-checkout");             // salt: the flag key by default
///   bool in = b.in_coverage("alice", 12'500);          // coverage in 1/100000 units
///   // Which of two variants weighted 50/50 does she get (a separate, independent draw)?
///   std::uint32_t weights[] = {50'000, 50'000};
///   std::size_t variant = b.pick_variant("alice", weights);
///   double f = rollgate::bucket_fraction("alice", "new-checkout");  // for humans: in [0, 1)
/// @endcode
///
/// @par Contract (stable from 1.0; docs/bucketing.md is the normative text, with test vectors in
/// tests/vectors/bucketing.json)
/// - Unit and salt are hashed as their UTF-8 bytes, exactly as given (no normalisation).
/// - seed = XXH3_64bits(salt bytes); coverage draw h = XXH3_64bits_withSeed(unit bytes, seed);
///   variant draw v = XXH3_64bits_withSeed(unit bytes, seed ^ 0x9E3779B97F4A7C15).
/// - A draw x maps to a bucket in [0, n) as floor(x * n / 2^64), computed exactly in 64-bit
/// integers (see bucket_of).
///   Coverage and weights are integers in units of 1/100000 (kScale): a unit is inside coverage c
///   iff bucket(h, kScale) < c; its variant is the first i with bucket(v, kScale) < w_0 + ... +
///   w_i.
/// - The fraction shown to people is h / 2^64 (rounded down to a double); it never decides
///   membership.
/// Because coverage and variant use different draws, raising coverage only adds units and never
/// moves a unit between variants, and variant shares within any coverage match the weights.
#ifndef ROLLGATE_BUCKET_HPP
#define ROLLGATE_BUCKET_HPP

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t, std::uint32_t
#include <optional>     // std::optional
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "rollgate/error.hpp"  // rollgate::problem

namespace rollgate {

/// Coverage and weights are integers out of kScale (100000 = 100%, 1 = 0.001%).
inline constexpr std::uint32_t kScale = 100000;

/// @brief The two independent 64-bit draws of one unit under one salt.
struct bucket_draws {
  std::uint64_t coverage;  ///< h: decides whether the unit is inside the rollout
  std::uint64_t variant;   ///< v: decides which variant it gets
};

/// @brief floor(x * n / 2^64): maps a 64-bit draw to [0, n) with integers only.
/// Computed from the two 32-bit halves so it needs no 128-bit type and every language can
/// reproduce it: floor((hi * n + floor(lo * n / 2^32)) / 2^32), exact for n <= 2^32 - 1.
constexpr std::uint32_t bucket_of(std::uint64_t draw, std::uint32_t n) noexcept {
  const std::uint64_t hi = draw >> 32;
  const std::uint64_t lo = draw & 0xFFFFFFFFu;
  return static_cast<std::uint32_t>((hi * n + ((lo * n) >> 32)) >> 32);
}

/// @brief A salt, pre-hashed once so that each unit costs two XXH3 calls on the unit's bytes.
class bucketer {
 public:
  /// @param salt the flag key, or an explicit salt shared by flags that must agree.
  explicit bucketer(std::string_view salt) noexcept;

  /// @brief Both draws for `unit` (UTF-8 bytes).
  bucket_draws draws(std::string_view unit) const noexcept;
  /// @brief The coverage draw alone (one XXH3 call).
  std::uint64_t coverage_draw(std::string_view unit) const noexcept;
  /// @brief The variant draw alone (one XXH3 call).
  std::uint64_t variant_draw(std::string_view unit) const noexcept;

  /// @brief True iff bucket_of(coverage draw, kScale) < coverage. Unchecked, for callers whose
  /// coverage is already valid (compiled configs); in_rollout() is the checked form.
  /// @param coverage share of units inside, out of kScale (values above kScale mean everyone).
  bool in_coverage(std::string_view unit, std::uint32_t coverage) const noexcept;

  /// @brief Index of the variant for `unit` under cumulative weights. Unchecked, for callers
  /// whose weights are already valid (compiled configs); the free pick_variant() checks them.
  /// @pre weights sum to kScale (rollgate's config loader guarantees it); otherwise the
  ///      remainder above the sum falls to the last variant.
  /// @return an index in [0, weights.size()), or 0 when weights is empty.
  std::size_t pick_variant(std::string_view unit, const std::uint32_t* weights,
                           std::size_t count) const noexcept;
  template <std::size_t N>
  std::size_t pick_variant(std::string_view unit,
                           const std::uint32_t (&weights)[N]) const noexcept {
    return pick_variant(unit, weights, N);
  }

  /// @brief seed = XXH3_64bits(salt).
  std::uint64_t seed() const noexcept { return seed_; }

 private:
  std::uint64_t seed_;
};

/// @brief The variant seed is the coverage seed XOR this constant (2^64 / golden ratio).
inline constexpr std::uint64_t kVariantSeedMask = 0x9E3779B97F4A7C15ull;

/// @brief h / 2^64 as a double in [0, 1): the human-readable position of `unit` under `salt`.
double bucket_fraction(std::string_view unit, std::string_view salt) noexcept;

/// @brief Converts a coverage draw to its fraction in [0, 1) (53 significant bits, rounded down).
double draw_fraction(std::uint64_t draw) noexcept;

/// @brief Converts a percentage written in decimal ("12.5", "0.001", "100", "7%") to kScale units
///        exactly, with integer arithmetic only (no binary floating point rounding: "0.3" is 300).
/// @param percent digits, optionally a '.' and 1 to 3 more digits, optionally a trailing '%'.
/// @return the share out of kScale, in [0, kScale].
/// @throws rollgate::error rollgate.bucket.301 (not a plain decimal number: empty, signs other
///         than a leading '-', exponents, NaN, inf, spaces), rollgate.bucket.302 (negative or above
///         100), rollgate.bucket.303 (more than 3 decimals: the finest step is 0.001%). The error
///         has an empty pointer; callers that know where the text came from rethrow with theirs.
std::uint32_t percent_to_scale(std::string_view percent);
/// @brief percent_to_scale without exceptions (the same rule and the same problems).
/// @return nullopt with the share in `out`, or the problem percent_to_scale throws (`out`
///         unchanged).
std::optional<problem> try_percent_to_scale(std::string_view percent, std::uint32_t& out);

/// @brief percent_to_scale for a percentage held as a binary double (a JSON number, a JavaScript
///        number): the same rule, 0 to 100 with at most 3 decimals, read through the nearest
///        double. `percent` is accepted iff it is the double nearest to such a decimal (as a
///        correct parser makes "12.5" or "33.333"), so 33.3330000001 and 1e-320 are refused.
///        -0 is 0 (a double cannot tell a person's "-0" from 0).
/// @return the share out of kScale, in [0, kScale].
/// @throws rollgate::error rollgate.bucket.301 (NaN or an infinity), rollgate.bucket.302 (below 0
///         or above 100), rollgate.bucket.303 (more than 3 decimals); the pointer is empty.
std::uint32_t percent_to_scale(double percent);
/// @brief percent_to_scale(double) without exceptions: nullopt with the share in `out`, or the
///        problem it throws (`out` unchanged).
std::optional<problem> try_percent_to_scale(double percent, std::uint32_t& out);

/// @brief The same rule for a share written as a fraction of 1 (0.125 = 12.5%): 0 to 1 with at
///        most 5 decimals (the finest step, 0.001%, is 0.00001), read through the nearest double.
/// @return the share out of kScale, in [0, kScale].
/// @throws rollgate::error rollgate.bucket.301 (NaN or an infinity), rollgate.bucket.302 (below 0
///         or above 1), rollgate.bucket.303 (more than 5 decimals); the pointer is empty.
std::uint32_t rate_to_scale(double rate);
/// @brief rate_to_scale without exceptions: nullopt with the share in `out`, or the problem.
std::optional<problem> try_rate_to_scale(double rate, std::uint32_t& out);

/// @brief Checks a coverage given by a caller (not a compiled config): at most kScale (100%).
/// @throws rollgate::error rollgate.bucket.304 when coverage > kScale
void check_coverage(std::uint32_t coverage);
/// @brief check_coverage without exceptions: the problem it throws, or nullopt.
std::optional<problem> try_check_coverage(std::uint32_t coverage);

/// @brief Checks weights given by a caller: at least one, summing to exactly kScale (100%), as
///        pick_variant needs (a remainder would silently fall to the last variant).
/// @throws rollgate::error rollgate.bucket.305 when weights is empty or does not sum to kScale
void check_weights(const std::uint32_t* weights, std::size_t count);
/// @brief check_weights without exceptions: the problem it throws, or nullopt.
std::optional<problem> try_check_weights(const std::uint32_t* weights, std::size_t count);

/// @brief Relative weights (any non-negative numbers, not all zero: 1:1:2, or percentages that
///        do not quite sum to 100) as integer weights out of kScale that sum to exactly kScale, as
///        pick_variant needs. Each gets floor(w * kScale / sum); the units left over go one each to
///        the largest remainders, ties to the lower index, so the result is deterministic and no
///        weight moves by more than one unit from its exact share.
/// @param out `count` integers, written only on success
/// @throws rollgate::error rollgate.bucket.306 (empty, a NaN, infinite or negative weight, or all
///         zero; the pointer names the weight: "/2")
void weights_to_scale(const double* weights, std::size_t count, std::uint32_t* out);
/// @brief weights_to_scale without exceptions: the problem it throws, or nullopt (`out` unchanged).
std::optional<problem> try_weights_to_scale(const double* weights, std::size_t count,
                                            std::uint32_t* out);

/// @brief The checked one-shot form of bucketer(salt).in_coverage(unit, coverage).
/// @throws rollgate::error rollgate.bucket.304 (see check_coverage)
bool in_rollout(std::string_view unit, std::string_view salt, std::uint32_t coverage);
/// @brief in_rollout without exceptions: nullopt with the answer in `out`, or the problem.
std::optional<problem> try_in_rollout(std::string_view unit, std::string_view salt,
                                      std::uint32_t coverage, bool& out);

/// @brief The checked one-shot form of bucketer(salt).pick_variant(unit, weights, count).
/// @return an index in [0, count)
/// @throws rollgate::error rollgate.bucket.305 (see check_weights)
std::size_t pick_variant(std::string_view unit, std::string_view salt, const std::uint32_t* weights,
                         std::size_t count);
/// @brief pick_variant without exceptions: nullopt with the index in `out`, or the problem.
std::optional<problem> try_pick_variant(std::string_view unit, std::string_view salt,
                                        const std::uint32_t* weights, std::size_t count,
                                        std::size_t& out);

/// @brief Plain XXH3-64 of bytes with a seed: exposed so other components (and benchmarks) use
///        the same hash without linking xxHash themselves.
std::uint64_t xxh3_64(std::string_view bytes, std::uint64_t seed = 0) noexcept;

}  // namespace rollgate

#endif  // ROLLGATE_BUCKET_HPP
