// Tests on counts: two-proportion z-test, Fisher's exact test, chi-square goodness of fit and
// the sample-ratio mismatch check built on it. See stats.hpp; each follows scipy's formulas.
#include <algorithm>  // std::min, std::max
#include <cmath>      // std::sqrt, std::fabs, std::isnan, std::isinf, std::isfinite
#include <cstddef>    // std::size_t
#include <cstdint>    // std::int64_t
#include <limits>     // std::numeric_limits
#include <string>     // std::string, std::to_string
#include <vector>     // std::vector

#include <boost/math/distributions/chi_squared.hpp>  // chi-square survival function

#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"
#include "stats/checks.hpp"
#include "stats/normal.hpp"

namespace rollgate::stats {
namespace {

// ---------------------------------------------------------------------------------------------
// Hypergeometric distribution for Fisher's exact test: the number X of row-1 items among the n
// column-1 items, rows of n1 and n2. The pmf is built outward from the mode by the ratio
// pmf(k+1) / pmf(k) = (n1 - k)(n - k) / ((k + 1)(n2 - n + k + 1)) and normalised: O(width) once,
// instead of a factorial-based pmf per call (Boost's takes milliseconds for tables of 10^5+).
// Terms below 1e-300 of the mode are dropped (they cannot move a p-value by more than ~1e-290).
class hypergeometric {
 public:
  hypergeometric(std::int64_t n1, std::int64_t n2, std::int64_t n)
      : lo_(std::max<std::int64_t>(0, n - n2)), hi_(std::min(n1, n)) {
    auto mode = static_cast<std::int64_t>(static_cast<double>(n + 1) * static_cast<double>(n1 + 1) /
                                          static_cast<double>(n1 + n2 + 2));
    mode = std::min(std::max(mode, lo_), hi_);
    const auto d1 = static_cast<double>(n1), d2 = static_cast<double>(n2),
               dn = static_cast<double>(n);
    std::vector<double> up{1.0}, down;  // up[i] = w(mode + i), down[i] = w(mode - 1 - i)
    for (std::int64_t k = mode; k < hi_; ++k) {
      const double kk = static_cast<double>(k);
      const double w = up.back() * ((d1 - kk) * (dn - kk)) / ((kk + 1) * (d2 - dn + kk + 1));
      if (w < 1e-300) break;
      up.push_back(w);
    }
    double w = 1.0;
    for (std::int64_t k = mode; k > lo_; --k) {
      const double kk = static_cast<double>(k);
      w = w * (kk * (d2 - dn + kk)) / ((d1 - kk + 1) * (dn - kk + 1));
      if (w < 1e-300) break;
      down.push_back(w);
    }
    first_ = mode - static_cast<std::int64_t>(down.size());
    w_.assign(down.rbegin(), down.rend());
    w_.insert(w_.end(), up.begin(), up.end());
    // Sum from the smallest terms up, on both sides, for accuracy.
    double total = 0;
    for (std::size_t i = 0; i < down.size(); ++i) total += w_[i];
    double upper = 0;
    for (std::size_t i = w_.size(); i-- > down.size();) upper += w_[i];
    total += upper;
    for (auto& v : w_) v /= total;
    // cum_[i] = P(X <= first + i), tail_[i] = P(X >= first + i), each summed from its small end.
    cum_.resize(w_.size());
    tail_.resize(w_.size());
    double acc = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) cum_[i] = acc += w_[i];
    acc = 0;
    for (std::size_t i = w_.size(); i-- > 0;) tail_[i] = acc += w_[i];
  }
  double pmf(std::int64_t k) const {
    if (k < first_ || k >= first_ + static_cast<std::int64_t>(w_.size())) return 0.0;
    return w_[static_cast<std::size_t>(k - first_)];
  }
  /// P(X <= k)
  double cdf(std::int64_t k) const {
    if (k < first_) return 0.0;
    if (k >= first_ + static_cast<std::int64_t>(w_.size()) - 1) return k >= hi_ ? 1.0 : cum_.back();
    return cum_[static_cast<std::size_t>(k - first_)];
  }
  /// P(X > k)
  double sf(std::int64_t k) const {
    if (k + 1 <= first_) return k < lo_ ? 1.0 : tail_.front();
    if (k + 1 >= first_ + static_cast<std::int64_t>(w_.size())) return 0.0;
    return tail_[static_cast<std::size_t>(k + 1 - first_)];
  }

