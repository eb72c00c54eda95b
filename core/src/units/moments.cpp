// Per-unit value statistics with winsorising (units.hpp; docs/canary.md, "Unit-level metrics").
#include <algorithm>  // std::sort, std::min
#include <cmath>      // std::floor
#include <vector>     // std::vector

#include "rollgate/units.hpp"

namespace rollgate {

unit_moments moments_of(const unit_metric& m, double cap) {
  unit_moments r;
  r.count = static_cast<double>(m.exposed);
  if (m.exposed == 0) return r;
  // Welford over the converted units' values, then the (exposed - converted) zeros folded in.
  double n = 0, mean = 0, m2 = 0;
  auto add = [&](double x, double times) {
    // adding `times` copies of x at once (Chan et al.'s pairwise update)
    const double nb = n + times;
    const double d = x - mean;
    mean += d * times / nb;
    m2 += d * d * n * times / nb;
    n = nb;
  };
  for (double v : m.values) {
    double x = v;
    if (cap >= 0 && x > cap) {
      x = cap;
      ++r.capped;
    }
    add(x, 1);
  }
  const double zeros = static_cast<double>(m.exposed) - static_cast<double>(m.values.size());
  if (zeros > 0) add(0, zeros);
  r.mean = mean;
  r.variance = n > 1 ? m2 / (n - 1) : 0;
  return r;
}

double value_cap(const unit_metric& a, const unit_metric& b, double q) {
  std::vector<double> all(a.values);
  all.insert(all.end(), b.values.begin(), b.values.end());
  if (all.empty()) return -1;
  std::sort(all.begin(), all.end());
  const double h = (static_cast<double>(all.size()) - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, all.size() - 1);
  return all[lo] + (h - static_cast<double>(lo)) * (all[hi] - all[lo]);
}

}  // namespace rollgate
