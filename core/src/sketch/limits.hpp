// Internal to the quantile sketch (core/src/sketch/): the bounds that the constructor, the
// JSON form and the binary form all enforce, so that a sketch read from the wire is one that
// could have been built in memory.
#ifndef ROLLGATE_SKETCH_LIMITS_HPP
#define ROLLGATE_SKETCH_LIMITS_HPP

#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint64_t, std::int64_t
#include <string>   // std::string

namespace rollgate::detail::sketch {

inline constexpr double kMinAlpha = 1e-5, kMaxAlpha = 0.5;
inline constexpr std::size_t kMinBuckets = 16, kMaxBuckets = 65536;
inline constexpr std::uint64_t kMaxCount = std::uint64_t{1} << 53;  // exact in a JS number
// |key| bound: log(DBL_MAX) / log(gamma) < 709.8 / (2 * 1e-5) ~ 3.6e7 for the smallest alpha,
// and log(4.9e-324) / log(gamma) > -3.8e7. Keys outside this range cannot come from a value.
inline constexpr std::int64_t kMaxAbsKey = 40'000'000;

/// The shortest text that reads back as `v` (as JSON prints it), for messages.
std::string num_text(double v);

}  // namespace rollgate::detail::sketch

#endif  // ROLLGATE_SKETCH_LIMITS_HPP
