// The canary judge of canary.hpp. Per metric: read each arm's data (samples, sketch or counts),
// run the checks the config asks for (shift, tail quantiles, rate, absolute gates), classify;
// then score by groups and decide. See docs/canary.md for the rules and where they differ
// from Kayenta.
#include "rollgate/canary.hpp"

#include <algorithm>  // std::sort, std::max
#include <cmath>      // std::sqrt, std::isnan, std::fabs
#include <cstdio>     // std::snprintf
#include <limits>     // std::numeric_limits
#include <map>        // std::map
#include <stdexcept>  // std::exception (Boost.Math errors become NoData)
#include <utility>    // std::pair

#include <boost/math/distributions/binomial.hpp>    // Clopper-Pearson bounds, binomial tails
#include <boost/math/distributions/normal.hpp>      // z quantiles
#include <boost/math/distributions/students_t.hpp>  // Welch interval

#include "detail/canary_config.hpp"
#include "detail/json_input.hpp"
#include "rollgate/error.hpp"
#include "rollgate/sketch.hpp"
#include "rollgate/stats.hpp"

namespace rollgate {
namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;  // output keeps the documented key order
using detail::bad_direction;
using detail::metric_kind;
using detail::metric_spec;
using detail::metric_test;
using detail::pointer_append;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string num(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);  // counts read as counts, not 2e+04
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  }
  return buf;
}
std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g%%", v * 100);
  return buf;
}

// ------------------------------------------------------------------------------------------
// Data of one arm

enum class form { missing, samples, sketch, counts };

struct arm {
  form kind = form::missing;
  std::vector<double> values;  // samples, NaN dropped
  std::size_t nan_count = 0;
  // sketch: the sketch and its buckets as (representative value, count), ascending
  std::vector<quantile_sketch> sketch;  // 0 or 1 element (quantile_sketch has no default state)
  std::vector<std::pair<double, double>> bins;
  double events = 0, total = 0;
  double n() const {
    if (kind == form::samples) return static_cast<double>(values.size());
    if (kind == form::sketch) return static_cast<double>(sketch.front().count());
    if (kind == form::counts) return total;
    return 0;
  }
};

/// A sketch's buckets as (representative value, count), ascending: the tie groups of the binned
/// Mann-Whitney and Hodges-Lehmann computations.
std::vector<std::pair<double, double>> bins_of(const quantile_sketch& sketch) {
  std::vector<std::pair<double, double>> out;
  for (const auto& b : sketch.buckets()) out.emplace_back(b.value, static_cast<double>(b.count));
  return out;
}

bool is_integer(double v) {
  return v == std::floor(v);
}

arm parse_arm(const json& d, const std::string& ptr, std::vector<problem>& out) {
  arm a;
  if (d.is_array()) {
    a.kind = form::samples;
    a.values.reserve(d.size());
    for (std::size_t i = 0; i < d.size(); ++i) {
      const json& v = d[i];
      if (v.is_number()) {
        const double x = v.get<double>();
        if (std::isnan(x)) {
          ++a.nan_count;
        } else if (!std::isfinite(x)) {
          out.push_back({"rollgate.canary.511", pointer_append(ptr, i), "sample is infinite"});
        } else {
          a.values.push_back(x);
        }
      } else if (v.is_null() || (v.is_string() && (v == "NaN" || v == "nan"))) {
        ++a.nan_count;  // metric stores report gaps as null or "NaN": an explicit NoData later
      } else {
        out.push_back({"rollgate.canary.511", pointer_append(ptr, i),
                       std::string("a sample must be a number (or null/\"NaN\" for a gap), got ") +
                           detail::json_type_name(v)});
      }
    }
    return a;
  }
  if (d.is_object() && d.contains("type")) {
    try {
      a.sketch.push_back(quantile_sketch::from_json(d.dump()));
      a.bins = bins_of(a.sketch.front());
      a.kind = form::sketch;
    } catch (const error& e) {
      for (const auto& p : e.problems()) {
        out.push_back({"rollgate.canary.512", ptr + p.pointer,
                       "invalid sketch: " + p.message + " [" + p.code + "]"});
      }
    }
    return a;
  }
  if (d.is_object() && (d.contains("events") || d.contains("total"))) {
    bool ok = true;
    for (const char* k : {"events", "total"}) {
      const std::string kp = pointer_append(ptr, k);
      if (!d.contains(k)) {
        out.push_back({"rollgate.canary.511", ptr, std::string("counts need \"") + k + "\""});
        ok = false;
      } else if (!d[k].is_number() || !std::isfinite(d[k].get<double>()) ||
                 d[k].get<double>() < 0 || !is_integer(d[k].get<double>()) ||
                 d[k].get<double>() > 9.0e15) {
        out.push_back({"rollgate.canary.511", kp, "must be a non-negative integer"});
        ok = false;
      }
    }
    for (auto it = d.begin(); it != d.end(); ++it) {
      if (it.key() != "events" && it.key() != "total") {
        out.push_back({"rollgate.canary.511", pointer_append(ptr, it.key()),
                       "unknown field '" + it.key() + "' in counts (known: events, total)"});
        ok = false;
      }
    }
    if (ok) {
      a.events = d["events"].get<double>();
      a.total = d["total"].get<double>();
      if (a.events > a.total) {
        out.push_back({"rollgate.canary.511", pointer_append(ptr, "events"),
                       "events (" + num(a.events) + ") exceed total (" + num(a.total) + ")"});
      } else {
        a.kind = form::counts;
      }
    }
    return a;
  }
  out.push_back({"rollgate.canary.511", ptr,
                 std::string("metric data must be an array of samples, a sketch or counts "
                             "{\"events\", \"total\"}, got ") +
                     detail::json_type_name(d)});
  return a;
}

