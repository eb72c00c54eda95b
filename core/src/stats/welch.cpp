// Sample summaries and Welch's t-test (scipy.stats.ttest_ind, equal_var=False): see stats.hpp.
#include <cmath>  // std::sqrt, std::fabs, std::isinf

#include <boost/math/distributions/students_t.hpp>  // Student's t tails

#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"
#include "stats/checks.hpp"
#include "stats/normal.hpp"

namespace rollgate::stats {

using namespace detail;

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
  std::vector<double> v = clean(x, "x", nan, 1, problems);
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
  std::vector<double> xc = clean(x, "x", nan, 2, problems);
  std::vector<double> yc = clean(y, "y", nan, 2, problems);
  throw_if(problems);
  return welch_t_test(summarize_clean(xc), summarize_clean(yc), alt);
}

}  // namespace rollgate::stats
