// Statistics: see rollgate/stats.hpp and docs/statistics.md (formulas, scipy correspondence).
//
// Why we re-derive rather than port: scipy 1.10's exact Mann-Whitney distribution memoises a
// (m+1) x (n+1) x (k+1) table of float64 counts, which is too big and too slow for an edge worker;
// we compute the same counts with O(m * k) memory (see exact_u_cdf) and match its p-values to
// rounding. Everything else follows scipy's formulas term by term so that results agree to ~1e-15.
#include "rollgate/stats.hpp"

#include <algorithm>  // std::sort, std::min, std::max
#include <cmath>      // std::isnan, std::sqrt, std::floor, std::log, std::exp
#include <cstdint>    // std::uint64_t
#include <cstdio>     // std::snprintf
#include <cstdlib>    // std::strtod
#include <cstring>    // std::memcpy
#include <exception>  // std::exception
#include <limits>     // std::numeric_limits
#include <random>     // std::mt19937_64 (pivot choice in the Hodges-Lehmann selection)
#include <string>     // std::string, std::to_string
#include <utility>    // std::swap

#include <boost/math/distributions/chi_squared.hpp>  // chi-square survival function
#include <boost/math/distributions/normal.hpp>       // normal quantile
#include <boost/math/distributions/students_t.hpp>   // Welch's t-test
#include <boost/math/special_functions/erf.hpp>      // erfc for accurate normal tails

#include "rollgate/error.hpp"

namespace rollgate::stats {
namespace {

constexpr std::size_t kMaxProblems = 10;  // enough to see a pattern, bounded message size

std::string fmt(double v) {
  // Shortest form that round-trips is not available in C++17 without <charconv> floats on all
  // toolchains, so 17 significant digits trimmed of trailing zeros.
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s(buf);
  // Prefer a shorter representation when it round-trips.
  for (int prec = 1; prec < 17; ++prec) {
    char b2[40];
    std::snprintf(b2, sizeof b2, "%.*g", prec, v);
    if (std::strtod(b2, nullptr) == v) return b2;
  }
  return s;
}

std::string ptr(const char* name) {
  return std::string("/") + name;
}
std::string ptr(const char* name, std::size_t i) {
  return std::string("/") + name + "/" + std::to_string(i);
}

/// Copies a sample, applying the NaN policy and the infinity rule, collecting problems.
std::vector<double> clean(const std::vector<double>& v, const char* name, nan_policy nan,
                          bool allow_inf, std::size_t min_size, std::vector<problem>& problems) {
  std::vector<double> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double d = v[i];
    if (std::isnan(d)) {
      if (nan == nan_policy::omit) continue;
      if (problems.size() < kMaxProblems)
        problems.push_back({"rollgate.stats.402", ptr(name, i),
                            "value is NaN (pass nan_policy omit to drop NaNs)"});
      continue;
    }
    if (!allow_inf && std::isinf(d)) {
      if (problems.size() < kMaxProblems)
        problems.push_back({"rollgate.stats.403", ptr(name, i), "value is infinite"});
      continue;
    }
    out.push_back(d);
  }
  if (out.size() < min_size) {
    const bool had_values = !v.empty();
    std::string msg;
    if (out.empty())
      msg = had_values ? "sample is empty after omitting NaNs" : "sample is empty";
    else
      msg = "sample needs at least " + std::to_string(min_size) + " values, got " +
            std::to_string(out.size());
    problems.push_back({"rollgate.stats.401", ptr(name), msg});
  }
  return out;
}

void throw_if(std::vector<problem>& problems) {
  if (!problems.empty()) throw rollgate::error(std::move(problems));
}

/// Converts exceptions from Boost.Math (or std::bad_alloc) into rollgate::error.
template <class F>
auto guarded(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const rollgate::error&) {
    throw;
  } catch (const std::exception& e) {
    throw rollgate::error("rollgate.stats.415", "",
                          std::string(what) + ": numerical failure: " + e.what());
  }
}