 private:
  std::int64_t lo_, hi_, first_ = 0;
  std::vector<double> w_, cum_, tail_;
};

}  // namespace

using namespace detail;

// ---------------------------------------------------------------------------------------------
// Proportions, Fisher

proportions_result two_proportion_z_test(std::int64_t sx, std::int64_t nx, std::int64_t sy,
                                         std::int64_t ny, alternative alt) {
  std::vector<problem> problems;
  check_successes(sx, "successes_x", nx, "trials_x", problems);
  check_successes(sy, "successes_y", ny, "trials_y", problems);
  throw_if(problems);
  const double px = static_cast<double>(sx) / static_cast<double>(nx);
  const double py = static_cast<double>(sy) / static_cast<double>(ny);
  const double pooled = static_cast<double>(sx + sy) / static_cast<double>(nx + ny);
  const double var =
      pooled * (1 - pooled) * (1 / static_cast<double>(nx) + 1 / static_cast<double>(ny));
  proportions_result r{0.0, 1.0, px, py, px - py};
  if (!(var > 0)) return r;  // pooled p is 0 or 1: no evidence either way
  r.statistic = (px - py) / std::sqrt(var);
  switch (alt) {
    case alternative::greater:
      r.p_value = norm_sf(r.statistic);
      break;
    case alternative::less:
      r.p_value = norm_cdf(r.statistic);
      break;
    default:
      r.p_value = clip01(2 * norm_sf(std::fabs(r.statistic)));
      break;
  }
  return r;
}

fisher_result fisher_exact(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d,
                           alternative alt) {
  std::vector<problem> problems;
  check_count(a, "a", problems);
  check_count(b, "b", problems);
  check_count(c, "c", problems);
  check_count(d, "d", problems);
  throw_if(problems);
  constexpr std::int64_t kMaxTotal = std::int64_t{1} << 31;
  // Checked one by one first so that the sum cannot overflow.
  if (a > kMaxTotal || b > kMaxTotal || c > kMaxTotal || d > kMaxTotal || a + b + c + d > kMaxTotal)
    throw rollgate::error("rollgate.stats.408", "",
                          "table total exceeds 2^31; use the two-proportion z-test");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0) return {nan, 1.0};
  const double odds = (c > 0 && b > 0) ? static_cast<double>(a) * static_cast<double>(d) /
                                             (static_cast<double>(c) * static_cast<double>(b))
                                       : std::numeric_limits<double>::infinity();
  return guarded("fisher_exact", [&]() -> fisher_result {
    const auto n1 = a + b, n2 = c + d, n = a + c;
    const hypergeometric h(n1, n2, n);
    auto pmf = [&](std::int64_t k) { return h.pmf(k); };
    double p;
    if (alt == alternative::less) {
      p = h.cdf(a);
    } else if (alt == alternative::greater) {
      // scipy: hypergeom.cdf(b, M, n1, b + d); the row-1 count of column 2 is n1 - X, so this is
      // P(X >= a).
      p = h.sf(a - 1);
    } else {
      const auto mode =
          static_cast<std::int64_t>(static_cast<double>(n + 1) * static_cast<double>(n1 + 1) /
                                    static_cast<double>(n1 + n2 + 2));
      const double pexact = pmf(a), pmode = pmf(mode);
      const double epsilon = 1e-14, gamma = 1 + epsilon;
      // scipy's _binary_search_for_binom_tst: i in [lo, hi] with fn(i) <= d < fn(i+1).
      auto search = [](auto fn, double target, std::int64_t lo, std::int64_t hi) {
        while (lo < hi) {
          const std::int64_t mid = lo + (hi - lo) / 2;
          const double v = fn(mid);
          if (v < target)
            lo = mid + 1;
          else if (v > target)
            hi = mid - 1;
          else
            return mid;
        }
        return fn(lo) <= target ? lo : lo - 1;
      };
      if (std::fabs(pexact - pmode) / std::max(pexact, pmode) <= epsilon) {
        return fisher_result{odds, 1.0};
      } else if (a < mode) {
        const double plower = h.cdf(a);
        if (pmf(n) > pexact * gamma) return fisher_result{odds, plower};
        const std::int64_t guess =
            search([&](std::int64_t v) { return -pmf(v); }, -pexact * gamma, mode, n);
        p = plower + h.sf(guess);
      } else {
        const double pupper = h.sf(a - 1);
        if (pmf(0) > pexact * gamma) return fisher_result{odds, pupper};
        const std::int64_t guess = search(pmf, pexact * gamma, 0, mode);
        p = pupper + h.cdf(guess);
      }
    }
    return fisher_result{odds, std::min(p, 1.0)};
  });
}

