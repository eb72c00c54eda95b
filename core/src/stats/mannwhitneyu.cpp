// Mann-Whitney U with scipy 1.10's semantics: see stats.hpp and docs/statistics.md.
//
// The asymptotic path follows scipy's formulas term by term, so results agree to ~1e-15; the
// exact path uses our own distribution (exact_u.cpp), which matches scipy's p-values to rounding.
#include <algorithm>  // std::max
#include <cmath>      // std::sqrt
#include <cstdint>    // std::int64_t, std::uint64_t
#include <string>     // std::to_string

#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"
#include "stats/checks.hpp"
#include "stats/exact_u.hpp"
#include "stats/normal.hpp"
#include "stats/sort.hpp"

namespace rollgate::stats {

using namespace detail;

namespace {

// ---------------------------------------------------------------------------------------------
// Ranking two samples at once (here, beside its one caller, so that it is inlined).

struct rank_info {
  double r1 = 0;        // sum of average ranks of x
  double tie_term = 0;  // sum over tie groups of t^3 - t
  bool has_ties = false;
};

rank_info rank_two(std::vector<double>& x, std::vector<double>& y) {
  sort_doubles(x);
  sort_doubles(y);
  rank_info r;
  std::size_t i = 0, j = 0;
  const std::size_t n1 = x.size(), n2 = y.size();
  double pos = 0;  // number of values already ranked
  while (i < n1 || j < n2) {
    double v;
    if (j >= n2 || (i < n1 && x[i] <= y[j]))
      v = x[i];
    else
      v = y[j];
    std::size_t cx = 0, cy = 0;
    while (i < n1 && x[i] == v) ++i, ++cx;
    while (j < n2 && y[j] == v) ++j, ++cy;
    const double t = static_cast<double>(cx + cy);
    const double avg = pos + (t + 1) / 2;  // average of ranks pos+1 .. pos+t
    r.r1 += static_cast<double>(cx) * avg;
    if (t > 1) {
      r.has_ties = true;
      r.tie_term += t * t * t - t;
    }
    pos += t;
  }
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Mann-Whitney U

mannwhitneyu_result mannwhitneyu(const std::vector<double>& x_in, const std::vector<double>& y_in,
                                 const mannwhitneyu_options& options) {
  std::vector<problem> problems;
  // Infinities are rejected: scipy 1.10's rankdata turns every rank into NaN when one is present.
  std::vector<double> x = clean(x_in, "x", options.nan, 1, problems);
  std::vector<double> y = clean(y_in, "y", options.nan, 1, problems);
  throw_if(problems);
  return guarded("mannwhitneyu", [&]() -> mannwhitneyu_result {
    const double n1 = static_cast<double>(x.size()), n2 = static_cast<double>(y.size());
    const rank_info r = rank_two(x, y);
    const double u1 = r.r1 - n1 * (n1 + 1) / 2;
    const double u2 = n1 * n2 - u1;
    double u, f;
    switch (options.alt) {
      case alternative::greater:
        u = u1, f = 1;
        break;
      case alternative::less:
        u = u2, f = 1;
        break;
      default:
        u = std::max(u1, u2), f = 2;
        break;
    }
    method how = options.how;
    if (how == method::automatic)  // scipy 1.10 _mwu_choose_method
      how = (x.size() > 8 && y.size() > 8) || r.has_ties ? method::asymptotic : method::exact;
    const std::int64_t k = static_cast<std::int64_t>(n1 * n2) - static_cast<std::int64_t>(u);
    if (how == method::exact &&
        !exact_feasible(x.size(), y.size(), static_cast<std::uint64_t>(k))) {
      if (options.how == method::exact)
        throw rollgate::error("rollgate.stats.408", "/method",
                              "exact distribution for sample sizes " + std::to_string(x.size()) +
                                  " and " + std::to_string(y.size()) +
                                  " is beyond the work limit; use method asymptotic");
      how = method::asymptotic;  // automatic: documented fallback (scipy would need > 10 GB)
    }
    mannwhitneyu_result res{u1, 0.0, how, 0.0};
    double p;
    if (how == method::exact) {
      // scipy: sf(int(U)) = cdf(m*n - int(U)), including the mass at U.
      p = exact_u_cdf(x.size(), y.size(), k);
    } else {
      const double mu = n1 * n2 / 2, n = n1 + n2;
      const double s = std::sqrt(n1 * n2 / 12 * ((n + 1) - r.tie_term / (n * (n - 1))));
      double numerator = u - mu;
      if (options.use_continuity) numerator -= 0.5;
      if (!(s > 0)) {
        // Every value tied: scipy gives z = -inf (p 1) with continuity and NaN without; we say
        // "no evidence" in both cases.
        res.z = 0;
        p = 1.0;
      } else {
        res.z = numerator / s;
        p = norm_sf(res.z);
      }
    }
    res.p_value = clip01(p * f);
    return res;
  });
}

}  // namespace rollgate::stats