/// Upper tail of the standard normal, accurate far into the tail (scipy: special.ndtr(-z)).
double norm_sf(double z) {
  if (std::isnan(z)) return std::numeric_limits<double>::quiet_NaN();
  return 0.5 * boost::math::erfc(z / std::sqrt(2.0));
}
double norm_cdf(double z) {
  return norm_sf(-z);
}

double clip01(double p) {
  return p < 0 ? 0 : (p > 1 ? 1 : p);
}

void check_count(std::int64_t v, const char* name, std::vector<problem>& problems) {
  if (v < 0)
    problems.push_back(
        {"rollgate.stats.404", ptr(name), "count is negative (" + std::to_string(v) + ")"});
}

void check_successes(std::int64_t s, const char* sname, std::int64_t n, const char* nname,
                     std::vector<problem>& problems) {
  check_count(s, sname, problems);
  check_count(n, nname, problems);
  if (n == 0) {
    problems.push_back({"rollgate.stats.405", ptr(nname), "number of trials is 0"});
  } else if (s >= 0 && n > 0 && s > n) {
    problems.push_back(
        {"rollgate.stats.405", ptr(sname),
         "successes (" + std::to_string(s) + ") exceed trials (" + std::to_string(n) + ")"});
  }
}

// ---------------------------------------------------------------------------------------------
// Exact null distribution of the Mann-Whitney U statistic.
//
// f(m, n, k) = number of arrangements of m x's and n y's with U_x = k (Di Bucchianico 1999,
// Theorem 2.5, the recurrence scipy uses). We need P(U <= K) = sum_{k<=K} f(m,n,k) / C(m+n, m).
// All our recurrences only add non-negative numbers, so there is no cancellation; counts are
// rescaled (all by the same power of two) when they grow large, so nothing overflows.

/// log(C(m+n, m)) accurately: product of (n+i)/i with exponent tracking.
double log_binom(std::uint64_t m, std::uint64_t n) {
  if (m > n) std::swap(m, n);
  double mant = 1.0;
  double log_acc = 0.0;
  for (std::uint64_t i = 1; i <= m; ++i) {
    mant *= static_cast<double>(n + i) / static_cast<double>(i);
    if (mant > 1e200) {
      log_acc += std::log(mant);
      mant = 1.0;
    }
  }
  return log_acc + std::log(mant);
}

constexpr double kRescaleAbove = 1e250;
constexpr double kExactWorkLimit = 4e8;  // ~0.3 s; beyond it scipy itself needs > 10 GB

struct scaled_sum {
  double value;  // sum of counts, divided by exp(log_scale)
  double log_scale;
};

/// f(m, n, k) for k = 0..K, m <= n, K <= n: partitions of k into at most m parts (the "<= n per
/// part" bound cannot bind when k <= n). Coin-change DP over part sizes 1..m, O(m K).
std::vector<double> partition_counts(std::uint64_t m, std::uint64_t K, double& log_scale) {
  std::vector<double> p(K + 1, 0.0);
  p[0] = 1.0;
  log_scale = 0.0;
  for (std::uint64_t part = 1; part <= m && part <= K; ++part) {
    for (std::uint64_t k = part; k <= K; ++k) p[k] += p[k - part];
    if (p[K] > kRescaleAbove) {  // p is non-decreasing in k, so p[K] is the largest entry
      for (auto& v : p) v *= 1e-250;
      log_scale += 250 * std::log(10.0);
    }
  }
  return p;
}