std::map<std::string, arm> parse_data(std::string_view text, const char* what,
                                      std::vector<problem>& out) {
  std::map<std::string, arm> arms;
  const json doc = detail::parse_input(text, what);
  const std::string base = std::string("/") + what;
  if (!doc.is_object() || !doc.contains("metrics") || !doc["metrics"].is_object()) {
    out.push_back({"rollgate.canary.510", base,
                   std::string(what) + " must be an object {\"metrics\": {name: data}}"});
    return arms;
  }
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "metrics" && it.key() != "name" && it.key() != "scope") {
      out.push_back({"rollgate.canary.510", pointer_append(base, it.key()),
                     "unknown field '" + it.key() + "' (known: metrics, name, scope)"});
    }
  }
  const json& m = doc["metrics"];
  for (auto it = m.begin(); it != m.end(); ++it) {
    arms[it.key()] =
        parse_arm(it.value(), pointer_append(pointer_append(base, "metrics"), it.key()), out);
  }
  return arms;
}

// ------------------------------------------------------------------------------------------
// Statistics on binned data (sketch buckets): each bin is one tie group.

struct binned_mwu {
  double p_value;
  double u;
  double var;  // tie-corrected variance of U
};

/// Two-sided Mann-Whitney U of x against y on binned data, asymptotic with continuity and tie
/// correction: identical to scipy's asymptotic test on the expanded samples.
binned_mwu mwu_binned(const std::vector<std::pair<double, double>>& x,
                      const std::vector<std::pair<double, double>>& y) {
  double n1 = 0, n2 = 0;
  for (const auto& b : x) n1 += b.second;
  for (const auto& b : y) n2 += b.second;
  double u = 0, ties = 0, y_below = 0;
  std::size_t i = 0, j = 0;
  while (i < x.size() || j < y.size()) {
    double v;
    if (j >= y.size() || (i < x.size() && x[i].first < y[j].first)) {
      v = x[i].first;
    } else {
      v = y[j].first;
    }
    double cx = 0, cy = 0;
    if (i < x.size() && x[i].first == v) cx = x[i++].second;
    if (j < y.size() && y[j].first == v) cy = y[j++].second;
    u += cx * (y_below + cy / 2);
    y_below += cy;
    const double t = cx + cy;
    ties += t * t * t - t;
  }
  const double n = n1 + n2;
  const double mu = n1 * n2 / 2;
  const double var = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)));
  binned_mwu r{1.0, u, var};
  if (var > 0) {
    const double z = (std::fabs(u - mu) - 0.5) / std::sqrt(var);
    const boost::math::normal nd;
    r.p_value = z <= 0 ? 1.0 : std::min(1.0, 2 * boost::math::cdf(boost::math::complement(nd, z)));
  }
  return r;
}

