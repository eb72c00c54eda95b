// The checks of one metric for the canary judge: see metric.hpp and docs/canary.md for the rules
// and where they differ from Kayenta.
#include "canary/metric.hpp"

#include <algorithm>  // std::min, std::max
#include <cmath>      // std::sqrt, std::isnan, std::fabs, std::ceil
#include <cstdio>     // std::snprintf
#include <stdexcept>  // std::exception (Boost.Math errors become NoData)
#include <string>     // std::string
#include <utility>    // std::pair, std::move

#include <boost/math/distributions/binomial.hpp>    // Clopper-Pearson bounds, binomial tails
#include <boost/math/distributions/normal.hpp>      // z quantiles
#include <boost/math/distributions/students_t.hpp>  // Welch interval

#include "canary/binned.hpp"
#include "canary/text.hpp"
#include "rollgate/sketch.hpp"
#include "rollgate/stats.hpp"

namespace rollgate::detail::canary {
namespace {

// ------------------------------------------------------------------------------------------
// Classification

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

/// Statistic of an arm for gates and quantile checks: exact from samples (numpy 'linear'),
/// the sketch's quantile from sketches.
double arm_quantile(const arm& a, double q) {
  if (a.kind == form::sketch) return a.sketch.front().quantile(q);
  return stats::quantile(a.values, q);
}
double arm_mean(const arm& a) {
  if (a.kind == form::sketch)
    return a.sketch.front().sum() / static_cast<double>(a.sketch.front().count());
  double s = 0;
  for (double v : a.values) s += v;
  return s / static_cast<double>(a.values.size());
}

// ------------------------------------------------------------------------------------------
// Metric evaluation

struct metric_eval {
  const metric_spec& m;
  const detail::canary_config& cfg;
  metric_result r;

  void no_data(std::string why) {
    r.outcome = classification::no_data;
    r.reasons.push_back(std::move(why));
  }

  void add(check_result c) { r.checks.push_back(std::move(c)); }

  /// Records the metric's main comparison (shift or rate): its verdict, and its numbers as the
  /// metric's own test, p-value, estimate and interval.
  void add_main(check_result ch, const verdict& v) {
    ch.outcome = v.c;
    ch.reason = v.reason;
    r.test = ch.label;
    r.p_value = ch.p_value;
    r.estimate = ch.estimate;
    r.lower = ch.lower;
    r.upper = ch.upper;
    add(std::move(ch));
  }

  // arms after NaN handling; returns false (NoData) when unusable
  bool usable(arm& a, const char* which, bool need_values) {
    if (a.kind == form::missing) {
      no_data(std::string("no data for '") + m.name + "' in the " + which);
      return false;
    }
    if (a.nan_count > 0 && m.nan == detail::nan_strategy::fail) {
      no_data(std::string("the ") + which + " has " + std::to_string(a.nan_count) +
              " NaN/null values (nanStrategy \"fail\"; use \"remove\" to drop them)");
      return false;
    }
    if (m.kind == metric_kind::continuous && a.kind == form::counts) {
      no_data(std::string("the ") + which + " sent counts for a continuous metric");
      return false;
    }
    if (m.kind == metric_kind::rate && a.kind == form::sketch) {
      no_data(std::string("the ") + which + " sent a sketch for a rate metric (send counts)");
      return false;
    }
    if (m.kind == metric_kind::rate && a.kind == form::samples) {
      // 0/1 outcomes per unit become counts; anything else cannot be a rate.
      double ev = 0;
      for (double v : a.values) {
        if (v != 0 && v != 1) {
          no_data(std::string("the ") + which +
                  " sent samples that are not 0/1 outcomes for a rate metric (send counts)");
          return false;
        }
        ev += v;
      }
      a.events = ev;
      a.total = static_cast<double>(a.values.size());
      a.kind = form::counts;
    }
    (void)need_values;
    if (a.n() == 0) {
      no_data(std::string("no data for '") + m.name + "' in the " + which + " (0 " +
              (m.kind == metric_kind::rate ? "trials" : "samples") + ")");
      return false;
    }
    if (a.n() < m.min_samples) {
      no_data(std::string("too little data: the ") + which + " has " + num(a.n()) + " " +
              (m.kind == metric_kind::rate ? "trials" : "samples") + ", need " +
              num(m.min_samples) + " (minSamples)");
      return false;
    }
    return true;
  }

