// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file stats.hpp
/// @brief Two-sample tests and estimates for canary analysis, with scipy's semantics.
///
/// @par Usage
/// @code
///   using namespace rollgate::stats;
///   std::vector<double> canary = ..., baseline = ...;          // e.g. latencies in ms
///   auto r = mannwhitneyu(canary, baseline, {alternative::greater});
///   if (r.p_value < 0.01) { ... }                              // canary stochastically slower
///   auto hl = hodges_lehmann(canary, baseline);                 // shift canary - baseline, 95% CI
/// @endcode
///
/// @par Conventions (docs/statistics.md is the normative text)
/// - Sample `x` is the first sample as in scipy: for canary analysis pass the canary as `x` and the
///   baseline as `y`; estimates are "x minus y".
/// - `alternative::less` / `greater` say that x is stochastically less / greater than y (or that
///   the difference x - y is negative / positive).
/// - Bad input throws rollgate::error with an id rollgate.stats.4xx and a JSON Pointer naming the
///   argument: "/x/17" is the 18th value of x; "/alpha" an option. See docs/errors/stats.md.
/// - NaN policy: by default a NaN is rejected (rollgate.stats.402, pointer of the first NaN);
///   nan_policy::omit drops NaNs first, like scipy's nan_policy='omit'. Infinite values are
///   always rejected (rollgate.stats.403): scipy returns NaN or fails on them.
#ifndef ROLLGATE_STATS_HPP
#define ROLLGATE_STATS_HPP

#include <cstdint>      // std::int64_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace rollgate::stats {

/// @brief The alternative hypothesis of a test.
enum class alternative { two_sided, less, greater };
/// @brief How a p-value is computed: automatic choice, exact distribution, normal approximation.
enum class method { automatic, exact, asymptotic };
/// @brief What to do with NaN values in a sample.
enum class nan_policy { reject, omit };

/// @brief Parses "two-sided", "less" or "greater" (case-sensitive, as the CLI and JS pass them).
/// @return the alternative
/// @throws rollgate::error rollgate.stats.407 for any other string (pointer "/alternative")
alternative parse_alternative(std::string_view text);
/// @brief Parses "auto", "exact" or "asymptotic".
/// @throws rollgate::error rollgate.stats.407 for any other string (pointer "/method")
method parse_method(std::string_view text);
/// @brief Parses "reject" (alias "raise") or "omit".
/// @throws rollgate::error rollgate.stats.407 for any other string (pointer "/nanPolicy")
nan_policy parse_nan_policy(std::string_view text);
/// @brief "two-sided", "less" or "greater".
const char* to_string(alternative a) noexcept;
/// @brief "auto", "exact" or "asymptotic".
const char* to_string(method m) noexcept;
/// @brief "reject" or "omit".
const char* to_string(nan_policy p) noexcept;

// ---------------------------------------------------------------------------------------------
// Mann-Whitney U

/// @brief Options of mannwhitneyu(); defaults are scipy's.
struct mannwhitneyu_options {
  alternative alt = alternative::two_sided;
  method how = method::automatic;  ///< auto: exact iff min(n1, n2) <= 8 and no ties (scipy 1.10)
  bool use_continuity = true;      ///< 0.5 continuity correction (asymptotic method only)
  nan_policy nan = nan_policy::reject;
};

/// @brief Result of mannwhitneyu().
struct mannwhitneyu_result {
  double statistic;  ///< U of the first sample x (scipy's statistic)
  double p_value;    ///< in [0, 1]
  method used;       ///< exact or asymptotic: what `automatic` chose
  double z;          ///< standardised statistic of the asymptotic method (0 for exact)
};

/// @brief Mann-Whitney U test with scipy.stats.mannwhitneyu's semantics (scipy 1.10), O(n log n).
/// @pre x and y are non-empty after NaN handling.
/// @return U of x and the p-value; matches scipy to 1e-9 relative (see docs/statistics.md).
/// @throws rollgate::error rollgate.stats.401 (empty sample), .402 (NaN with nan_policy::reject),
///   .403 (infinite value), .408 (exact method requested beyond the supported size, see
///   docs/statistics.md)
mannwhitneyu_result mannwhitneyu(const std::vector<double>& x, const std::vector<double>& y,
                                 const mannwhitneyu_options& options = {});

// ---------------------------------------------------------------------------------------------
// Hodges-Lehmann shift estimate

