// Internal to the canary judge's metric checks (canary/metric*.cpp): one metric's evaluation in
// progress and the rules its checks share. metric.cpp runs an evaluation (usable arms, the power
// rule, combining checks into the metric's classification); metric_rules.cpp holds the shared
// classification rule; each kind of check has its own file: metric_continuous.cpp (shift and tail
// quantiles), metric_rate.cpp (proportions), metric_gates.cpp (absolute gates).
#ifndef ROLLGATE_CANARY_METRIC_EVAL_HPP
#define ROLLGATE_CANARY_METRIC_EVAL_HPP

#include <string>   // std::string
#include <utility>  // std::move

#include "canary/arm.hpp"            // arm
#include "canary/power.hpp"          // power_design
#include "detail/canary_config.hpp"  // canary_config, metric_spec
#include "rollgate/canary.hpp"       // metric_result, check_result, classification

namespace rollgate::detail::canary {

struct verdict {
  classification c;
  std::string reason;
};

/// The shared rule: a check fails only when the test is significant and the confidence interval
/// does not reach back inside the allowed change (lower >= allowed for increases; ">=" rather
/// than ">" because order-statistic intervals on tied data sit exactly on a tie value, and the
/// significant test has already excluded "no change"). An estimate beyond the allowance that the
/// interval does not confirm is NoData ("need more data"), never a pass.
verdict classify(bad_direction dir, double est, double lo, double hi, double p, double alpha,
                 double allowed, const std::string& what);

/// A check named `check` with every number NaN until the check sets it.
check_result make_check(const char* check, std::string label);
/// The metric's allowed change against `reference`: the larger of its absolute and relative
/// allowance.
double allowed_change(const metric_spec& m, double reference);
/// "p99", "p99.9": a quantile's name in labels and reasons.
std::string pname(double q);
/// Statistic of an arm for gates and quantile checks: exact from samples (numpy 'linear'),
/// the sketch's quantile from sketches; NaN for per-unit moments (they have no quantiles).
double arm_quantile(const arm& a, double q);
double arm_mean(const arm& a);

/// One metric's evaluation: the checks it ran so far and the result being built.
struct metric_eval {
  const metric_spec& m;
  const detail::canary_config& cfg;
  metric_result r;

  /// Runs every check the metric asks for on the two arms (either may be null: no data).
  void run(const arm* base, const arm* can);

  void no_data(std::string why);
  void add(check_result c) { r.checks.push_back(std::move(c)); }
  /// Records the metric's main comparison (shift or rate): its verdict, and its numbers as the
  /// metric's own test, p-value, estimate and interval.
  void add_main(check_result ch, const verdict& v);
  /// Arms after NaN handling; false (NoData, with the reason) when unusable.
  bool usable(arm& a, const char* which, bool need_values);
  /// The change a Pass must be able to detect (metric.cpp says how it is chosen).
  static double effect_of(double allowed, double baseline);
  static double robust_variance(const arm& a);
  static double variance_of(const arm& a, bool binned, bool moments);
  /// No PASS without power: an underpowered Pass becomes NoData, saying how much more is needed.
  void apply_power(power_design& d, verdict& v, const char* unit);
  void could_not_run(const char* check, const char* what);
  /// Metric outcome from its checks (metric.cpp).
  void combine();

  // metric_continuous.cpp
  void continuous_compare(arm& b, arm& c);
  bool tail_ok(const arm& a, double q, const char* which, check_result& ch);
  void quantile_check(const arm& b, const arm& c, double q);
  // metric_rate.cpp
  void rate_compare(const arm& b, const arm& c);
  // metric_gates.cpp
  void gates(const arm& c);
};

}  // namespace rollgate::detail::canary

#endif  // ROLLGATE_CANARY_METRIC_EVAL_HPP