/// f(m, n, k) for k = 0..K by the recurrence f(i, j, k) = f(i-1, j, k-j) + f(i, j-1, k),
/// iterating j = 0..n with a table over (i <= m, k <= K). O(n m K) time, O(m K) memory.
std::vector<double> recurrence_counts(std::uint64_t m, std::uint64_t n, std::uint64_t K,
                                      double& log_scale) {
  const std::uint64_t W = K + 1;
  std::vector<double> t((m + 1) * W, 0.0);
  for (std::uint64_t i = 0; i <= m; ++i) t[i * W] = 1.0;  // j = 0: only k = 0
  log_scale = 0.0;
  for (std::uint64_t j = 1; j <= n; ++j) {
    for (std::uint64_t i = 1; i <= m; ++i) {
      double* row = &t[i * W];
      const double* prev = &t[(i - 1) * W];  // already holds f(i-1, j, .)
      for (std::uint64_t k = j; k <= K; ++k) row[k] += prev[k - j];
    }
    // f(i, j, k) grows with i, and f(m, j, .) is unimodal with its mode at m j / 2, so this is
    // the largest entry of the table.
    if (t[m * W + std::min(K, m * j / 2)] > kRescaleAbove) {
      for (auto& v : t) v *= 1e-250;
      log_scale += 250 * std::log(10.0);
    }
  }
  return std::vector<double>(t.begin() + static_cast<std::ptrdiff_t>(m * W), t.end());
}

/// P(U <= k) for k = 0..K (no ties), K <= m n / 2 expected but not required.
std::vector<double> exact_u_cdf_table(std::uint64_t m, std::uint64_t n, std::uint64_t K) {
  if (m > n) std::swap(m, n);
  double log_scale = 0;
  std::vector<double> c =
      K <= n ? partition_counts(m, K, log_scale) : recurrence_counts(m, n, K, log_scale);
  const double factor = std::exp(log_scale - log_binom(m, n));
  double acc = 0;
  for (auto& v : c) v = (acc += v) * factor;
  return c;
}

/// True if exact_u_cdf(m, n, K) is within the work limit.
bool exact_feasible(std::uint64_t m, std::uint64_t n, std::uint64_t K) {
  if (m > n) std::swap(m, n);
  const double mn = static_cast<double>(m) * static_cast<double>(n);
  const double k_eff = std::min<double>(static_cast<double>(K), mn - static_cast<double>(K));
  // Memory: at most 8e6 doubles (64 MB), which also keeps 32-bit WebAssembly safe.
  constexpr double kMaxCells = 8e6;
  if (k_eff <= static_cast<double>(n))
    return static_cast<double>(m) * (k_eff + 1) <= kExactWorkLimit && k_eff + 1 <= kMaxCells;
  return static_cast<double>(n) * static_cast<double>(m) * (k_eff + 1) <= kExactWorkLimit &&
         (static_cast<double>(m) + 1) * (k_eff + 1) <= kMaxCells;
}

/// P(U <= K) under H0 without ties, sample sizes m and n. Uses the symmetry f(k) = f(mn - k) to
/// sum over the shorter tail.
double exact_u_cdf(std::uint64_t m, std::uint64_t n, std::int64_t K) {
  if (K < 0) return 0.0;
  if (m > n) std::swap(m, n);
  const std::uint64_t mn = m * n;
  if (static_cast<std::uint64_t>(K) >= mn) return 1.0;
  const std::uint64_t k = static_cast<std::uint64_t>(K);
  const bool upper = 2 * k > mn;  // sum the other tail: P(U <= K) = 1 - P(U <= mn - K - 1)
  const std::uint64_t kk = upper ? mn - k - 1 : k;
  const double tail = exact_u_cdf_table(m, n, kk).back();
  return upper ? 1.0 - tail : tail;
}

// ---------------------------------------------------------------------------------------------
// Sorting doubles: LSD radix sort on the order-preserving integer image of the bits (8-bit digits,
// all histograms in one pass, constant digits skipped). About 5x faster than std::sort on 1e5
// values, which is most of the Mann-Whitney cost. NaN never reaches it (inputs are cleaned).

std::uint64_t sort_key(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return (b >> 63) ? ~b : (b | (std::uint64_t{1} << 63));
}

