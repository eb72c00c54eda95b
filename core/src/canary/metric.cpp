// The checks of one metric for the canary judge: see metric.hpp and docs/canary.md for the rules
// and where they differ from Kayenta. This file runs an evaluation (metric_eval.hpp): which arms
// are usable, the power rule, and how the checks combine into the metric's classification; the
// checks themselves are in metric_continuous.cpp, metric_rate.cpp and metric_gates.cpp.
#include "canary/metric.hpp"

#include <cmath>      // std::isnan, std::fabs
#include <stdexcept>  // std::exception (Boost.Math errors become NoData)
#include <string>     // std::string
#include <utility>    // std::move

#include "canary/binned.hpp"  // summary_of_bins
#include "canary/metric_eval.hpp"
#include "canary/power.hpp"          // check_power, underpowered_reason
#include "canary/text.hpp"           // num, kNaN
#include "canary/units_compare.hpp"  // units_to_arms
#include "rollgate/stats.hpp"

namespace rollgate::detail::canary {

void metric_eval::no_data(std::string why) {
  r.outcome = classification::no_data;
  r.reasons.push_back(std::move(why));
}

/// Records the metric's main comparison (shift or rate): its verdict, and its numbers as the
/// metric's own test, p-value, estimate and interval.
void metric_eval::add_main(check_result ch, const verdict& v) {
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
bool metric_eval::usable(arm& a, const char* which, bool need_values) {
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
            (m.kind == metric_kind::rate ? "trials" : "samples") + ", need " + num(m.min_samples) +
            " (minSamples)");
    return false;
  }
  return true;
}

/// The change a Pass must be able to detect: the allowance, or with none 10% of the baseline
/// statistic (a metric that tolerates no change still has to see a 10% one); 0 means no scale
/// to size against (a zero baseline and no allowance), and then no power check.
double metric_eval::effect_of(double allowed, double baseline) {
  if (allowed > 0) return allowed;
  return std::isnan(baseline) ? 0 : 0.1 * std::fabs(baseline);
}

double metric_eval::robust_variance(const arm& a) {
  const double iqr = arm_quantile(a, 0.75) - arm_quantile(a, 0.25);
  const double s = iqr / 1.349;
  return s * s;
}

double metric_eval::variance_of(const arm& a, bool binned, bool moments) {
  if (moments) return a.moments.variance;
  return (binned ? summary_of_bins(a.bins) : stats::summarize(a.values)).variance;
}

/// No PASS without power: an underpowered Pass becomes NoData, saying how much more is needed.
void metric_eval::apply_power(power_design& d, verdict& v, const char* unit) {
  d.alpha = cfg.alpha;
  d.power = cfg.power;
  if (cfg.power <= 0) return;
  const power_result pr = check_power(d);
  if (pr.enough) return;
  v.c = classification::no_data;
  v.reason = underpowered_reason(pr, d, unit) + " [" + v.reason + "]";
}

void metric_eval::run(const arm* base, const arm* can) {
  arm missing;
  arm b = base ? *base : missing;
  arm c = can ? *can : missing;
  if (c.nan_count > 0 && m.nan == detail::nan_strategy::remove) c.nan_count = 0;
  if (b.nan_count > 0 && m.nan == detail::nan_strategy::remove) b.nan_count = 0;
  if (const std::string why = units_to_arms(m, b, c); !why.empty()) {
    no_data(why);
    return;
  }
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

void metric_eval::could_not_run(const char* check, const char* what) {
  check_result ch = make_check(check, "error");
  ch.outcome = classification::no_data;
  ch.reason = std::string("the ") + check + " check could not run: " + what;
  add(ch);
}

/// Metric outcome: any failing check fails it (High before Low); else any NoData makes it
/// NoData; else Pass.
void metric_eval::combine() {
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
