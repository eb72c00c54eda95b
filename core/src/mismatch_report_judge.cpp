// mismatch_report::try_judge: the per-field verdicts and the one-sided Fisher exact test behind
// them (Boost.Math's lgamma). Apart from the rest of the report so that a build that only records
// and ships reports (the wasm32-wasi Fastly service) needs neither Boost nor this statistics.
#include <algorithm>  // std::min, std::max
#include <cmath>      // std::exp, std::sqrt, std::erfc
#include <cstdint>    // std::uint64_t
#include <string>     // std::string, std::to_string
#include <utility>    // std::move
#include <vector>     // std::vector

#include <boost/math/special_functions/gamma.hpp>  // boost::math::lgamma (thread-safe, unlike std::lgamma's signgam)

#include "rollgate/error.hpp"
#include "rollgate/mismatch_report.hpp"

namespace rollgate {

namespace {

double log_choose(double n, double k) {
  return boost::math::lgamma(n + 1) - boost::math::lgamma(k + 1) - boost::math::lgamma(n - k + 1);
}

// P(X >= r) for X ~ Hypergeometric(population R + N, K = r + n marked, R drawn): the one-sided
// Fisher exact test of "the candidate stream differs more often than the noise stream".
double fisher_greater(std::uint64_t r, std::uint64_t R, std::uint64_t n, std::uint64_t N) {
  if (r == 0) return 1.0;
  if (N == 0) return 0.0;  // no noise data: under a noise rate of 0 any difference is impossible
  const double pop = static_cast<double>(R) + static_cast<double>(N);
  const std::uint64_t K = r + n;
  const std::uint64_t hi = std::min(K, R);
  if (hi - r > 100000) {
    // Very large counts: the normal approximation of the two-proportion test is accurate there
    // and keeps judge() fast.
    const double p1 = static_cast<double>(r) / static_cast<double>(R);
    const double p2 = static_cast<double>(n) / static_cast<double>(N);
    const double pooled = static_cast<double>(K) / pop;
    const double se = std::sqrt(pooled * (1 - pooled) *
                                (1.0 / static_cast<double>(R) + 1.0 / static_cast<double>(N)));
    if (!(se > 0)) return p1 > p2 ? 0.0 : 1.0;
    return 0.5 * std::erfc((p1 - p2) / se / std::sqrt(2.0));
  }
  const double Kd = static_cast<double>(K);
  const double Rd = static_cast<double>(R);
  const double base = log_choose(pop, Rd);
  double p = 0;
  for (std::uint64_t x = r; x <= hi; ++x) {
    const double xd = static_cast<double>(x);
    if (Rd - xd > pop - Kd) continue;  // impossible draw
    p += std::exp(log_choose(Kd, xd) + log_choose(pop - Kd, Rd - xd) - base);
  }
  return std::min(1.0, std::max(0.0, p));
}

}  // namespace

std::vector<problem> mismatch_report::try_judge(const noise_thresholds& t,
                                                std::vector<field_verdict>& verdicts) const {
  std::vector<problem> problems;
  auto fraction = [&](double v, const char* name) {
    if (!(v >= 0 && v < 1)) {
      problems.push_back({"rollgate.diff.703", std::string("/") + name,
                          std::string(name) + " must be in [0, 1), not " + std::to_string(v)});
    }
  };
  fraction(t.relative, "relative");
  fraction(t.absolute, "absolute");
  if (!(t.significance > 0 && t.significance <= 1)) {
    problems.push_back({"rollgate.diff.703", "/significance",
                        "significance must be in (0, 1], not " + std::to_string(t.significance)});
  }
  if (!problems.empty()) return problems;
  std::vector<field_verdict> out;
  out.reserve(fields_.size());
  for (const auto& [field, c] : fields_) {
    field_verdict v;
    v.field = field;
    v.comparisons = comparisons_;
    v.differed = c.differed;
    v.noise_comparisons = noise_comparisons_;
    v.noise_differed = c.noise_differed;
    v.rate = comparisons_ ? static_cast<double>(c.differed) / static_cast<double>(comparisons_) : 0;
    v.noise_rate = noise_comparisons_ ? static_cast<double>(c.noise_differed) /
                                            static_cast<double>(noise_comparisons_)
                                      : 0;
    v.absolute = v.rate - v.noise_rate;
    v.relative = (v.rate + v.noise_rate) > 0 ? v.absolute / (v.rate + v.noise_rate) : 0;
    v.p_value = fisher_greater(c.differed, comparisons_, c.noise_differed, noise_comparisons_);
    v.real = c.differed >= t.min_differences && v.rate > v.noise_rate && v.relative > t.relative &&
             v.absolute > t.absolute && v.p_value < t.significance;
    out.push_back(std::move(v));
  }
  verdicts = std::move(out);
  return problems;
}

}  // namespace rollgate
