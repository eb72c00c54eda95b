// Welch's t-test, the two-proportion z-test, Fisher's exact test and the chi-square
// sample-ratio-mismatch check against scipy 1.10 / statsmodels 0.13 (tests/vectors/stats.json,
// made by tests/vectors/gen/gen_stats.py).
#include <gtest/gtest.h>

#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"
#include "stats_support.hpp"

namespace {
using namespace rollgate::stats;
using rollgate::test::close;
using rollgate::test::error_of;
using rollgate::test::num;
using rollgate::test::nums;

TEST(Welch, MatchesScipyTtestInd) {
  int checked = 0;
  for (const auto& c : rollgate::test::stats_vectors().at("welch")) {
    const auto x = nums(c.at("x")), y = nums(c.at("y"));
    for (const auto& r : c.at("results")) {
      const auto res =
          welch_t_test(x, y, parse_alternative(r.at("alternative").get<std::string>()));
      const std::string label = c.at("name").get<std::string>() + " " + r.dump();
      // Means and variances are summed in a different order than numpy's pairwise sums, so the
      // statistic agrees to rounding, not bit for bit.
      EXPECT_TRUE(close(res.statistic, num(r.at("statistic")), 1e-12)) << label;
      EXPECT_TRUE(close(res.p_value, num(r.at("pvalue")))) << label;
      EXPECT_TRUE(close(res.df, num(c.at("df")), 1e-12)) << label;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 18);
}

TEST(Welch, FromSummariesMatchesScipyTtestIndFromStats) {
  for (const auto& c : rollgate::test::stats_vectors().at("welch_from_stats")) {
    auto summary = [](const nlohmann::json& j) {
      return sample_summary{j.at("count").get<double>(), j.at("mean").get<double>(),
                            j.at("variance").get<double>()};
    };
    const auto r = welch_t_test(summary(c.at("x")), summary(c.at("y")),
                                parse_alternative(c.at("alternative").get<std::string>()));
    EXPECT_TRUE(close(r.statistic, num(c.at("statistic")), 1e-12)) << c.dump();
    EXPECT_TRUE(close(r.p_value, num(c.at("pvalue")))) << c.dump();
  }
}

TEST(Welch, BadInput) {
  EXPECT_EQ(error_of([] {
              welch_t_test(std::vector<double>{1.0}, std::vector<double>{1, 2});
            }),
            "[rollgate.stats.401] /x: sample needs at least 2 values, got 1");
  EXPECT_EQ(error_of([] {
              welch_t_test(std::vector<double>{1, 1}, std::vector<double>{2, 2});
            }),
            "[rollgate.stats.414] both samples have zero variance: the t statistic is undefined");
  EXPECT_EQ(error_of([] {
              welch_t_test(sample_summary{5, 1, -1}, sample_summary{5, 1, 1});
            }),
            "[rollgate.stats.404] /x/variance: variance is negative (-1)");
  EXPECT_EQ(error_of([] {
              welch_t_test(sample_summary{1, 1, 1}, sample_summary{5, 1, 1});
            }),
            "[rollgate.stats.401] /x/count: sample needs at least 2 values, got 1");
}

TEST(Proportions, MatchesStatsmodelsProportionsZtest) {
  int checked = 0;
  for (const auto& c : rollgate::test::stats_vectors().at("proportions")) {
    const auto r = two_proportion_z_test(
        c.at("successes_x").get<std::int64_t>(), c.at("trials_x").get<std::int64_t>(),
        c.at("successes_y").get<std::int64_t>(), c.at("trials_y").get<std::int64_t>(),
        parse_alternative(c.at("alternative").get<std::string>()));
    EXPECT_TRUE(close(r.statistic, num(c.at("statistic")), 1e-12)) << c.dump();
    EXPECT_TRUE(close(r.p_value, num(c.at("pvalue")))) << c.dump();
    ++checked;
  }
  EXPECT_EQ(checked, 21);
}

TEST(Proportions, DegenerateAndBadInput) {
  const auto r = two_proportion_z_test(0, 10, 0, 20);  // pooled p = 0: statsmodels gives NaN
  EXPECT_EQ(r.statistic, 0.0);
  EXPECT_EQ(r.p_value, 1.0);
  EXPECT_EQ(error_of([] { two_proportion_z_test(11, 10, 0, 20); }),
            "[rollgate.stats.405] /successes_x: successes (11) exceed trials (10)");
  EXPECT_EQ(error_of([] { two_proportion_z_test(1, 10, -1, 0); }),
            "[rollgate.stats.404] /successes_y: count is negative (-1) (and 1 more problem)");
}

TEST(Fisher, MatchesScipyFisherExact) {
  int checked = 0;
  for (const auto& c : rollgate::test::stats_vectors().at("fisher")) {
    const auto& t = c.at("table");
    const auto r = fisher_exact(t[0].get<std::int64_t>(), t[1].get<std::int64_t>(),
                                t[2].get<std::int64_t>(), t[3].get<std::int64_t>(),
                                parse_alternative(c.at("alternative").get<std::string>()));
    EXPECT_TRUE(close(r.odds_ratio, num(c.at("odds_ratio")), 1e-15)) << c.dump();
    EXPECT_TRUE(close(r.p_value, num(c.at("pvalue")))) << c.dump();
    // Where the generator also computed the exact rational p-value, we must be much closer to it
    // than scipy 1.10 is (its hypergeometric loses ~1e-10 relative on tables of 10^6).
    if (c.contains("pvalue_exact")) {
      EXPECT_TRUE(close(r.p_value, num(c.at("pvalue_exact")), 1e-13)) << c.dump();
    }
    ++checked;
  }
  EXPECT_EQ(checked, 51);
}

TEST(Fisher, BadInput) {
  EXPECT_EQ(error_of([] { fisher_exact(1, -2, 3, 4); }),
            "[rollgate.stats.404] /b: count is negative (-2)");
  EXPECT_EQ(error_of([] { fisher_exact(INT64_MAX, INT64_MAX, 1, 1); }),
            "[rollgate.stats.408] table total exceeds 2^31; use the two-proportion z-test");
}

TEST(SampleRatioMismatch, MatchesScipyChisquare) {
  for (const auto& c : rollgate::test::stats_vectors().at("srm")) {
    const auto counts = c.at("counts").get<std::vector<std::int64_t>>();
    const auto r = sample_ratio_mismatch(counts, nums(c.at("shares")));
    EXPECT_TRUE(close(r.statistic, num(c.at("statistic")), 1e-12)) << c.dump();
    EXPECT_TRUE(close(r.p_value, num(c.at("pvalue")))) << c.dump();
    EXPECT_EQ(r.df, c.at("df").get<double>());
    // The same through chisquare() with scipy's expected counts.
    std::vector<double> obs(counts.begin(), counts.end());
    const auto r2 = chisquare(obs, nums(c.at("expected")));
    EXPECT_TRUE(close(r2.p_value, num(c.at("pvalue")))) << c.dump();
  }
}

TEST(SampleRatioMismatch, BadInput) {
  EXPECT_EQ(error_of([] {
              sample_ratio_mismatch({10, 20}, {1.0});
            }),
            "[rollgate.stats.413] /shares: has 1 entries, counts has 2");
  EXPECT_EQ(error_of([] {
              sample_ratio_mismatch({10, -1}, {1.0, 0.0});
            }),
            "[rollgate.stats.404] /counts/1: count is negative (-1) (and 1 more problem)");
  EXPECT_EQ(error_of([] {
              sample_ratio_mismatch({0, 0}, {1.0, 1.0});
            }),
            "[rollgate.stats.401] /counts: all counts are 0");
  EXPECT_EQ(error_of([] {
              chisquare({1, 2}, {1, 1});
            }),
            "[rollgate.stats.413] /expected: sum of expected counts (2) differs from sum of "
            "observed (3) by more than 1e-8 relative");
  EXPECT_EQ(error_of([] {
              chisquare({1, 2}, {3, 0});
            }),
            "[rollgate.stats.413] /expected/1: expected count must be > 0");
}

}  // namespace
