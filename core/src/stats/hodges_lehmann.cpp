// Hodges-Lehmann shift estimate with its distribution-free confidence interval: see stats.hpp.
#include <algorithm>  // std::nth_element, std::reverse, std::min, std::max
#include <cmath>      // std::sqrt, std::floor
#include <cstddef>    // std::size_t, std::ptrdiff_t
#include <cstdint>    // std::uint64_t, std::int64_t
#include <random>     // std::mt19937_64 (pivot choice in the selection)
#include <string>     // std::to_string

#include <boost/math/distributions/normal.hpp>  // normal quantile

#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"
#include "stats/checks.hpp"
#include "stats/exact_u.hpp"
#include "stats/normal.hpp"
#include "stats/sort.hpp"

namespace rollgate::stats {
namespace {

// ---------------------------------------------------------------------------------------------
// Selection of order statistics of the pairwise differences x_i - y_j, with x sorted ascending
// and y sorted descending: row i (x_i - y_j over j) and column j are both ascending. Randomised
// pivoting with per-row candidate windows; each round counts in O(m + n) with two pointers, and
// a constant fraction of candidates goes per round in expectation (Monahan 1984, Johnson &
// Mizoguchi 1978). Differences are computed as x[i] - y[j] every time, so the values are exactly
// numpy's x[:, None] - y[None, :].
class diff_selector {
 public:
  diff_selector(const std::vector<double>& xs, const std::vector<double>& yd)
      : x_(xs), y_(yd), rng_(0x5eed5eedULL) {}

  /// The k-th smallest difference, 0-based.
  double select(std::uint64_t k) {
    const std::size_t m = x_.size(), n = y_.size();
    // Candidates of row i are the columns [lo[i], hi[i]). Buffers are members (reused by the
    // three selections of one call).
    std::vector<std::size_t>& lo = lo_;
    std::vector<std::size_t>& hi = hi_;
    std::vector<std::size_t>& lt = lt_;
    std::vector<std::size_t>& le = le_;
    lo.assign(m, 0);
    hi.assign(m, n);
    lt.resize(m);
    le.resize(m);
    for (;;) {
      std::uint64_t candidates = 0;
      for (std::size_t i = 0; i < m; ++i) candidates += hi[i] - lo[i];
      if (candidates <= 64 + 4 * static_cast<std::uint64_t>(m + n)) {
        // Few enough: gather and select directly. Rank offset = elements below all windows.
        std::uint64_t below = 0;
        std::vector<double>& c = buf_;
        c.clear();
        for (std::size_t i = 0; i < m; ++i) {
          below += lo[i];
          for (std::size_t j = lo[i]; j < hi[i]; ++j) c.push_back(x_[i] - y_[j]);
        }
        const std::size_t idx = static_cast<std::size_t>(k - below);
        std::nth_element(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(idx), c.end());
        return c[idx];
      }
      // Random pivot among the candidates.
      std::uniform_int_distribution<std::uint64_t> pick(0, candidates - 1);
      std::uint64_t r = pick(rng_);
      double pivot = 0;
      for (std::size_t i = 0; i < m; ++i) {
        const std::uint64_t w = hi[i] - lo[i];
        if (r < w) {
          pivot = x_[i] - y_[lo[i] + static_cast<std::size_t>(r)];
          break;
        }
        r -= w;
      }
      // Count, per row, the differences < pivot and <= pivot (non-increasing as i decreases... we
      // go from the last row, where counts are smallest, to the first).
      std::uint64_t total_lt = 0, total_le = 0;
      std::size_t a = 0, b = 0;
      for (std::size_t ii = m; ii-- > 0;) {
        while (a < n && x_[ii] - y_[a] < pivot) ++a;
        if (b < a) b = a;
        while (b < n && x_[ii] - y_[b] <= pivot) ++b;
        lt[ii] = a;
        le[ii] = b;
        total_lt += a;
        total_le += b;
      }
      if (k < total_lt) {
        for (std::size_t i = 0; i < m; ++i) hi[i] = std::min(hi[i], lt[i]);
      } else if (k < total_le) {
        return pivot;
      } else {
        for (std::size_t i = 0; i < m; ++i) lo[i] = std::max(lo[i], le[i]);
      }
    }
  }