// ---------------------------------------------------------------------------------------------
// Chi-square

chisquare_result chisquare(const std::vector<double>& observed,
                           const std::vector<double>& expected) {
  std::vector<problem> problems;
  auto check = [&](const std::vector<double>& v, const char* name) {
    for (std::size_t i = 0; i < v.size() && problems.size() < kMaxProblems; ++i) {
      if (std::isnan(v[i]))
        problems.push_back({"rollgate.stats.402", ptr(name, i), "value is NaN"});
      else if (std::isinf(v[i]))
        problems.push_back({"rollgate.stats.403", ptr(name, i), "value is infinite"});
      else if (v[i] < 0)
        problems.push_back(
            {"rollgate.stats.404", ptr(name, i), "count is negative (" + fmt(v[i]) + ")"});
      else if (v[i] == 0 && name[0] == 'e')
        problems.push_back({"rollgate.stats.413", ptr(name, i), "expected count must be > 0"});
    }
  };
  check(observed, "observed");
  check(expected, "expected");
  if (observed.size() != expected.size())
    problems.push_back({"rollgate.stats.413", "/expected",
                        "has " + std::to_string(expected.size()) + " entries, observed has " +
                            std::to_string(observed.size())});
  else if (observed.size() < 2)
    problems.push_back({"rollgate.stats.413", "/observed", "needs at least 2 categories"});
  throw_if(problems);
  double so = 0, se = 0;
  for (double v : observed) so += v;
  for (double v : expected) se += v;
  const double rel = std::fabs(so - se) / std::min(so, se);
  if (!(rel <= 1e-8))
    throw rollgate::error("rollgate.stats.413", "/expected",
                          "sum of expected counts (" + fmt(se) +
                              ") differs from sum of observed (" + fmt(so) +
                              ") by more than 1e-8 relative");
  return guarded("chisquare", [&]() -> chisquare_result {
    double stat = 0;
    for (std::size_t i = 0; i < observed.size(); ++i) {
      const double d = observed[i] - expected[i];
      stat += d * d / expected[i];
    }
    const double df = static_cast<double>(observed.size() - 1);
    const double p = boost::math::cdf(boost::math::complement(boost::math::chi_squared(df), stat));
    return {stat, p, df};
  });
}

chisquare_result sample_ratio_mismatch(const std::vector<std::int64_t>& counts,
                                       const std::vector<double>& shares) {
  std::vector<problem> problems;
  for (std::size_t i = 0; i < counts.size() && problems.size() < kMaxProblems; ++i)
    if (counts[i] < 0)
      problems.push_back({"rollgate.stats.404", ptr("counts", i),
                          "count is negative (" + std::to_string(counts[i]) + ")"});
  for (std::size_t i = 0; i < shares.size() && problems.size() < kMaxProblems; ++i)
    if (!(std::isfinite(shares[i]) && shares[i] > 0))
      problems.push_back({"rollgate.stats.413", ptr("shares", i),
                          "share must be a finite number > 0, got " + fmt(shares[i])});
  if (counts.size() != shares.size())
    problems.push_back({"rollgate.stats.413", "/shares",
                        "has " + std::to_string(shares.size()) + " entries, counts has " +
                            std::to_string(counts.size())});
  else if (counts.size() < 2)
    problems.push_back({"rollgate.stats.413", "/counts", "needs at least 2 arms"});
  throw_if(problems);
  double total = 0, share_sum = 0;
  for (auto c : counts) total += static_cast<double>(c);
  for (double s : shares) share_sum += s;
  if (total == 0) throw rollgate::error("rollgate.stats.401", "/counts", "all counts are 0");
  std::vector<double> obs(counts.size()), exp(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    obs[i] = static_cast<double>(counts[i]);
    exp[i] = total * (shares[i] / share_sum);
  }
  return chisquare(obs, exp);
}

}  // namespace rollgate::stats