/// Hodges-Lehmann shift x - y on binned data: weighted order statistics of the pairwise
/// differences of bin values (weights count_x * count_y), CI ranks from the normal approximation
/// with the tie-corrected variance.
struct shift {
  double estimate, lower, upper;
};
shift hl_binned(const std::vector<std::pair<double, double>>& x,
                const std::vector<std::pair<double, double>>& y, double alpha, double var) {
  // The bucket lists are sorted ascending; the pairwise differences are never materialised
  // (2 x 2048 buckets would be 16M pairs): order statistics come from a weighted count of pairs
  // at or below a threshold, O(|x| + |y|), inside a bisection on the value.
  double wy_total = 0, total = 0;
  for (const auto& b : y) wy_total += b.second;
  for (const auto& a : x) total += a.second * wy_total;
  // weight of pairs with x_i - y_j <= t, i.e. y_j >= x_i - t
  auto count_le = [&](double t) {
    double c = 0, below = 0;  // below: weight of y_j < x_i - t (grows with i)
    std::size_t j = 0;
    for (const auto& a : x) {
      while (j < y.size() && y[j].first < a.first - t) below += y[j++].second;
      c += a.second * (wy_total - below);
    }
    return c;
  };
  // smallest difference strictly above t
  auto next_above = [&](double t) {
    double best = std::numeric_limits<double>::infinity();
    std::size_t j = 0;  // first y_j with x_i - y_j <= t, i.e. y_j >= x_i - t
    for (const auto& a : x) {
      while (j < y.size() && y[j].first < a.first - t) ++j;
      if (j > 0) best = std::min(best, a.first - y[j - 1].first);  // largest y_j below: > t
    }
    return best;
  };
  const double lo_all = x.front().first - y.back().first;
  const double hi_all = x.back().first - y.front().first;
  // value of the k-th smallest difference (1-based rank)
  auto at_rank = [&](double k) {
    if (count_le(lo_all) >= k) return lo_all;
    double lo = lo_all, hi = hi_all;  // invariant: count_le(lo) < k <= count_le(hi)
    for (int it = 0; it < 200 && hi > lo; ++it) {
      const double mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) break;
      (count_le(mid) >= k ? hi : lo) = mid;
    }
    // The smallest difference above lo is the k-th unless (lo, hi] still holds several distinct
    // differences; step through them (each step passes one value, so this ends).
    double d = next_above(lo);
    while (count_le(d) < k) {
      const double next = next_above(d);
      if (!(next > d)) break;  // rounding guard: never loop in place
      d = next;
    }
    return d;
  };
  const double mid =
      (at_rank(std::floor((total + 1) / 2)) + at_rank(std::ceil((total + 1) / 2))) / 2;
  const boost::math::normal nd;
  const double z = boost::math::quantile(nd, 1 - alpha / 2);
  double k = std::floor(total / 2 - z * std::sqrt(std::max(var, 0.0)));
  if (k < 1) k = 1;
  return {mid, at_rank(k), at_rank(total - k + 1)};
}

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

stats::sample_summary summary_of_bins(const std::vector<std::pair<double, double>>& bins) {
  double n = 0, mean = 0, m2 = 0;
  for (const auto& b : bins) {  // weighted Welford update
    const double w = b.second;
    const double delta = b.first - mean;
    n += w;
    mean += delta * w / n;
    m2 += w * delta * (b.first - mean);
  }
  return {n, mean, n > 1 ? m2 / (n - 1) : 0};
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

  void run(arm* base, arm* can) {
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

const char* to_string(classification c) noexcept {
  switch (c) {
    case classification::pass:
      return "Pass";
    case classification::high:
      return "High";
    case classification::low:
      return "Low";
    default:
      return "NoData";
  }
}

const char* to_string(decision d) noexcept {
  switch (d) {
    case decision::pass:
      return "PASS";
    case decision::rollback:
      return "ROLLBACK";
    default:
      return "HOLD";
  }
}

void validate_canary_config(std::string_view canary_config_json) {
  (void)detail::load_canary_config(detail::parse_input(canary_config_json, "canary config"));
}

analysis judge(std::string_view canary_config_json, std::string_view baseline_json,
               std::string_view canary_json) {
  const detail::canary_config cfg =
      detail::load_canary_config(detail::parse_input(canary_config_json, "canary config"));
  std::vector<problem> bad;
  auto base = parse_data(baseline_json, "baseline", bad);
  auto can = parse_data(canary_json, "canary", bad);
  if (!bad.empty()) throw error(std::move(bad));

  analysis out;
  for (const auto& m : cfg.metrics) {
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
    auto bi = base.find(m.name);
    auto ci = can.find(m.name);
    e.run(bi == base.end() ? nullptr : &bi->second, ci == can.end() ? nullptr : &ci->second);
    out.metrics.push_back(std::move(e.r));
  }

  // ---- groups and score
  std::vector<std::string> order;
  std::map<std::string, std::pair<double, double>> sums;  // group -> (passing, classified)
  for (const auto& r : out.metrics) {
    if (!sums.count(r.group)) order.push_back(r.group);
    auto& s = sums[r.group];
    if (r.outcome == classification::no_data) continue;
    s.second += r.weight;
    if (r.outcome == classification::pass) s.first += r.weight;
  }
  double configured = 0;
  std::size_t unlisted = 0;
  std::map<std::string, double> weights;
  for (const auto& [g, w] : cfg.group_weights) weights[g] = w;
  for (const auto& g : order) {
    if (weights.count(g)) {
      configured += weights[g];
    } else {
      ++unlisted;
    }
  }
  const double rest =
      unlisted ? std::max(0.0, 100 - configured) / static_cast<double>(unlisted) : 0;
  double wsum = 0, ssum = 0;
  for (const auto& g : order) {
    group_score gs{g, weights.count(g) ? weights[g] : rest, kNaN};
    const auto& s = sums[g];
    if (s.second > 0) {
      gs.score = 100 * s.first / s.second;
      wsum += gs.weight;
      ssum += gs.weight * gs.score;
    }
    out.groups.push_back(gs);
  }
  out.score = wsum > 0 ? ssum / wsum : kNaN;

  // ---- decision
  std::vector<std::string> blocking;  // NoData that keeps us from PASS
  std::size_t failing = 0;
  for (const auto& r : out.metrics) {
    const bool fail = r.outcome == classification::high || r.outcome == classification::low;
    failing += fail;
    if (fail && r.critical) out.critical_failures.push_back(r.name);
    if (r.outcome == classification::no_data && r.must_have_data) blocking.push_back(r.name);
  }
  auto names = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& n : v) s += (s.empty() ? "" : ", ") + n;
    return s;
  };
  if (!out.critical_failures.empty()) {
    out.verdict = decision::rollback;
    out.reasons.push_back("critical metric failed: " + names(out.critical_failures));
  } else if (std::isnan(out.score)) {
    out.verdict = decision::hold;
    out.reasons.push_back("no metric had enough data to score: " + names(blocking));
  } else if (failing == 0 && blocking.empty() && out.score >= cfg.pass_threshold) {
    out.verdict = decision::pass;
    out.reasons.push_back("all metrics passed (score " + num(out.score) + ")");
  } else if (out.score < cfg.marginal_threshold) {
    out.verdict = decision::rollback;
    out.reasons.push_back("score " + num(out.score) + " is below the marginal threshold " +
                          num(cfg.marginal_threshold));
  } else {
    out.verdict = decision::hold;
    if (failing > 0) {
      out.reasons.push_back(std::to_string(failing) + " metric(s) failed; score " + num(out.score) +
                            " is between the thresholds " + num(cfg.marginal_threshold) + " and " +
                            num(cfg.pass_threshold));
    }
    if (!blocking.empty()) out.reasons.push_back("need more data for: " + names(blocking));
    if (out.reasons.empty()) {
      out.reasons.push_back("score " + num(out.score) + " is below the pass threshold " +
                            num(cfg.pass_threshold));
    }
  }
  return out;
}

