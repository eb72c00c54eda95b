// Sequential (always-valid) tests: a gate that looks after every batch must not roll back healthy
// canaries more often than alpha, which a naive repeated z-test does. Fixed-seed simulations; no
// golden file (the claim tested is a property, not a number from a reference).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"
#include "stats_support.hpp"

namespace {
using namespace rollgate::stats;

struct running {  // Welford: count, mean, M2
  double n = 0, mean = 0, m2 = 0;
  void add(double v) {
    n += 1;
    const double d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
  }
  sample_summary summary() const { return {n, mean, m2 / (n - 1)}; }
};

struct sim_result {
  double sequential_rejections;  // fraction of runs where the mSPRT rejected at some look
  double naive_rejections;       // fraction where a fixed-n z-test had p < alpha at some look
};

sim_result simulate_means(double effect, int runs, int looks, int batch, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> nd;
  int seq = 0, naive = 0;
  for (int r = 0; r < runs; ++r) {
    running x, y;
    double p = 1.0;
    bool seq_hit = false, naive_hit = false;
    for (int look = 0; look < looks; ++look) {
      for (int i = 0; i < batch; ++i) x.add(nd(rng) + effect), y.add(nd(rng));
      const auto s = sequential_mean_test(x.summary(), y.summary(), {}, p);
      p = s.p_value;
      seq_hit = seq_hit || s.reject;
      const auto w = welch_t_test(x.summary(), y.summary());
      naive_hit = naive_hit || w.p_value < 0.05;
    }
    seq += seq_hit;
    naive += naive_hit;
  }
  return {static_cast<double>(seq) / runs, static_cast<double>(naive) / runs};
}

sim_result simulate_proportions(double px, double py, int runs, int looks, int batch,
                                std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::binomial_distribution<std::int64_t> bx(batch, px), by(batch, py);
  int seq = 0, naive = 0;
  for (int r = 0; r < runs; ++r) {
    std::int64_t sx = 0, sy = 0, n = 0;
    double p = 1.0;
    bool seq_hit = false, naive_hit = false;
    for (int look = 0; look < looks; ++look) {
      sx += bx(rng), sy += by(rng), n += batch;
      const auto s = sequential_proportion_test(sx, n, sy, n, {}, p);
      p = s.p_value;
      seq_hit = seq_hit || s.reject;
      naive_hit = naive_hit || two_proportion_z_test(sx, n, sy, n).p_value < 0.05;
    }
    seq += seq_hit;
    naive += naive_hit;
  }
  return {static_cast<double>(seq) / runs, static_cast<double>(naive) / runs};
}

TEST(Sequential, MeansPeekingEveryBatchKeepsFalsePositivesBelowAlpha) {
  const auto r = simulate_means(0.0, 500, 100, 20, 2026);
  std::printf("[ info ] H0, 500 runs x 100 looks: mSPRT %.3f, naive z-test %.3f\n",
              r.sequential_rejections, r.naive_rejections);
  // Binomial sd of a 0.05 rate over 500 runs is ~0.01: 0.05 + 0.02 is a 2-sigma margin.
  EXPECT_LT(r.sequential_rejections, 0.07);
  EXPECT_GT(r.naive_rejections, 0.15);  // the reason this API exists
}

TEST(Sequential, MeansDetectARealEffect) {
  const auto r = simulate_means(0.2, 200, 100, 20, 99);
  EXPECT_GT(r.sequential_rejections, 0.95);
}

TEST(Sequential, ProportionsPeekingEveryBatchKeepsFalsePositivesBelowAlpha) {
  const auto r = simulate_proportions(0.05, 0.05, 500, 100, 200, 77);
  std::printf("[ info ] H0 proportions: mSPRT %.3f, naive z-test %.3f\n", r.sequential_rejections,
              r.naive_rejections);
  EXPECT_LT(r.sequential_rejections, 0.07);
  EXPECT_GT(r.naive_rejections, 0.15);
}

TEST(Sequential, ProportionsDetectARealEffect) {
  const auto r = simulate_proportions(0.065, 0.05, 200, 100, 200, 5);
  EXPECT_GT(r.sequential_rejections, 0.95);
}

TEST(Sequential, PValueNeverIncreasesAndIntervalCoversEstimate) {
  const auto a = sequential_mean_test({100, 1.0, 4.0}, {100, 0.0, 4.0}, {}, 0.5);
  EXPECT_LE(a.p_value, 0.5);
  EXPECT_LT(a.lower, 1.0);
  EXPECT_GT(a.upper, 1.0);
  EXPECT_EQ(a.tau2, 0.01 * 4.0);  // automatic: (0.1 pooled sd)^2
  const auto b = sequential_mean_test({100, 0.0, 4.0}, {100, 0.0, 4.0}, {}, 0.01);
  EXPECT_EQ(b.p_value, 0.01);  // no evidence now, but the earlier look's p stands
  EXPECT_TRUE(b.reject);
}

TEST(Sequential, BadInput) {
  using rollgate::test::error_of;
  sequential_options o;
  o.alpha = 0;
  o.tau2 = -1;
  EXPECT_EQ(error_of([&] {
              sequential_mean_test({10, 0, 1}, {10, 0, 1}, o, 2.0);
            }),
            "[rollgate.stats.406] /alpha: alpha must be in (0, 1), got 0 (and 2 more problems)");
  EXPECT_EQ(error_of([] { sequential_proportion_test(5, 4, 1, 4); }),
            "[rollgate.stats.405] /successes_x: successes (5) exceed trials (4)");
}

}  // namespace