  void continuous_compare(arm& b, arm& c) {
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
    const double base_median = arm_quantile(b, 0.5);
    const double can_median = arm_quantile(c, 0.5);
    const double allowed = allowed_change(m, base_median);
    metric_test t = m.test == metric_test::automatic ? metric_test::mann_whitney : m.test;
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
      const stats::sample_summary sc =
          binned ? summary_of_bins(c.bins) : stats::summarize(c.values);
      const stats::sample_summary sb =
          binned ? summary_of_bins(b.bins) : stats::summarize(b.values);
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
    const verdict v =
        classify(m.direction, ch.estimate, ch.lower, ch.upper, ch.p_value, cfg.alpha, ch.allowed,
                 t == metric_test::mann_whitney ? "the median shift" : "the mean");
    add_main(std::move(ch), v);

    // Tail quantiles (Kayenta issue 780: a wider spread with the same median).
    for (double q : m.quantiles) quantile_check(b, c, q);
  }

  bool tail_ok(const arm& a, double q, const char* which, check_result& ch) {
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

  void quantile_check(const arm& b, const arm& c, double q) {
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

  void rate_compare(const arm& b, const arm& c) {
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
    add_main(std::move(ch), v);
  }

  void gates(const arm& c) {
    for (const auto& g : m.gates) {
      std::string label = g.stat;
      if (g.has_min) label += " >= " + num(g.min);
      if (g.has_max) label += (g.has_min ? " and <= " : " <= ") + num(g.max);
      check_result ch = make_check("gate", label);
      ch.allowed = g.has_max ? g.max : g.min;
      if (g.stat == "rate") {
        const double rate = c.events / c.total;
        ch.canary = ch.estimate = rate;
        const double n = c.total, k = c.events;
        using boost::math::binomial_distribution;
        // One-sided Clopper-Pearson bounds at level 1 - alpha.
        ch.lower = binomial_distribution<double>::find_lower_bound_on_p(n, k, cfg.alpha);
        ch.upper = binomial_distribution<double>::find_upper_bound_on_p(n, k, cfg.alpha);
        if (g.has_max && rate > g.max) {
          ch.allowed = g.max;
          if (ch.lower > g.max) {
            ch.outcome = classification::high;
            ch.reason = "rate " + pct(rate) + " (" + num(k) + "/" + num(n) +
                        ") is above the gate " + pct(g.max) + " (lower bound " + pct(ch.lower) +
                        ")";
          } else {
            ch.outcome = classification::no_data;
            ch.reason = "too little data: rate " + pct(rate) + " (" + num(k) + "/" + num(n) +
                        ") is above the gate " + pct(g.max) + " but its lower bound " +
                        pct(ch.lower) + " is not";
          }
        } else if (g.has_min && rate < g.min) {
          ch.allowed = g.min;
          if (ch.upper < g.min) {
            ch.outcome = classification::low;
            ch.reason = "rate " + pct(rate) + " is below the gate " + pct(g.min) +
                        " (upper bound " + pct(ch.upper) + ")";
          } else {
            ch.outcome = classification::no_data;
            ch.reason = "too little data: rate " + pct(rate) + " is below the gate " + pct(g.min) +
                        " but its upper bound " + pct(ch.upper) + " is not";
          }
        } else {
          ch.outcome = classification::pass;
          ch.reason = "rate " + pct(rate) + " (" + num(k) + "/" + num(n) + ") meets " + label;
        }
        add(ch);
        continue;
      }
      if (g.q > 0 && !tail_ok(c, std::max(g.q, 1 - g.q), "canary", ch)) {
        add(ch);
        continue;
      }
      const double v = g.stat == "mean" ? arm_mean(c) : arm_quantile(c, g.q);
      ch.canary = ch.estimate = v;
      if (g.has_max && v > g.max) {
        ch.outcome = classification::high;
        ch.reason = g.stat + " " + num(v) + " is above the gate " + num(g.max);
      } else if (g.has_min && v < g.min) {
        ch.outcome = classification::low;
        ch.reason = g.stat + " " + num(v) + " is below the gate " + num(g.min);
      } else {
        ch.outcome = classification::pass;
        ch.reason = g.stat + " " + num(v) + " meets " + label;
      }
      add(ch);
    }
  }

  void run(const arm* base, const arm* can) {
    arm missing;
    arm b = base ? *base : missing;
    arm c = can ? *can : missing;
    if (c.nan_count > 0 && m.nan == detail::nan_strategy::remove) c.nan_count = 0;
    if (b.nan_count > 0 && m.nan == detail::nan_strategy::remove) b.nan_count = 0;
    r.canary_count = c.n();
    r.baseline_count = b.n();
    if (!usable(c, "canary", true)) return;
    r.canary_count = c.n();
    if (!m.gates.empty()) {
      try {
        gates(c);
      } catch (const std::exception& e) {
        could_not_run("gate", e.what());
      }
    }
    if (m.compare) {
      if (usable(b, "baseline", true)) {
        r.baseline_count = b.n();
        try {
          if (m.kind == metric_kind::continuous) {
            continuous_compare(b, c);
          } else {
            rate_compare(b, c);
          }
        } catch (const std::exception& e) {
          // A degenerate input a test refuses (rollgate::error from stats.hpp), or a Boost.Math
          // domain error: an explicit NoData, never an exception of another type to the caller.
          could_not_run(m.kind == metric_kind::rate ? "rate" : "shift", e.what());
        }
      }
    }
    combine();
  }

  void could_not_run(const char* check, const char* what) {
    check_result ch = make_check(check, "error");
    ch.outcome = classification::no_data;
    ch.reason = std::string("the ") + check + " check could not run: " + what;
    add(ch);
  }

  /// Metric outcome: any failing check fails it (High before Low); else any NoData makes it
  /// NoData; else Pass.
  void combine() {
    if (!r.reasons.empty() && r.checks.empty()) return;  // NoData already explained
    bool high = false, low = false, nodata = !r.reasons.empty();
    for (const auto& ch : r.checks) {
      high = high || ch.outcome == classification::high;
      low = low || ch.outcome == classification::low;
      nodata = nodata || ch.outcome == classification::no_data;
    }
    const classification target = high     ? classification::high
                                  : low    ? classification::low
                                  : nodata ? classification::no_data
                                           : classification::pass;
    r.outcome = target;
    for (const auto& ch : r.checks) {
      if (ch.outcome == target || target == classification::pass) r.reasons.push_back(ch.reason);
    }
    if (r.reasons.empty()) r.reasons.push_back("no check ran");
  }
};

}  // namespace

metric_result evaluate_metric(const metric_spec& m, const canary_config& cfg, const arm* base,
                              const arm* can) {
  metric_eval e{m, cfg, {}};
  e.r.name = m.name;
  e.r.kind = m.kind == metric_kind::rate ? "rate" : "continuous";
  e.r.direction = m.direction == bad_direction::increase   ? "increase"
                  : m.direction == bad_direction::decrease ? "decrease"
                                                           : "either";
  e.r.group = m.group;
  e.r.weight = m.weight;
  e.r.critical = m.critical;
  e.r.must_have_data = m.must_have_data;
  e.r.p_value = e.r.estimate = e.r.lower = e.r.upper = kNaN;
  e.run(base, can);
  return std::move(e.r);
}

}  // namespace rollgate::detail::canary
