// "No PASS without power" (power.hpp; docs/canary.md, "Power").
#include "canary/power.hpp"

#include <cmath>  // std::sqrt, std::log, std::ceil, std::isfinite

#include <boost/math/distributions/normal.hpp>  // z quantiles

#include "canary/text.hpp"

namespace rollgate::detail::canary {
namespace {

/// mSPRT confidence-sequence half-width for an estimate of variance v (stats/sequential.cpp, with
/// its automatic mixing variance tau2 = 0.01 * the per-observation variance).
double sequential_half(double v, double unit_variance, double alpha) {
  const double t2 = 0.01 * unit_variance;
  if (!(v > 0) || !(t2 > 0)) return 0;
  return std::sqrt((2 * v * (v + t2) / t2) * (std::log(1 / alpha) + 0.5 * std::log((v + t2) / v)));
}

double detectable(const power_design& d, double k) {
  const double v = d.var_canary / (k * d.n_canary) + d.var_baseline / (k * d.n_baseline);
  const double se = std::sqrt(v);
  const boost::math::normal nd;
  const double zp = boost::math::quantile(nd, d.power);
  double crit;
  if (d.sequential) {
    crit = sequential_half(v, (d.var_canary + d.var_baseline) / 2, d.alpha);
  } else {
    crit = boost::math::quantile(nd, 1 - (d.one_sided ? d.alpha : d.alpha / 2)) * se;
  }
  return crit + zp * se;
}

}  // namespace

power_result check_power(const power_design& d) {
  power_result r;
  r.need_canary = d.n_canary;
  r.need_baseline = d.n_baseline;
  if (!(d.effect > 0) || !(d.n_canary > 0) || !(d.n_baseline > 0) || d.power <= 0) return r;
  if (!(d.var_canary + d.var_baseline > 0)) return r;  // no spread at all: nothing to wait for
  r.detectable = detectable(d, 1);
  if (r.detectable <= d.effect) return r;
  r.enough = false;
  // detectable(k) falls as k grows (as 1/sqrt(k), a little slower for the mSPRT): bisect.
  double lo = 1, hi = 2;
  while (detectable(d, hi) > d.effect && hi < 1e12) hi *= 2;
  for (int i = 0; i < 60 && hi - lo > 1e-6 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (detectable(d, mid) > d.effect ? lo : hi) = mid;
  }
  r.need_canary = std::ceil(hi * d.n_canary);
  r.need_baseline = std::ceil(hi * d.n_baseline);
  return r;
}

std::string underpowered_reason(const power_result& r, const power_design& d, const char* unit) {
  const double more = r.need_canary - d.n_canary;
  std::string s = "too little data to pass: with " + num(d.n_canary) + " canary and " +
                  num(d.n_baseline) + " baseline " + unit + " the smallest change detected with " +
                  num(d.power * 100) + "% power is " + num(r.detectable) +
                  ", more than the change guarded against (" + num(d.effect) +
                  "); the canary needs about " + num(more > 0 ? more : 0) + " more " + unit + " (" +
                  num(r.need_canary) + " in all";
  if (r.need_baseline > d.n_baseline) s += ", the baseline " + num(r.need_baseline);
  return s + ")";
}

}  // namespace rollgate::detail::canary
