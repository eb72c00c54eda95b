// Exact quantiles with numpy's default ('linear') rule: see stats.hpp.
#include <algorithm>  // std::nth_element, std::sort, std::unique
#include <cmath>      // std::floor
#include <cstddef>    // std::size_t, std::ptrdiff_t
#include <utility>    // std::pair, std::move
#include <vector>     // std::vector

#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"
#include "stats/checks.hpp"

namespace rollgate::stats {

using namespace detail;

// ---------------------------------------------------------------------------------------------
// Exact quantiles (numpy 'linear')

std::vector<double> quantiles(std::vector<double> values, const std::vector<double>& qs,
                              nan_policy nan) {
  std::vector<problem> problems;
  std::vector<double> v = clean(values, "values", nan, 1, problems);
  for (std::size_t i = 0; i < qs.size() && problems.size() < kMaxProblems; ++i)
    if (!(qs[i] >= 0 && qs[i] <= 1))
      problems.push_back(
          {"rollgate.stats.409", ptr("q", i), "quantile must be in [0, 1], got " + fmt(qs[i])});
  throw_if(problems);
  const std::size_t n = v.size();
  // Like numpy, select the needed order statistics (nth_element on shrinking ranges) rather than
  // sorting everything.
  std::vector<std::size_t> need;
  auto indexes = [n](double q) {
    const double virt = static_cast<double>(n - 1) * q;
    const double prev = std::floor(virt);
    std::size_t i0 = static_cast<std::size_t>(prev), i1 = i0 + 1;
    if (i0 > n - 1) i0 = n - 1;
    if (i1 > n - 1) i1 = n - 1;
    return std::pair<std::size_t, std::size_t>{i0, i1};
  };
  for (double q : qs) {
    const auto ix = indexes(q);
    need.push_back(ix.first);
    need.push_back(ix.second);
  }
  std::sort(need.begin(), need.end());
  need.erase(std::unique(need.begin(), need.end()), need.end());
  std::size_t from = 0;
  for (std::size_t idx : need) {
    std::nth_element(v.begin() + static_cast<std::ptrdiff_t>(from),
                     v.begin() + static_cast<std::ptrdiff_t>(idx), v.end());
    from = idx + 1;
  }
  std::vector<double> out;
  out.reserve(qs.size());
  for (double q : qs) {
    const double virt = static_cast<double>(n - 1) * q;
    const double prev = std::floor(virt);
    const auto ix = indexes(q);
    const double a = v[ix.first], b = v[ix.second];
    const double t = virt - prev;
    // numpy _lerp: a + (b - a) t, or b - (b - a)(1 - t) when t >= 0.5 (monotone, exact ends).
    const double diff = b - a;
    out.push_back(t >= 0.5 ? b - diff * (1 - t) : a + diff * t);
  }
  return out;
}

double quantile(std::vector<double> values, double q, nan_policy nan) {
  return quantiles(std::move(values), std::vector<double>{q}, nan).front();
}

}  // namespace rollgate::stats
