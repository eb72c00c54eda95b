// Internal to the canary judge: the rank statistics on binned data (sketch buckets), where each
// bin is one tie group.
#ifndef ROLLGATE_CANARY_BINNED_HPP
#define ROLLGATE_CANARY_BINNED_HPP

#include <utility>  // std::pair
#include <vector>   // std::vector

#include "rollgate/stats.hpp"  // stats::sample_summary

namespace rollgate::detail::canary {

/// Bins: (value, count), ascending by value.
using bins = std::vector<std::pair<double, double>>;

struct binned_mwu {
  double p_value;
  double u;
  double var;  // tie-corrected variance of U
};

/// Two-sided Mann-Whitney U of x against y on binned data, asymptotic with continuity and tie
/// correction: identical to scipy's asymptotic test on the expanded samples.
binned_mwu mwu_binned(const bins& x, const bins& y);

/// Hodges-Lehmann shift x - y on binned data: weighted order statistics of the pairwise
/// differences of bin values (weights count_x * count_y), CI ranks from the normal approximation
/// with the tie-corrected variance.
struct shift {
  double estimate, lower, upper;
};
shift hl_binned(const bins& x, const bins& y, double alpha, double var);

/// Count, mean and sample variance of binned data.
stats::sample_summary summary_of_bins(const bins& b);

}  // namespace rollgate::detail::canary

#endif  // ROLLGATE_CANARY_BINNED_HPP
