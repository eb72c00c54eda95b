// Internal: the bucketing of three peer flag engines, reproduced bit for bit so that a flag moved
// to rollgate keeps every unit's assignment ("kept assignments", issue 18). rollgate's own XXH3
// scheme (docs/bucketing.md) stays the default; these run only where a flag asks for them.
//
// Each function takes its text as UTF-8 (rollgate's strings) and feeds the hash what the peer's
// SDK feeds it. The SDKs disagree among themselves once a unit is not ASCII, so the choice is
// explicit (docs/bucketing.md, "Peer bucketing"):
//   - Unleash: murmur3 x86_32 of "groupId:unit". Its Rust engine (yggdrasil) and the Go and Java
//     SDKs hash the UTF-8 bytes; its Node SDK (unleash-client <= 6, murmurhash3js) hashes the low
//     byte of each UTF-16 code unit, with the code-unit count as the length.
//   - GrowthBook: FNV-1a 32 over UTF-16 code units (the JavaScript SDK's charCodeAt loop).
//   - flagd: murmur3 x86_32 (seed 0) of the bucketing key. flagd itself (Go) hashes UTF-8 bytes;
//     the JavaScript flagd-core (imurmurhash) mixes UTF-16 code units into overlapping bytes.
// For ASCII units every variant of a peer gives the same hash.
#ifndef ROLLGATE_DETAIL_PEER_HASH_HPP
#define ROLLGATE_DETAIL_PEER_HASH_HPP

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t
#include <optional>     // std::optional
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

namespace rollgate::detail {

/// MurmurHash3 x86_32 (Austin Appleby's reference) of `bytes`.
std::uint32_t murmur3_x86_32(std::string_view bytes, std::uint32_t seed) noexcept;

/// FNV-1a 32 of `bytes` (offset basis 0x811C9DC5, prime 0x01000193).
std::uint32_t fnv1a32(std::string_view bytes) noexcept;

// ---- Unleash ------------------------------------------------------------------------------

enum class unleash_text : std::uint8_t {
  utf8,      ///< yggdrasil, Go, Java SDKs: the UTF-8 bytes
  node_sdk,  ///< unleash-client (Node) <= 6: low byte of each UTF-16 code unit
};

constexpr std::uint32_t kUnleashStrategySeed = 0;        ///< gradual and flexible rollout
constexpr std::uint32_t kUnleashVariantSeed = 86028157;  ///< variant selection

/// murmur3 x86_32 of `group_id + ":" + unit` with `seed`.
std::uint32_t unleash_hash(std::string_view group_id, std::string_view unit, std::uint32_t seed,
                           unleash_text text) noexcept;

/// Unleash's normalizedValue: hash % normalizer + 1, in [1, normalizer].
/// @pre normalizer >= 1
std::uint32_t unleash_normalized(std::string_view group_id, std::string_view unit,
                                 std::uint32_t normalizer, std::uint32_t seed,
                                 unleash_text text) noexcept;

/// Gradual / flexible rollout: percentage > 0 and normalized value (out of 100, seed 0) <=
/// percentage. The group id is the strategy's groupId parameter (default: the feature name).
bool unleash_in_rollout(std::string_view group_id, std::string_view unit, double percentage,
                        unleash_text text) noexcept;

/// Variant selection (selectVariantDefinition): target = normalized value out of the weight sum
/// with the variant seed; the first variant of non-zero weight whose running sum reaches the
/// target. Nothing when the weights sum to 0. The group id is the feature name for feature
/// variants and the strategy's groupId for strategy variants.
std::optional<std::size_t> unleash_pick_variant(std::string_view group_id, std::string_view unit,
                                                const std::uint32_t* weights, std::size_t count,
                                                unleash_text text) noexcept;

// ---- GrowthBook ---------------------------------------------------------------------------

/// FNV-1a 32 over the UTF-16 code units of `a + b` (the JavaScript SDK's hashFnv32a).
std::uint32_t growthbook_fnv1a32(std::string_view a, std::string_view b = {}) noexcept;

/// GrowthBook's hash(seed, value, version) in [0, 1): version 1 is
/// (fnv(value + seed) % 1000) / 1000, version 2 is (fnv(decimal(fnv(seed + value))) % 10000) /
/// 10000. Nothing for any other version (the SDK's null).
std::optional<double> growthbook_hash(std::string_view seed, std::string_view value,
                                      int version) noexcept;

/// getBucketRanges(numVariations, coverage, weights): coverage clamped to [0, 1]; weights
/// replaced by equal weights when missing, of the wrong length, or summing outside [0.99, 1.01];
/// range i is [start_i, start_i + coverage * w_i) with start_i the running sum of the weights,
/// computed in doubles in the SDK's order.
std::vector<std::pair<double, double>> growthbook_bucket_ranges(std::size_t variations,
                                                                double coverage,
                                                                const std::vector<double>* weights);

/// chooseVariation: the first range with start <= n < end, or -1.
int growthbook_choose_variation(double n,
                                const std::vector<std::pair<double, double>>& ranges) noexcept;

/// inNamespace: hash("__" + id, unit, 1) in [start, end).
bool growthbook_in_namespace(std::string_view unit, std::string_view namespace_id, double start,
                             double end) noexcept;

// ---- flagd --------------------------------------------------------------------------------

enum class flagd_text : std::uint8_t {
  utf8,     ///< flagd (Go, twmb/murmur3) and providers that hash UTF-8 bytes
  js_core,  ///< @openfeature/flagd-core (imurmurhash over UTF-16 code units)
};

/// murmur3 x86_32 (seed 0) of the bucketing key (by default flagKey + targetingKey).
std::uint32_t flagd_hash(std::string_view key, flagd_text text) noexcept;

/// `fractional` as flagd evaluates it today (flagd-testbed "@fractional-v2"; Go fractional.go,
/// flagd-core 4): bucket = (hash * total) >> 32, the first variant whose running weight sum
/// exceeds the bucket. Nothing when the weights sum to 0 or above 2^31 - 1.
std::optional<std::size_t> flagd_fractional(std::uint32_t hash, const std::uint32_t* weights,
                                            std::size_t count) noexcept;

/// The earlier `fractional` (flagd-testbed "@fractional-v1", Go before the change):
/// bucket = |int32(hash)| / (2^31 - 1) * 100 in doubles, variant i's share 100 * w_i / total,
/// the first whose running share exceeds the bucket. Nothing when none does (a hash of 2^31
/// gives a bucket just above 100) or the weights sum to 0.
std::optional<std::size_t> flagd_fractional_v1(std::uint32_t hash, const std::uint32_t* weights,
                                               std::size_t count) noexcept;

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_PEER_HASH_HPP
