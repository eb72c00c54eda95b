// Internal to the statistics sources: sorting doubles, the bulk of the rank tests' cost (shared
// by Mann-Whitney U and Hodges-Lehmann).
#ifndef ROLLGATE_STATS_SORT_HPP
#define ROLLGATE_STATS_SORT_HPP

#include <vector>  // std::vector

namespace rollgate::stats::detail {

/// Sorts ascending. @pre no NaN (inputs are cleaned first).
void sort_doubles(std::vector<double>& v);

}  // namespace rollgate::stats::detail

#endif  // ROLLGATE_STATS_SORT_HPP
