// The canary judge's absolute gates (metric_eval.hpp): a canary's rate, mean or quantile against
// a fixed bound, with Clopper-Pearson bounds for rates.
#include <algorithm>  // std::max
#include <string>     // std::string
#include <utility>    // std::move

#include <boost/math/distributions/binomial.hpp>  // Clopper-Pearson bounds

#include "canary/metric_eval.hpp"
#include "canary/text.hpp"  // num, kNaN

namespace rollgate::detail::canary {

void metric_eval::gates(const arm& c) {
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
          ch.reason = "rate " + pct(rate) + " (" + num(k) + "/" + num(n) + ") is above the gate " +
                      pct(g.max) + " (lower bound " + pct(ch.lower) + ")";
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
          ch.reason = "rate " + pct(rate) + " is below the gate " + pct(g.min) + " (upper bound " +
                      pct(ch.upper) + ")";
        } else {
          ch.outcome = classification::no_data;
          ch.reason = "too little data: rate " + pct(rate) + " is below the gate " + pct(g.min) +
                      " but its upper bound " + pct(ch.upper) + " is not";
        }
      } else {
        ch.outcome = classification::pass;
        ch.reason = "rate " + pct(rate) + " (" + num(k) + "/" + num(n) + ") meets " + label;
        if (g.has_max && !m.compare && g.max > 0 && g.max < 0.5) {
          // Gate-only (no baseline): the window must be able to show a rate of twice the gate
          // above it, with the one-sided bound the gate uses.
          power_design d;
          d.n_canary = n;
          d.n_baseline = 1;  // no baseline: its term is 0
          d.var_canary = 2 * g.max * (1 - 2 * g.max);
          d.effect = g.max;
          d.one_sided = true;
          verdict gv{ch.outcome, ch.reason};
          apply_power(d, gv, "requests");
          ch.outcome = gv.c;
          ch.reason = gv.reason;
        }
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

}  // namespace rollgate::detail::canary