void sort_doubles(std::vector<double>& v) {
  const std::size_t n = v.size();
  if (n < 512) {
    std::sort(v.begin(), v.end());
    return;
  }
  std::vector<std::uint64_t> a(n), b(n);
  std::vector<std::size_t> hist(8 * 256, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = sort_key(v[i]);
    a[i] = k;
    for (int d = 0; d < 8; ++d) ++hist[static_cast<std::size_t>(d) * 256 + ((k >> (8 * d)) & 0xFF)];
  }
  for (int d = 0; d < 8; ++d) {
    std::size_t* h = &hist[static_cast<std::size_t>(d) * 256];
    if (h[(a[0] >> (8 * d)) & 0xFF] == n) continue;  // every key has this digit: nothing to do
    std::size_t sum = 0;
    for (int i = 0; i < 256; ++i) {
      const std::size_t c = h[i];
      h[i] = sum;
      sum += c;
    }
    for (std::size_t i = 0; i < n; ++i) b[h[(a[i] >> (8 * d)) & 0xFF]++] = a[i];
    a.swap(b);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = a[i];
    const std::uint64_t bits = (k >> 63) ? (k & ~(std::uint64_t{1} << 63)) : ~k;
    std::memcpy(&v[i], &bits, sizeof bits);
  }
}

// ---------------------------------------------------------------------------------------------
// Ranking two samples at once.

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

// ---------------------------------------------------------------------------------------------
// Option strings

alternative parse_alternative(std::string_view text) {
  if (text == "two-sided") return alternative::two_sided;
  if (text == "less") return alternative::less;
  if (text == "greater") return alternative::greater;
  throw rollgate::error("rollgate.stats.407", "/alternative",
                        "unknown alternative '" + std::string(text) +
                            "', expected \"two-sided\", \"less\" or \"greater\"");
}
method parse_method(std::string_view text) {
  if (text == "auto") return method::automatic;
  if (text == "exact") return method::exact;
  if (text == "asymptotic") return method::asymptotic;
  throw rollgate::error(
      "rollgate.stats.407", "/method",
      "unknown method '" + std::string(text) + "', expected \"auto\", \"exact\" or \"asymptotic\"");
}
nan_policy parse_nan_policy(std::string_view text) {
  if (text == "reject" || text == "raise") return nan_policy::reject;
  if (text == "omit") return nan_policy::omit;
  throw rollgate::error(
      "rollgate.stats.407", "/nanPolicy",
      "unknown NaN policy '" + std::string(text) + "', expected \"reject\" or \"omit\"");
}
const char* to_string(alternative a) noexcept {
  switch (a) {
    case alternative::less:
      return "less";
    case alternative::greater:
      return "greater";
    default:
      return "two-sided";
  }
}
const char* to_string(method m) noexcept {
  switch (m) {
    case method::exact:
      return "exact";
    case method::asymptotic:
      return "asymptotic";
    default:
      return "auto";
  }
}
const char* to_string(nan_policy p) noexcept {
  return p == nan_policy::omit ? "omit" : "reject";
}

// ---------------------------------------------------------------------------------------------
// Mann-Whitney U