namespace {
ojson number_or_null(double v) {
  return std::isfinite(v) ? ojson(v) : ojson(nullptr);
}
/// Counts and weights print as integers when they are (2000, not 2000.0).
ojson count(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9.0e15) return ojson(static_cast<std::int64_t>(v));
  return ojson(v);
}
}  // namespace

std::string to_json(const analysis& a) {
  ojson metrics = ojson::array();
  for (const auto& r : a.metrics) {
    ojson checks = ojson::array();
    for (const auto& c : r.checks) {
      checks.push_back({{"check", c.check},
                        {"label", c.label},
                        {"classification", to_string(c.outcome)},
                        {"pValue", number_or_null(c.p_value)},
                        {"estimate", number_or_null(c.estimate)},
                        {"lower", number_or_null(c.lower)},
                        {"upper", number_or_null(c.upper)},
                        {"allowed", number_or_null(c.allowed)},
                        {"baseline", number_or_null(c.baseline)},
                        {"canary", number_or_null(c.canary)},
                        {"reason", c.reason}});
    }
    metrics.push_back({{"name", r.name},
                       {"kind", r.kind},
                       {"direction", r.direction},
                       {"group", r.group},
                       {"weight", count(r.weight)},
                       {"critical", r.critical},
                       {"mustHaveData", r.must_have_data},
                       {"classification", to_string(r.outcome)},
                       {"test", r.test.empty() ? ojson(nullptr) : ojson(r.test)},
                       {"pValue", number_or_null(r.p_value)},
                       {"estimate", number_or_null(r.estimate)},
                       {"interval", {number_or_null(r.lower), number_or_null(r.upper)}},
                       {"baselineCount", count(r.baseline_count)},
                       {"canaryCount", count(r.canary_count)},
                       {"reasons", r.reasons},
                       {"checks", checks}});
  }
  ojson groups = ojson::array();
  for (const auto& g : a.groups) {
    groups.push_back(
        {{"name", g.name}, {"weight", count(g.weight)}, {"score", number_or_null(g.score)}});
  }
  const ojson out = {{"decision", to_string(a.verdict)},
                     {"score", number_or_null(a.score)},
                     {"reasons", a.reasons},
                     {"criticalFailures", a.critical_failures},
                     {"groups", groups},
                     {"metrics", metrics}};
  return out.dump();
}

}  // namespace rollgate