 private:
  const std::vector<double>& x_;
  const std::vector<double>& y_;
  std::mt19937_64 rng_;
  std::vector<std::size_t> lo_, hi_, lt_, le_;
  std::vector<double> buf_;
};

}  // namespace

using namespace detail;

hodges_lehmann_result hodges_lehmann(const std::vector<double>& x_in,
                                     const std::vector<double>& y_in,
                                     const hodges_lehmann_options& options) {
  std::vector<problem> problems;
  std::vector<double> x = clean(x_in, "x", options.nan, 1, problems);
  std::vector<double> y = clean(y_in, "y", options.nan, 1, problems);
  if (!(options.confidence > 0 && options.confidence < 1))
    problems.push_back({"rollgate.stats.406", "/confidence",
                        "confidence must be in (0, 1), got " + fmt(options.confidence)});
  throw_if(problems);
  return guarded("hodges_lehmann", [&]() -> hodges_lehmann_result {
    sort_doubles(x);
    sort_doubles(y);
    std::reverse(y.begin(), y.end());  // descending: every row of x_i - y_j ascends
    const std::uint64_t m = x.size(), n = y.size(), total = m * n;
    diff_selector sel(x, y);
    hodges_lehmann_result res{};
    if (total % 2 == 1) {
      res.estimate = sel.select(total / 2);
    } else {
      const double a = sel.select(total / 2 - 1), b = sel.select(total / 2);
      res.estimate = (a + b) / 2;  // numpy.median: mean of the two middle values
    }
    const double alpha = 1 - options.confidence;
    method how = options.how;
    if (how == method::automatic) how = (m <= 50 && n <= 50) ? method::exact : method::asymptotic;
    std::int64_t k = 1;
    const double mn = static_cast<double>(total);
    if (how == method::exact) {
      // Largest k >= 1 with P(U <= k - 1) <= alpha / 2; the cdf is monotone, so bisect on k.
      std::int64_t lo = 1, hi = static_cast<std::int64_t>((total + 1) / 2);
      if (!exact_feasible(m, n, static_cast<std::uint64_t>(hi))) {
        if (options.how == method::exact)
          throw rollgate::error("rollgate.stats.408", "/method",
                                "exact distribution for sample sizes " + std::to_string(m) +
                                    " and " + std::to_string(n) +
                                    " is beyond the work limit; use method asymptotic");
        how = method::asymptotic;
      } else {
        // One table of P(U <= j), j <= (mn + 1) / 2 - 1, then a scan: the cdf is monotone.
        const std::vector<double> cdf = exact_u_cdf_table(m, n, static_cast<std::uint64_t>(hi - 1));
        while (lo < hi && cdf[static_cast<std::size_t>(lo)] <= alpha / 2) ++lo;
        k = lo;
        res.achieved_confidence = 1 - 2 * cdf[static_cast<std::size_t>(k - 1)];
      }
    }
    if (how == method::asymptotic) {
      const double sigma = std::sqrt(mn * (static_cast<double>(m + n) + 1) / 12);
      const double z = boost::math::quantile(boost::math::normal(), 1 - alpha / 2);
      const double kk = std::floor(mn / 2 + 0.5 - z * sigma);
      k = kk < 1 ? 1 : static_cast<std::int64_t>(kk);
      res.achieved_confidence =
          std::max(0.0, 1 - 2 * norm_cdf((static_cast<double>(k) - 0.5 - mn / 2) / sigma));
    }
    res.k = k;
    res.used = how;
    res.lower = sel.select(static_cast<std::uint64_t>(k - 1));
    res.upper = sel.select(total - static_cast<std::uint64_t>(k));
    return res;
  });
}

}  // namespace rollgate::stats