/// @brief Options of hodges_lehmann().
struct hodges_lehmann_options {
  double confidence = 0.95;  ///< two-sided confidence level of the interval, in (0, 1)
  method how =
      method::automatic;  ///< rank of the CI bounds: exact U distribution or normal approx.
  nan_policy nan = nan_policy::reject;
};

/// @brief Result of hodges_lehmann().
struct hodges_lehmann_result {
  double estimate;             ///< median of all pairwise differences x_i - y_j (numpy median)
  double lower;                ///< k-th smallest pairwise difference (see docs/statistics.md)
  double upper;                ///< k-th largest pairwise difference
  std::int64_t k;              ///< the 1-based rank used for both bounds
  double achieved_confidence;  ///< coverage of [lower, upper] under H0 (exact or normal approx.)
  method used;                 ///< exact or asymptotic
};

/// @brief Hodges-Lehmann estimate of the shift x - y with the order-statistic confidence interval.
/// @details Selection on the implicit sorted matrix of differences: O((m + n) log(m n)) expected
///   per order statistic, never materialising the m*n differences. `automatic` uses the exact U
///   distribution for the CI rank when both samples have at most 50 values.
/// @throws rollgate::error rollgate.stats.401, .402, .403 (infinite value), .406 (confidence out of
///   range), .408 (method exact beyond the work limit)
hodges_lehmann_result hodges_lehmann(const std::vector<double>& x, const std::vector<double>& y,
                                     const hodges_lehmann_options& options = {});

// ---------------------------------------------------------------------------------------------
// Welch's t-test

/// @brief Summary of one sample: enough for Welch's test and the sequential mean test.
struct sample_summary {
  double count;     ///< number of observations (>= 2 for Welch)
  double mean;      ///< arithmetic mean
  double variance;  ///< unbiased sample variance (ddof = 1), >= 0
};

/// @brief Count, mean and unbiased variance of a sample (two-pass, numerically stable).
/// @throws rollgate::error rollgate.stats.401, .402, .403
sample_summary summarize(const std::vector<double>& x, nan_policy nan = nan_policy::reject);

/// @brief Result of welch_t_test().
struct welch_result {
  double statistic;   ///< t = (mean_x - mean_y) / sqrt(var_x / n_x + var_y / n_y)
  double p_value;     ///< Student t with Welch-Satterthwaite df
  double df;          ///< Welch-Satterthwaite degrees of freedom
  double difference;  ///< mean_x - mean_y
};

/// @brief Welch's unequal-variance t-test, as scipy.stats.ttest_ind(x, y, equal_var=False).
/// @throws rollgate::error rollgate.stats.401 (fewer than 2 values), .402, .403, .414 (both
///   variances zero: the statistic is undefined)
welch_result welch_t_test(const std::vector<double>& x, const std::vector<double>& y,
                          alternative alt = alternative::two_sided,
                          nan_policy nan = nan_policy::reject);
/// @brief Welch's test from summaries, as scipy.stats.ttest_ind_from_stats(equal_var=False).
/// @throws rollgate::error rollgate.stats.401 (count < 2), .403 (non-finite field), .404 (negative
///   variance), .414 (both variances zero)
welch_result welch_t_test(const sample_summary& x, const sample_summary& y,
                          alternative alt = alternative::two_sided);

// ---------------------------------------------------------------------------------------------
// Proportions

/// @brief Result of two_proportion_z_test().
struct proportions_result {
  double statistic;   ///< z with the pooled variance
  double p_value;     ///< normal tail(s)
  double p_x;         ///< successes_x / trials_x
  double p_y;         ///< successes_y / trials_y
  double difference;  ///< p_x - p_y
};

/// @brief Two-proportion z-test with pooled variance (statsmodels proportions_ztest, value=0).
/// @details p = (s_x + s_y) / (n_x + n_y); z = (p_x - p_y) / sqrt(p (1 - p) (1/n_x + 1/n_y)).
///   When p is 0 or 1 the variance is 0: we return z = 0 and p-value 1 (statsmodels gives NaN).
/// @throws rollgate::error rollgate.stats.404 (negative count), .405 (successes > trials or
///   trials = 0)
proportions_result two_proportion_z_test(std::int64_t successes_x, std::int64_t trials_x,
                                         std::int64_t successes_y, std::int64_t trials_y,
                                         alternative alt = alternative::two_sided);

/// @brief Result of fisher_exact().
struct fisher_result {
  double
      odds_ratio;  ///< sample odds ratio a*d / (b*c) (scipy: inf if b*c = 0 < a*d, NaN if both 0)
  double p_value;
};

