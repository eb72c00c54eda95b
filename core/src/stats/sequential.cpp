// Always-valid sequential tests (mixture SPRT): see stats.hpp and docs/statistics.md.
#include <algorithm>  // std::min, std::max
#include <cmath>      // std::log, std::exp, std::sqrt, std::isfinite
#include <limits>     // std::numeric_limits

#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"
#include "stats/checks.hpp"

namespace rollgate::stats {

using namespace detail;

// ---------------------------------------------------------------------------------------------
// Sequential tests: mixture SPRT with a normal mixing distribution N(0, tau2) on the difference.

namespace {
void check_sequential(const sequential_options& o, double previous,
                      std::vector<problem>& problems) {
  if (!(o.alpha > 0 && o.alpha < 1))
    problems.push_back(
        {"rollgate.stats.406", "/alpha", "alpha must be in (0, 1), got " + fmt(o.alpha)});
  if (!(o.tau2 >= 0 && std::isfinite(o.tau2)))
    problems.push_back({"rollgate.stats.406", "/tau2",
                        "tau2 must be a finite number >= 0 (0: automatic), got " + fmt(o.tau2)});
  if (!(previous > 0 && previous <= 1))
    problems.push_back({"rollgate.stats.406", "/previous_p_value",
                        "previous p-value must be in (0, 1], got " + fmt(previous)});
}

/// estimate with variance v, mixing variance tau2 (> 0 or auto from unit_variance).
sequential_result msprt(double estimate, double v, double tau2, double unit_variance,
                        const sequential_options& o, double previous, double lo_bound,
                        double hi_bound) {
  sequential_result r{estimate, previous, lo_bound, hi_bound, false, tau2};
  if (r.tau2 == 0) r.tau2 = 0.01 * unit_variance;
  if (!(v > 0) || !(r.tau2 > 0)) {
    r.reject = r.p_value <= o.alpha;
    return r;  // no information yet: p unchanged, interval the whole range
  }
  const double t2 = r.tau2;
  // log Lambda = 0.5 log(V / (V + tau2)) + tau2 estimate^2 / (2 V (V + tau2))
  const double log_lambda =
      0.5 * std::log(v / (v + t2)) + t2 * estimate * estimate / (2 * v * (v + t2));
  const double p_now = log_lambda <= 0 ? 1.0 : std::exp(-log_lambda);
  r.p_value = std::min(previous, p_now);
  const double half =
      std::sqrt((2 * v * (v + t2) / t2) * (std::log(1 / o.alpha) + 0.5 * std::log((v + t2) / v)));
  r.lower = std::max(lo_bound, estimate - half);
  r.upper = std::min(hi_bound, estimate + half);
  r.reject = r.p_value <= o.alpha;
  return r;
}
}  // namespace

sequential_result sequential_mean_test(const sample_summary& x, const sample_summary& y,
                                       const sequential_options& options, double previous_p_value) {
  std::vector<problem> problems;
  check_summary(x, "x", 2, problems);
  check_summary(y, "y", 2, problems);
  check_sequential(options, previous_p_value, problems);
  throw_if(problems);
  const double v = x.variance / x.count + y.variance / y.count;
  const double inf = std::numeric_limits<double>::infinity();
  return msprt(x.mean - y.mean, v, options.tau2, (x.variance + y.variance) / 2, options,
               previous_p_value, -inf, inf);
}

sequential_result sequential_proportion_test(std::int64_t sx, std::int64_t nx, std::int64_t sy,
                                             std::int64_t ny, const sequential_options& options,
                                             double previous_p_value) {
  std::vector<problem> problems;
  check_successes(sx, "successes_x", nx, "trials_x", problems);
  check_successes(sy, "successes_y", ny, "trials_y", problems);
  check_sequential(options, previous_p_value, problems);
  throw_if(problems);
  const double px = static_cast<double>(sx) / static_cast<double>(nx);
  const double py = static_cast<double>(sy) / static_cast<double>(ny);
  const double pooled = static_cast<double>(sx + sy) / static_cast<double>(nx + ny);
  const double v =
      px * (1 - px) / static_cast<double>(nx) + py * (1 - py) / static_cast<double>(ny);
  return msprt(px - py, v, options.tau2, pooled * (1 - pooled), options, previous_p_value, -1.0,
               1.0);
}

}  // namespace rollgate::stats
