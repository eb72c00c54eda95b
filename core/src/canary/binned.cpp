// Rank statistics on binned data for the canary judge: see binned.hpp.
#include "canary/binned.hpp"

#include <algorithm>  // std::min, std::max
#include <cmath>      // std::sqrt, std::fabs, std::floor, std::ceil
#include <cstddef>    // std::size_t
#include <limits>     // std::numeric_limits

#include <boost/math/distributions/normal.hpp>  // z quantiles and tails

namespace rollgate::detail::canary {

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

}  // namespace rollgate::detail::canary
