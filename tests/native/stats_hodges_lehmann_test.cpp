// Hodges-Lehmann shift estimate and its order-statistic confidence interval. The golden values in
// tests/vectors/stats.json come from numpy (median and order statistics of x[:, None] - y[None, :])
// with the CI rank computed by gen_stats.py from the exact U distribution in Python integers, or
// from scipy's normal quantile (see docs/statistics.md for the rank formula).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"
#include "stats_support.hpp"

namespace {
using namespace rollgate::stats;
using rollgate::test::nums;

TEST(HodgesLehmann, MatchesNumpyReference) {
  int checked = 0;
  for (const auto& c : rollgate::test::stats_vectors().at("hodges_lehmann")) {
    hodges_lehmann_options o;
    o.confidence = c.at("confidence").get<double>();
    o.how = parse_method(c.at("method").get<std::string>());
    const auto r = hodges_lehmann(nums(c.at("x")), nums(c.at("y")), o);
    const std::string label = c.at("name").get<std::string>();
    // The estimate and bounds are order statistics of the same double differences numpy forms,
    // so they must be identical, not just close.
    EXPECT_EQ(r.estimate, c.at("estimate").get<double>()) << label;
    EXPECT_EQ(r.k, c.at("k").get<std::int64_t>()) << label;
    EXPECT_EQ(r.lower, c.at("lower").get<double>()) << label;
    EXPECT_EQ(r.upper, c.at("upper").get<double>()) << label;
    EXPECT_STREQ(to_string(r.used), c.at("used").get<std::string>().c_str()) << label;
    EXPECT_TRUE(rollgate::test::close(r.achieved_confidence,
                                      c.at("achieved_confidence").get<double>(), 1e-9, 1e-12))
        << label;
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

// Brute force on random inputs (with ties) for the selection on the implicit difference matrix.
TEST(HodgesLehmann, SelectionAgreesWithBruteForce) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 60; ++round) {
    const std::size_t m = 1 + rng() % 70, n = 1 + rng() % 90;
    std::vector<double> x(m), y(n);
    for (auto& v : x) v = static_cast<double>(rng() % 50) / 4.0;
    for (auto& v : y) v = static_cast<double>(rng() % 50) / 4.0 - 1;
    std::vector<double> d;
    for (double a : x)
      for (double b : y) d.push_back(a - b);
    std::sort(d.begin(), d.end());
    const std::size_t N = d.size();
    const double median = N % 2 ? d[N / 2] : (d[N / 2 - 1] + d[N / 2]) / 2;
    hodges_lehmann_options o;
    o.how = method::asymptotic;
    const auto r = hodges_lehmann(x, y, o);
    ASSERT_EQ(r.estimate, median) << m << "x" << n;
    ASSERT_EQ(r.lower, d[static_cast<std::size_t>(r.k - 1)]);
    ASSERT_EQ(r.upper, d[N - static_cast<std::size_t>(r.k)]);
  }
}

TEST(HodgesLehmann, LargeSamplesStayFast) {
  // 20000 x 20000 = 4e8 differences: never materialised (this would need 3.2 GB).
  std::mt19937_64 rng(3);
  std::normal_distribution<double> nd;
  std::vector<double> x(20000), y(20000);
  for (auto& v : x) v = nd(rng) + 0.25;
  for (auto& v : y) v = nd(rng);
  const auto r = hodges_lehmann(x, y);
  EXPECT_NEAR(r.estimate, 0.25, 0.05);
  EXPECT_LT(r.lower, r.estimate);
  EXPECT_GT(r.upper, r.estimate);
  EXPECT_NEAR(r.achieved_confidence, 0.95, 1e-3);
}

TEST(HodgesLehmann, BadInput) {
  using rollgate::test::error_of;
  EXPECT_EQ(error_of([] { hodges_lehmann({1.0}, {}); }),
            "[rollgate.stats.401] /y: sample is empty");
  hodges_lehmann_options o;
  o.confidence = 1.0;
  EXPECT_EQ(error_of([&] { hodges_lehmann({1.0}, {2.0}, o); }),
            "[rollgate.stats.406] /confidence: confidence must be in (0, 1), got 1");
  EXPECT_EQ(error_of([] {
              hodges_lehmann({1.0, -INFINITY}, {2.0});
            }),
            "[rollgate.stats.403] /x/1: value is infinite");
}

}  // namespace
