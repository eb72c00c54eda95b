// Mann-Whitney U against scipy.stats.mannwhitneyu (scipy 1.10): every case of
// tests/vectors/stats.json (all alternatives, methods and continuity settings), plus properties
// that do not need a reference (symmetry, O(n log n) size).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"
#include "stats_support.hpp"

namespace {
using namespace rollgate::stats;
using rollgate::test::close;
using rollgate::test::nums;

TEST(MannWhitneyU, MatchesScipyOnEveryVector) {
  int checked = 0;
  double worst = 0;
  for (const auto& c : rollgate::test::stats_vectors().at("mannwhitneyu")) {
    const auto x = nums(c.at("x")), y = nums(c.at("y"));
    for (const auto& r : c.at("results")) {
      mannwhitneyu_options o;
      o.alt = parse_alternative(r.at("alternative").get<std::string>());
      o.how = parse_method(r.at("method").get<std::string>());
      o.use_continuity = r.at("use_continuity").get<bool>();
      const auto res = mannwhitneyu(x, y, o);
      const double p = rollgate::test::num(r.at("pvalue"));
      const std::string label = c.at("name").get<std::string>() + " " + r.dump();
      EXPECT_EQ(res.statistic, rollgate::test::num(r.at("statistic"))) << label;
      EXPECT_TRUE(close(res.p_value, p)) << label;
      if (p > 0) worst = std::max(worst, std::fabs(res.p_value - p) / p);
      ++checked;
    }
  }
  EXPECT_GT(checked, 90);
  std::printf("[ info ] %d scipy cases, worst relative p-value error %.3g\n", checked, worst);
}

TEST(MannWhitneyU, ExtremePValuesKeepRelativePrecision) {
  // 900 vs 900 fully separated: scipy gives ~1.12e-295 for 'greater'; the normal tail must not
  // underflow or lose digits (erfc, not 1 - cdf).
  std::vector<double> x, y;
  for (int i = 0; i < 900; ++i) x.push_back(900.5 + i), y.push_back(i);
  const auto r = mannwhitneyu(x, y, {alternative::greater, method::asymptotic});
  EXPECT_GT(r.p_value, 1e-296);
  EXPECT_LT(r.p_value, 1e-294);
  EXPECT_EQ(r.statistic, 810000.0);
}

TEST(MannWhitneyU, AutoChoosesLikeScipy) {
  const std::vector<double> small{1, 2, 3, 4}, big{5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
  EXPECT_EQ(mannwhitneyu(small, big).used, method::exact);
  EXPECT_EQ(mannwhitneyu(std::vector<double>{1, 2, 2}, big).used, method::asymptotic);  // ties
  std::vector<double> nine{0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5};
  EXPECT_EQ(mannwhitneyu(nine, big).used, method::asymptotic);  // both > 8
}

TEST(MannWhitneyU, SwappingSamplesMirrorsStatisticAndAlternative) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> nd;
  std::vector<double> x(300), y(250);
  for (auto& v : x) v = nd(rng) + 0.1;
  for (auto& v : y) v = nd(rng);
  const auto a = mannwhitneyu(x, y, {alternative::greater});
  const auto b = mannwhitneyu(y, x, {alternative::less});
  EXPECT_EQ(a.statistic + b.statistic, 300.0 * 250.0);
  EXPECT_DOUBLE_EQ(a.p_value, b.p_value);
}

TEST(MannWhitneyU, ExactBeyondWorkLimitIsRefusedButAutoFallsBack) {
  std::vector<double> x(8), y(200000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.25 + static_cast<double>(i) * 10000;
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<double>(i);
  EXPECT_EQ(rollgate::test::error_of([&] {
              mannwhitneyu(x, y, {alternative::two_sided, method::exact});
            }),
            "[rollgate.stats.408] /method: exact distribution for sample sizes 8 and 200000 is "
            "beyond the work limit; use method asymptotic");
  EXPECT_EQ(mannwhitneyu(x, y).used, method::asymptotic);
}

TEST(MannWhitneyU, NanPolicy) {
  const std::vector<double> x{1, 2, NAN, 4}, y{3, NAN, 5};
  EXPECT_EQ(rollgate::test::error_of([&] { mannwhitneyu(x, y); }),
            "[rollgate.stats.402] /x/2: value is NaN (pass nan_policy omit to drop NaNs) (and 1 "
            "more problem)");
  mannwhitneyu_options o;
  o.nan = nan_policy::omit;
  const auto r = mannwhitneyu(x, y, o);
  const auto ref = mannwhitneyu(std::vector<double>{1, 2, 4}, std::vector<double>{3, 5});
  EXPECT_EQ(r.statistic, ref.statistic);
  EXPECT_EQ(r.p_value, ref.p_value);
}

TEST(MannWhitneyU, EmptySamples) {
  EXPECT_EQ(rollgate::test::error_of([] { mannwhitneyu({}, {1.0}); }),
            "[rollgate.stats.401] /x: sample is empty");
  mannwhitneyu_options o;
  o.nan = nan_policy::omit;
  EXPECT_EQ(rollgate::test::error_of([&] { mannwhitneyu({1.0}, {NAN}, o); }),
            "[rollgate.stats.401] /y: sample is empty after omitting NaNs");
}

}  // namespace

namespace {
TEST(MannWhitneyU, InfinityIsRejectedBecauseScipyCannotRankIt) {
  const std::vector<double> x{1, INFINITY}, y{2, 3};
  EXPECT_EQ(rollgate::test::error_of([&] { rollgate::stats::mannwhitneyu(x, y); }),
            "[rollgate.stats.403] /x/1: value is infinite");
}
}  // namespace

namespace {
// U1 = #{x_i > y_j} + 0.5 #{x_i == y_j}: a brute-force check of the ranking (radix sort on the
// bit patterns of doubles for n >= 512: both signs, -0.0, ties, huge and tiny magnitudes).
TEST(MannWhitneyU, StatisticEqualsBruteForcePairCount) {
  std::mt19937_64 rng(12);
  const double pool[] = {-1e300, -3.5, -0.0, 0.0, 1e-310, 2.25, 7.0, 1e300};
  for (int round = 0; round < 3; ++round) {
    std::vector<double> x(700 + round * 300), y(900);
    for (auto& v : x)
      v = rng() % 3 ? static_cast<double>(static_cast<std::int64_t>(rng() % 2001) - 1000) / 8
                    : pool[rng() % 8];
    for (auto& v : y)
      v = rng() % 3 ? static_cast<double>(static_cast<std::int64_t>(rng() % 2001) - 1000) / 8
                    : pool[rng() % 8];
    double u = 0;
    for (double a : x)
      for (double b : y) u += a > b ? 1.0 : (a == b ? 0.5 : 0.0);
    EXPECT_EQ(rollgate::stats::mannwhitneyu(x, y).statistic, u);
  }
}
}  // namespace
