// Internal to the statistics sources: sorting doubles and ranking two samples at once, the
// bulk of the Mann-Whitney cost.
#ifndef ROLLGATE_STATS_RANKS_HPP
#define ROLLGATE_STATS_RANKS_HPP

#include <vector>  // std::vector

namespace rollgate::stats::detail {

/// Sorts ascending. @pre no NaN (inputs are cleaned first).
void sort_doubles(std::vector<double>& v);

struct rank_info {
  double r1 = 0;        // sum of average ranks of x
  double tie_term = 0;  // sum over tie groups of t^3 - t
  bool has_ties = false;
};

/// Sorts both samples and ranks them together (average ranks for ties).
rank_info rank_two(std::vector<double>& x, std::vector<double>& y);

}  // namespace rollgate::stats::detail

#endif  // ROLLGATE_STATS_RANKS_HPP
