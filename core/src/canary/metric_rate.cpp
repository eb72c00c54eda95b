// The canary judge's rate check (metric_eval.hpp): the difference of two proportions, by the
// test the metric chooses (a z test with Newcombe's interval, or Fisher's exact test).
#include <cmath>    // std::sqrt, std::isnan, std::fabs
#include <string>   // std::string
#include <utility>  // std::pair, std::move

#include <boost/math/distributions/normal.hpp>  // z quantiles

#include "canary/metric_eval.hpp"
#include "canary/text.hpp"  // num, kNaN
#include "rollgate/stats.hpp"

namespace rollgate::detail::canary {

void metric_eval::rate_compare(const arm& b, const arm& c) {
  const double pb = b.events / b.total, pc = c.events / c.total;
  check_result ch = make_check("rate", "");
  ch.baseline = pb;
  ch.canary = pc;
  ch.estimate = pc - pb;
  ch.allowed = allowed_change(m, pb);
  const auto eb = static_cast<std::int64_t>(b.events), tb = static_cast<std::int64_t>(b.total);
  const auto ec = static_cast<std::int64_t>(c.events), tc = static_cast<std::int64_t>(c.total);
  metric_test t = m.test;
  if (t == metric_test::automatic) {
    // Fisher when any expected cell count is below 5 (the textbook limit of the z-test).
    const double pooled = (b.events + c.events) / (b.total + c.total);
    const double min_cell = std::min(
        {pooled * b.total, pooled * c.total, (1 - pooled) * b.total, (1 - pooled) * c.total});
    t = min_cell < 5 ? metric_test::fisher : metric_test::proportions;
  }
  // Newcombe's hybrid score interval for pc - pb (method 10): sound with zero events.
  const boost::math::normal nd;
  const double z = boost::math::quantile(nd, 1 - cfg.alpha / 2);
  auto wilson = [&](double k, double n) {
    const double p = k / n, z2 = z * z;
    const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    return std::pair<double, double>(centre - half, centre + half);
  };
  const auto wc = wilson(c.events, c.total), wb = wilson(b.events, b.total);
  ch.lower = ch.estimate -
             std::sqrt((pc - wc.first) * (pc - wc.first) + (wb.second - pb) * (wb.second - pb));
  ch.upper = ch.estimate +
             std::sqrt((wc.second - pc) * (wc.second - pc) + (pb - wb.first) * (pb - wb.first));
  if (t == metric_test::fisher) {
    ch.label = "fisher";
    ch.p_value = stats::fisher_exact(ec, tc - ec, eb, tb - eb).p_value;
  } else if (t == metric_test::proportions) {
    ch.label = "proportions";
    ch.p_value = stats::two_proportion_z_test(ec, tc, eb, tb).p_value;
  } else {
    ch.label = "sequential";
    stats::sequential_options so;
    so.alpha = cfg.alpha;
    const auto s = stats::sequential_proportion_test(ec, tc, eb, tb, so);
    ch.p_value = s.p_value;
    ch.lower = s.lower;
    ch.upper = s.upper;
  }
  verdict v = classify(m.direction, ch.estimate, ch.lower, ch.upper, ch.p_value, cfg.alpha,
                       ch.allowed, "the rate (" + pct(pb) + " -> " + pct(pc) + ")");
  // Minimum-events rule (Kayenta issue 426): with few events a comparison cannot confirm a
  // regression; a canary that is not worse passes, one that looks worse waits for data.
  const double events = b.events + c.events;
  if (events < m.min_events && v.c == classification::no_data) {
    v.reason = "too few events: " + num(events) + " in both arms, need " + num(m.min_events) +
               " (minEvents) to judge a rate change of " + num(ch.estimate);
  }
  if (v.c == classification::pass) {
    // Variances at the change guarded against, in the bad direction (the larger for "either").
    const double eff = effect_of(ch.allowed, pb);
    auto var = [](double p) { return p <= 0 || p >= 1 ? 0.0 : p * (1 - p); };
    double alt = pb;
    if (m.direction == bad_direction::increase) {
      alt = std::min(1.0, pb + eff);
    } else if (m.direction == bad_direction::decrease) {
      alt = std::max(0.0, pb - eff);
    } else {
      alt = var(std::min(1.0, pb + eff)) >= var(std::max(0.0, pb - eff)) ? std::min(1.0, pb + eff)
                                                                         : std::max(0.0, pb - eff);
    }
    power_design d;
    d.n_baseline = b.total;
    d.n_canary = c.total;
    d.effect = eff;
    d.var_baseline = var(pb);
    d.var_canary = var(alt);
    d.sequential = ch.label == "sequential";
    apply_power(d, v, "trials");
  }
  add_main(std::move(ch), v);
}

}  // namespace rollgate::detail::canary
