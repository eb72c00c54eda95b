// The rules every check of the canary judge shares (metric_eval.hpp): how a test's estimate,
// interval and p-value classify against the allowed change, and the arms' statistics.
#include <algorithm>  // std::max
#include <cmath>      // std::isnan, std::fabs
#include <cstdio>     // std::snprintf
#include <string>     // std::string
#include <utility>    // std::move

#include "canary/metric_eval.hpp"
#include "canary/text.hpp"  // num, kNaN
#include "rollgate/sketch.hpp"
#include "rollgate/stats.hpp"

namespace rollgate::detail::canary {

verdict classify(bad_direction dir, double est, double lo, double hi, double p, double alpha,
                 double allowed, const std::string& what) {
  const bool up = dir != bad_direction::decrease;
  const bool down = dir != bad_direction::increase;
  const bool sig = !std::isnan(p) && p < alpha;
  const std::string ci = "CI [" + num(lo) + ", " + num(hi) + "]";
  if (up && sig && est > allowed && lo >= allowed) {
    return {classification::high, what + " rose by " + num(est) + " (" + ci + ", p=" + num(p) +
                                      "), beyond the allowed +" + num(allowed)};
  }
  if (down && sig && est < -allowed && hi <= -allowed) {
    return {classification::low, what + " fell by " + num(-est) + " (" + ci + ", p=" + num(p) +
                                     "), beyond the allowed -" + num(allowed)};
  }
  if ((up && est > allowed) || (down && est < -allowed)) {
    return {classification::no_data, "too little data: " + what + " changed by " + num(est) +
                                         ", beyond the allowed " + num(allowed) + ", but " + ci +
                                         " (p=" + num(p) + ") does not confirm it"};
  }
  return {classification::pass, what + " changed by " + num(est) + " (" + ci + ", p=" + num(p) +
                                    "), within the allowed " + num(allowed)};
}

check_result make_check(const char* check, std::string label) {
  check_result c;
  c.check = check;
  c.label = std::move(label);
  c.p_value = c.estimate = c.lower = c.upper = c.allowed = c.baseline = c.canary = kNaN;
  return c;
}

double allowed_change(const metric_spec& m, double reference) {
  return std::max(m.allowed_absolute, m.allowed_relative * std::fabs(reference));
}

std::string pname(double q) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "p%.10g", q * 100);
  return buf;
}

double arm_quantile(const arm& a, double q) {
  if (a.kind == form::moments) return kNaN;  // per-unit moments have no quantiles
  if (a.kind == form::sketch) return a.sketch.front().quantile(q);
  return stats::quantile(a.values, q);
}
double arm_mean(const arm& a) {
  if (a.kind == form::moments) return a.moments.mean;
  if (a.kind == form::sketch)
    return a.sketch.front().sum() / static_cast<double>(a.sketch.front().count());
  double s = 0;
  for (double v : a.values) s += v;
  return s / static_cast<double>(a.values.size());
}

}  // namespace rollgate::detail::canary
