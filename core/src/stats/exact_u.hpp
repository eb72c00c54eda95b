// Internal to the statistics sources: the exact null distribution of the Mann-Whitney U
// statistic without ties, shared by the Mann-Whitney test and the Hodges-Lehmann interval.
#ifndef ROLLGATE_STATS_EXACT_U_HPP
#define ROLLGATE_STATS_EXACT_U_HPP

#include <cstdint>  // std::uint64_t, std::int64_t
#include <vector>   // std::vector

namespace rollgate::stats::detail {

/// P(U <= k) for k = 0..K (no ties), K <= m n / 2 expected but not required.
std::vector<double> exact_u_cdf_table(std::uint64_t m, std::uint64_t n, std::uint64_t K);

/// True if exact_u_cdf(m, n, K) is within the work limit.
bool exact_feasible(std::uint64_t m, std::uint64_t n, std::uint64_t K);

/// P(U <= K) under H0 without ties, sample sizes m and n.
double exact_u_cdf(std::uint64_t m, std::uint64_t n, std::int64_t K);

}  // namespace rollgate::stats::detail

#endif  // ROLLGATE_STATS_EXACT_U_HPP