/// @brief Fisher's exact test on the 2x2 table [[a, b], [c, d]], as scipy.stats.fisher_exact.
/// @details less/greater refer to the odds ratio being less/greater than 1.
/// @throws rollgate::error rollgate.stats.404 (negative count), .408 (table total above 2^31)
fisher_result fisher_exact(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d,
                           alternative alt = alternative::two_sided);

// ---------------------------------------------------------------------------------------------
// Chi-square goodness of fit / sample-ratio mismatch

/// @brief Result of chisquare() and sample_ratio_mismatch().
struct chisquare_result {
  double statistic;  ///< sum (observed - expected)^2 / expected
  double p_value;    ///< chi-square survival function with k - 1 degrees of freedom
  double df;         ///< k - 1
};

/// @brief Chi-square goodness of fit, as scipy.stats.chisquare(observed, expected).
/// @pre observed.size() == expected.size() >= 2; sums agree to 1e-8 relative (scipy's check).
/// @throws rollgate::error rollgate.stats.401, .402, .403, .404 (negative), .413 (sizes or sums
///   disagree, expected value <= 0)
chisquare_result chisquare(const std::vector<double>& observed,
                           const std::vector<double>& expected);

/// @brief Sample-ratio mismatch check: did each arm get its configured share of traffic?
/// @param counts units observed per arm
/// @param shares configured weights per arm (any positive scale: normalised to sum 1)
/// @return chisquare(counts, total * share_i / sum(shares))
/// @throws rollgate::error rollgate.stats.401 (total 0), .404 (negative count), .413 (sizes differ,
///   fewer than 2 arms, share <= 0 or non-finite)
chisquare_result sample_ratio_mismatch(const std::vector<std::int64_t>& counts,
                                       const std::vector<double>& shares);

// ---------------------------------------------------------------------------------------------
// Sequential (always-valid) tests

/// @brief Options of the sequential tests (mixture SPRT, Johari et al. 2017).
struct sequential_options {
  double alpha = 0.05;  ///< level in (0, 1): reject when the always-valid p-value <= alpha
  /// Mixing variance tau^2 of the normal prior on the difference, in squared units of the
  /// difference; 0 means automatic: (0.1 * pooled per-observation standard deviation)^2.
  double tau2 = 0.0;
};

/// @brief One look of a sequential test.
struct sequential_result {
  double estimate;  ///< x - y (difference in means or in proportions)
  double p_value;   ///< always-valid p-value: min(previous_p_value, 1 / Lambda)
  double lower;     ///< 1 - alpha confidence sequence at this look (not intersected over looks)
  double upper;
  bool reject;  ///< p_value <= alpha
  double tau2;  ///< mixing variance used
};

/// @brief mSPRT for a difference in means (normal approximation with plugged-in variances).
/// @param previous_p_value the p_value of the previous look of the same test (1 at the first)
/// @throws rollgate::error rollgate.stats.401 (count < 2), .403, .404, .406 (alpha, tau2 or
///   previous_p_value out of range)
sequential_result sequential_mean_test(const sample_summary& x, const sample_summary& y,
                                       const sequential_options& options = {},
                                       double previous_p_value = 1.0);
/// @brief mSPRT for a difference in proportions (normal approximation, unpooled variance).
/// @throws rollgate::error rollgate.stats.404, .405, .406
sequential_result sequential_proportion_test(std::int64_t successes_x, std::int64_t trials_x,
                                             std::int64_t successes_y, std::int64_t trials_y,
                                             const sequential_options& options = {},
                                             double previous_p_value = 1.0);

// ---------------------------------------------------------------------------------------------
// Exact quantiles

/// @brief Exact quantiles of raw samples, numpy's default method ('linear', Hyndman-Fan type 7).
/// @param qs probabilities in [0, 1]
/// @return one value per q: x[h] interpolated linearly, h = (n - 1) q on the sorted sample
/// @throws rollgate::error rollgate.stats.401, .402, .403, .409 (q outside [0, 1] or NaN)
std::vector<double> quantiles(std::vector<double> values, const std::vector<double>& qs,
                              nan_policy nan = nan_policy::reject);
/// @brief One exact quantile (see quantiles()).
double quantile(std::vector<double> values, double q, nan_policy nan = nan_policy::reject);

}  // namespace rollgate::stats

#endif  // ROLLGATE_STATS_HPP
