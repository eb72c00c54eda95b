// Internal to the statistics sources: standard normal tails and p-value clipping, inline because
// every test ends in one of them.
#ifndef ROLLGATE_STATS_NORMAL_HPP
#define ROLLGATE_STATS_NORMAL_HPP

#include <cmath>   // std::isnan, std::sqrt
#include <limits>  // std::numeric_limits

#include <boost/math/special_functions/erf.hpp>  // erfc for accurate normal tails

namespace rollgate::stats::detail {

/// Upper tail of the standard normal, accurate far into the tail (scipy: special.ndtr(-z)).
inline double norm_sf(double z) {
  if (std::isnan(z)) return std::numeric_limits<double>::quiet_NaN();
  return 0.5 * boost::math::erfc(z / std::sqrt(2.0));
}
inline double norm_cdf(double z) {
  return norm_sf(-z);
}

inline double clip01(double p) {
  return p < 0 ? 0 : (p > 1 ? 1 : p);
}

}  // namespace rollgate::stats::detail

#endif  // ROLLGATE_STATS_NORMAL_HPP
