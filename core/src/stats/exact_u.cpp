// Exact null distribution of the Mann-Whitney U statistic: see exact_u.hpp.
//
// Why we re-derive rather than port: scipy 1.10's exact Mann-Whitney distribution memoises a
// (m+1) x (n+1) x (k+1) table of float64 counts, which is too big and too slow for an edge worker;
// we compute the same counts with O(m * k) memory (see exact_u_cdf) and match its p-values to
// rounding.
#include "stats/exact_u.hpp"

#include <algorithm>  // std::min
#include <cmath>      // std::log, std::exp
#include <cstddef>    // std::ptrdiff_t
#include <utility>    // std::swap

namespace rollgate::stats::detail {
namespace {

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

}  // namespace

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

}  // namespace rollgate::stats::detail