mannwhitneyu_result mannwhitneyu(const std::vector<double>& x_in, const std::vector<double>& y_in,
                                 const mannwhitneyu_options& options) {
  std::vector<problem> problems;
  // Infinities are rejected: scipy 1.10's rankdata turns every rank into NaN when one is present.
  std::vector<double> x = clean(x_in, "x", options.nan, false, 1, problems);
  std::vector<double> y = clean(y_in, "y", options.nan, false, 1, problems);
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

// ---------------------------------------------------------------------------------------------
// Hodges-Lehmann

hodges_lehmann_result hodges_lehmann(const std::vector<double>& x_in,
                                     const std::vector<double>& y_in,
                                     const hodges_lehmann_options& options) {
  std::vector<problem> problems;
  std::vector<double> x = clean(x_in, "x", options.nan, false, 1, problems);
  std::vector<double> y = clean(y_in, "y", options.nan, false, 1, problems);
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

// ---------------------------------------------------------------------------------------------
// Welch

namespace {
sample_summary summarize_clean(const std::vector<double>& v) {
  double sum = 0;
  for (double d : v) sum += d;
  const double n = static_cast<double>(v.size());
  const double mean = sum / n;
  double ss = 0;
  for (double d : v) ss += (d - mean) * (d - mean);
  return {n, mean, v.size() > 1 ? ss / (n - 1) : 0.0};
}

void check_summary(const sample_summary& s, const char* name, std::size_t min_count,
                   std::vector<problem>& problems) {
  const std::string base = ptr(name);
  if (std::isnan(s.count) || std::isnan(s.mean) || std::isnan(s.variance))
    problems.push_back({"rollgate.stats.402", base, "summary field is NaN"});
  else if (!std::isfinite(s.count) || !std::isfinite(s.mean) || !std::isfinite(s.variance))
    problems.push_back({"rollgate.stats.403", base, "summary field is infinite"});
  else if (s.count < static_cast<double>(min_count))
    problems.push_back(
        {"rollgate.stats.401", base + "/count",
         "sample needs at least " + std::to_string(min_count) + " values, got " + fmt(s.count)});
  else if (s.variance < 0)
    problems.push_back({"rollgate.stats.404", base + "/variance",
                        "variance is negative (" + fmt(s.variance) + ")"});
}

double t_tail(double df, double t, alternative alt) {
  // scipy _ttest_finish: stdtr(df, t) for less, stdtr(df, -t) for greater, 2 stdtr(df, -|t|).
  const boost::math::students_t dist(df);
  auto cdf = [&](double v) {
    if (std::isinf(v)) return v < 0 ? 0.0 : 1.0;
    return v > 0 ? boost::math::cdf(boost::math::complement(dist, -v)) : boost::math::cdf(dist, v);
  };
  switch (alt) {
    case alternative::less:
      return cdf(t);
    case alternative::greater:
      return cdf(-t);
    default:
      return 2 * cdf(-std::fabs(t));
  }
}
}  // namespace

sample_summary summarize(const std::vector<double>& x, nan_policy nan) {
  std::vector<problem> problems;
  std::vector<double> v = clean(x, "x", nan, false, 1, problems);
  throw_if(problems);
  return summarize_clean(v);
}

welch_result welch_t_test(const sample_summary& x, const sample_summary& y, alternative alt) {
  std::vector<problem> problems;
  check_summary(x, "x", 2, problems);
  check_summary(y, "y", 2, problems);
  throw_if(problems);
  const double vn1 = x.variance / x.count, vn2 = y.variance / y.count;
  if (!(vn1 + vn2 > 0))
    throw rollgate::error("rollgate.stats.414", "",
                          "both samples have zero variance: the t statistic is undefined");
  return guarded("welch_t_test", [&]() -> welch_result {
    const double df =
        (vn1 + vn2) * (vn1 + vn2) / (vn1 * vn1 / (x.count - 1) + vn2 * vn2 / (y.count - 1));
    const double d = x.mean - y.mean;
    const double t = d / std::sqrt(vn1 + vn2);
    return {t, clip01(t_tail(df, t, alt)), df, d};
  });
}

welch_result welch_t_test(const std::vector<double>& x, const std::vector<double>& y,
                          alternative alt, nan_policy nan) {
  std::vector<problem> problems;
  std::vector<double> xc = clean(x, "x", nan, false, 2, problems);
  std::vector<double> yc = clean(y, "y", nan, false, 2, problems);
  throw_if(problems);
  return welch_t_test(summarize_clean(xc), summarize_clean(yc), alt);
}

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

// ---------------------------------------------------------------------------------------------
// Sequential tests: mixture SPRT with a normal mixing distribution N(0, tau2) on the difference.

namespace {
void check_sequential(const sequential_options& o, double previous,
                      std::vector<problem>& problems) {
  if (!(o.alpha > 0 && o.alpha < 1))
    problems.push_back(
        {"rollgate.stats.406", "/alpha", "alpha must be in (0, 1), got " + fmt(o.alpha)});
  if (!(o.tau2 >= 0 && std::isfinite(o.tau2)))
    problems.push_back({"rollgate.stats.406", "/tau2",
                        "tau2 must be a finite number >= 0 (0: automatic), got " + fmt(o.tau2)});
  if (!(previous > 0 && previous <= 1))
    problems.push_back({"rollgate.stats.406", "/previous_p_value",
                        "previous p-value must be in (0, 1], got " + fmt(previous)});
}

/// estimate with variance v, mixing variance tau2 (> 0 or auto from unit_variance).
sequential_result msprt(double estimate, double v, double tau2, double unit_variance,
                        const sequential_options& o, double previous, double lo_bound,
                        double hi_bound) {
  sequential_result r{estimate, previous, lo_bound, hi_bound, false, tau2};
  if (r.tau2 == 0) r.tau2 = 0.01 * unit_variance;
  if (!(v > 0) || !(r.tau2 > 0)) {
    r.reject = r.p_value <= o.alpha;
    return r;  // no information yet: p unchanged, interval the whole range
  }
  const double t2 = r.tau2;
  // log Lambda = 0.5 log(V / (V + tau2)) + tau2 estimate^2 / (2 V (V + tau2))
  const double log_lambda =
      0.5 * std::log(v / (v + t2)) + t2 * estimate * estimate / (2 * v * (v + t2));
  const double p_now = log_lambda <= 0 ? 1.0 : std::exp(-log_lambda);
  r.p_value = std::min(previous, p_now);
  const double half =
      std::sqrt((2 * v * (v + t2) / t2) * (std::log(1 / o.alpha) + 0.5 * std::log((v + t2) / v)));
  r.lower = std::max(lo_bound, estimate - half);
  r.upper = std::min(hi_bound, estimate + half);
  r.reject = r.p_value <= o.alpha;
  return r;
}
}  // namespace

sequential_result sequential_mean_test(const sample_summary& x, const sample_summary& y,
                                       const sequential_options& options, double previous_p_value) {
  std::vector<problem> problems;
  check_summary(x, "x", 2, problems);
  check_summary(y, "y", 2, problems);
  check_sequential(options, previous_p_value, problems);
  throw_if(problems);
  const double v = x.variance / x.count + y.variance / y.count;
  const double inf = std::numeric_limits<double>::infinity();
  return msprt(x.mean - y.mean, v, options.tau2, (x.variance + y.variance) / 2, options,
               previous_p_value, -inf, inf);
}

sequential_result sequential_proportion_test(std::int64_t sx, std::int64_t nx, std::int64_t sy,
                                             std::int64_t ny, const sequential_options& options,
                                             double previous_p_value) {
  std::vector<problem> problems;
  check_successes(sx, "successes_x", nx, "trials_x", problems);
  check_successes(sy, "successes_y", ny, "trials_y", problems);
  check_sequential(options, previous_p_value, problems);
  throw_if(problems);
  const double px = static_cast<double>(sx) / static_cast<double>(nx);
  const double py = static_cast<double>(sy) / static_cast<double>(ny);
  const double pooled = static_cast<double>(sx + sy) / static_cast<double>(nx + ny);
  const double v =
      px * (1 - px) / static_cast<double>(nx) + py * (1 - py) / static_cast<double>(ny);
  return msprt(px - py, v, options.tau2, pooled * (1 - pooled), options, previous_p_value, -1.0,
               1.0);
}

// ---------------------------------------------------------------------------------------------
// Exact quantiles (numpy 'linear')

std::vector<double> quantiles(std::vector<double> values, const std::vector<double>& qs,
                              nan_policy nan) {
  std::vector<problem> problems;
  std::vector<double> v = clean(values, "values", nan, false, 1, problems);
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
