// The canary judge's continuous checks (metric_eval.hpp): the shift of the distribution
// (Mann-Whitney U with its Hodges-Lehmann interval, Welch's t, or binned on sketches) and the tail
// quantile checks.
#include <algorithm>  // std::min, std::max
#include <cmath>      // std::sqrt, std::isnan, std::fabs, std::ceil
#include <string>     // std::string
#include <utility>    // std::move

#include <boost/math/distributions/binomial.hpp>    // binomial tails of quantile exceedances
#include <boost/math/distributions/students_t.hpp>  // Welch interval

#include "canary/binned.hpp"
#include "canary/metric_eval.hpp"
#include "canary/text.hpp"  // num, kNaN
#include "rollgate/sketch.hpp"
#include "rollgate/stats.hpp"

namespace rollgate::detail::canary {

void metric_eval::continuous_compare(arm& b, arm& c) {
  // With a sketch on either side, compare on buckets: the raw side is sketched alike.
  const bool binned = b.kind == form::sketch || c.kind == form::sketch;
  if (binned) {
    for (arm* a : {&b, &c}) {
      if (a->kind == form::samples) {
        const quantile_sketch& ref = (b.kind == form::sketch ? b : c).sketch.front();
        quantile_sketch s(ref.relative_accuracy(), ref.max_buckets());
        s.add_all(a->values);
        a->bins = bins_of(s);
        a->sketch.push_back(std::move(s));
        a->kind = form::sketch;
      }
    }
  }
  const bool moments = b.kind == form::moments;
  const double base_median = arm_quantile(b, 0.5);
  const double can_median = arm_quantile(c, 0.5);
  const double allowed = allowed_change(m, base_median);
  metric_test t = m.test == metric_test::automatic ? metric_test::mann_whitney : m.test;
  // Per-unit values are mostly zeros (units without the event): ranks would say little, and
  // only moments are kept, so unit metrics compare means (Welch, or the sequential test).
  if (moments && t == metric_test::mann_whitney) t = metric_test::welch;
  check_result ch = make_check("shift", "");
  ch.allowed = allowed;
  if (t == metric_test::mann_whitney) {
    ch.label = binned ? "mannWhitney (binned)" : "mannWhitney";
    ch.baseline = base_median;
    ch.canary = can_median;
    if (binned) {
      const binned_mwu u = mwu_binned(c.bins, b.bins);
      const shift s = hl_binned(c.bins, b.bins, cfg.alpha, u.var);
      ch.p_value = u.p_value;
      ch.estimate = s.estimate;
      ch.lower = s.lower;
      ch.upper = s.upper;
    } else {
      const auto u = stats::mannwhitneyu(c.values, b.values);
      stats::hodges_lehmann_options ho;
      ho.confidence = 1 - cfg.alpha;
      const auto hl = stats::hodges_lehmann(c.values, b.values, ho);
      ch.p_value = u.p_value;
      ch.estimate = hl.estimate;
      ch.lower = hl.lower;
      ch.upper = hl.upper;
    }
  } else {
    // welch and sequential: difference in means
    const stats::sample_summary sc = moments  ? c.moments
                                     : binned ? summary_of_bins(c.bins)
                                              : stats::summarize(c.values);
    const stats::sample_summary sb = moments  ? b.moments
                                     : binned ? summary_of_bins(b.bins)
                                              : stats::summarize(b.values);
    ch.baseline = sb.mean;
    ch.canary = sc.mean;
    ch.estimate = sc.mean - sb.mean;
    if (t == metric_test::welch) {
      ch.label = "welch";
      if (sc.variance == 0 && sb.variance == 0) {
        ch.p_value = ch.estimate == 0 ? 1.0 : 0.0;
        ch.lower = ch.upper = ch.estimate;
      } else {
        const auto w = stats::welch_t_test(sc, sb);
        ch.p_value = w.p_value;
        const double se = std::sqrt(sc.variance / sc.count + sb.variance / sb.count);
        const boost::math::students_t td(w.df);
        const double tq = boost::math::quantile(td, 1 - cfg.alpha / 2);
        ch.lower = ch.estimate - tq * se;
        ch.upper = ch.estimate + tq * se;
      }
    } else {
      ch.label = "sequential";
      stats::sequential_options so;
      so.alpha = cfg.alpha;
      const auto s = stats::sequential_mean_test(sc, sb, so);
      ch.p_value = s.p_value;
      ch.lower = s.lower;
      ch.upper = s.upper;
    }
    ch.allowed = allowed_change(m, sb.mean);
  }
  verdict v =
      classify(m.direction, ch.estimate, ch.lower, ch.upper, ch.p_value, cfg.alpha, ch.allowed,
               t == metric_test::mann_whitney ? "the median shift" : "the mean");
  if (v.c == classification::pass) {
    power_design d;
    d.n_baseline = b.n();
    d.n_canary = c.n();
    d.effect = effect_of(ch.allowed, t == metric_test::mann_whitney ? ch.baseline : ch.baseline);
    d.sequential = t == metric_test::sequential;
    if (t == metric_test::mann_whitney) {
      // A robust scale (IQR / 1.349) and Mann-Whitney's efficiency relative to the t-test
      // under normality (3 / pi): latency is heavy-tailed, and a variance would be dominated
      // by a few slow requests that the rank test does not care about.
      const double sb = robust_variance(b), sc = robust_variance(c);
      d.var_baseline = sb / (3 / 3.141592653589793);
      d.var_canary = sc / (3 / 3.141592653589793);
    } else {
      d.var_baseline = variance_of(b, binned, moments);
      d.var_canary = variance_of(c, binned, moments);
    }
    apply_power(d, v, moments ? "units" : "samples");
  }
  if (moments && b.capped + c.capped > 0) {
    v.reason += "; " + num(b.capped + c.capped) + " units winsorised at the " +
                num(m.cap_quantile * 100) + "th percentile";
  }
  add_main(std::move(ch), v);

  // Tail quantiles (Kayenta issue 780: a wider spread with the same median).
  for (double q : m.quantiles) {
    if (moments) {
      check_result qc = make_check("quantile", pname(q));
      qc.outcome = classification::no_data;
      qc.reason = "a unit summary has no quantiles: " + qc.label + " needs samples or a sketch";
      add(qc);
    } else {
      quantile_check(b, c, q);
    }
  }
}

bool metric_eval::tail_ok(const arm& a, double q, const char* which, check_result& ch) {
  if (a.n() * (1 - q) < m.min_tail_samples) {
    ch.outcome = classification::no_data;
    ch.reason = std::string("too little data for ") + ch.label + ": the " + which + " has " +
                num(a.n()) + " samples, " + ch.label + " needs " +
                num(std::ceil(m.min_tail_samples / (1 - q))) + " (minTailSamples " +
                num(m.min_tail_samples) + " beyond it)";
    return false;
  }
  return true;
}

void metric_eval::quantile_check(const arm& b, const arm& c, double q) {
  check_result ch = make_check("quantile", pname(q));
  if (!tail_ok(b, q, "baseline", ch) || !tail_ok(c, q, "canary", ch)) {
    add(ch);
    return;
  }
  const double qb = arm_quantile(b, q);
  const double qc = arm_quantile(c, q);
  ch.baseline = qb;
  ch.canary = qc;
  ch.estimate = qc - qb;
  ch.allowed = allowed_change(m, qb);
  // Significance: how many canary values exceed (fall below) the baseline's quantile. Under
  // "no change" that count is Binomial(n, 1 - q) (resp. q).
  double above = 0, below = 0, n = 0;
  if (c.kind == form::samples) {
    for (double v : c.values) {
      above += v > qb;
      below += v < qb;
    }
    n = static_cast<double>(c.values.size());
  } else {
    for (const auto& bn : c.bins) {
      if (bn.first > qb) above += bn.second;
      if (bn.first < qb) below += bn.second;
      n += bn.second;
    }
  }
  const boost::math::binomial_distribution<double> up(n, 1 - q), down(n, q);
  const double p_up = above < 1 ? 1.0 : boost::math::cdf(boost::math::complement(up, above - 1));
  const double p_down =
      below < 1 ? 1.0 : boost::math::cdf(boost::math::complement(down, below - 1));
  const bool bad_up = m.direction != bad_direction::decrease;
  const bool bad_down = m.direction != bad_direction::increase;
  const std::string what = ch.label + " (" + num(qb) + " -> " + num(qc) + ")";
  if (bad_up && ch.estimate > ch.allowed) {
    ch.p_value = p_up;
    if (p_up < cfg.alpha) {
      ch.outcome = classification::high;
      ch.reason = what + " rose by " + num(ch.estimate) + ", beyond the allowed +" +
                  num(ch.allowed) + "; " + num(above) + " of " + num(n) +
                  " canary values exceed the baseline " + ch.label + " (p=" + num(p_up) + ")";
    } else {
      ch.outcome = classification::no_data;
      ch.reason = "too little data: " + what + " rose beyond the allowed +" + num(ch.allowed) +
                  " but not significantly (p=" + num(p_up) + ")";
    }
  } else if (bad_down && ch.estimate < -ch.allowed) {
    ch.p_value = p_down;
    if (p_down < cfg.alpha) {
      ch.outcome = classification::low;
      ch.reason = what + " fell by " + num(-ch.estimate) + ", beyond the allowed -" +
                  num(ch.allowed) + " (p=" + num(p_down) + ")";
    } else {
      ch.outcome = classification::no_data;
      ch.reason = "too little data: " + what + " fell beyond the allowed -" + num(ch.allowed) +
                  " but not significantly (p=" + num(p_down) + ")";
    }
  } else {
    ch.p_value = std::min(1.0, 2 * std::min(p_up, p_down));
    ch.outcome = classification::pass;
    ch.reason = what + " within the allowed change of " + num(ch.allowed);
  }
  add(ch);
}

}  // namespace rollgate::detail::canary
