// Noise learning: fields that differ between two runs of the old path are not regressions when
// the candidate differs on them about as often; real regressions on the same kind of field are.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "rollgate/diff.hpp"
#include "rollgate/error.hpp"
#include "rollgate/mismatch_report.hpp"
#include "test_support.hpp"

namespace {

using nlohmann::json;

// A response of the checkout service for request i. `run` changes what differs on its own
// (timestamp, request id, per-item trace id, order of the tags); `broken_price` and
// `broken_flag` inject regressions.
std::string render(int i, int run, bool broken_price, bool flaky_flag) {
  json items = json::array();
  for (int k = 0; k < 3; ++k) {
    items.push_back({{"sku", "s" + std::to_string(k)},
                     {"trace", "t" + std::to_string(run * 1000 + i * 10 + k)},
                     {"in_stock", !(flaky_flag && k == 1)}});
  }
  json tags = run % 2 ? json::array({"a", "b"}) : json::array({"b", "a"});
  return json{{"id", i},
              {"ts", 1700000000 + run * 7 + i},
              {"request_id", "req-" + std::to_string(run) + "-" + std::to_string(i)},
              {"price", broken_price ? 10.5 : 10.0},
              {"tags", tags},
              {"items", items}}
      .dump();
}

const rollgate::field_verdict& verdict(const std::vector<rollgate::field_verdict>& all,
                                       const std::string& f) {
  for (const auto& v : all) {
    if (v.field == f) return v;
  }
  static const rollgate::field_verdict none{};
  ADD_FAILURE() << "no verdict for " << f;
  return none;
}

TEST(DiffNoise, FieldsThatChangeOnTheirOwnAreNotReportedButRealRegressionsAre) {
  rollgate::mismatch_report report;
  for (int i = 0; i < 200; ++i) {
    const std::string primary = render(i, 0, false, false);
    const std::string secondary =
        render(i, 1, false, i % 20 == 0);  // the flag flickers 5% on its own
    const std::string candidate =
        render(i, 2, i % 4 == 0, i % 2 == 0);  // 25% wrong price, 50% flag
    report.add_noise(rollgate::diff_json(primary, secondary));
    report.add_comparison(rollgate::diff_json(primary, candidate));
  }
  const auto v = report.judge();
  // Noise: differs in every noise comparison and every candidate comparison.
  EXPECT_FALSE(verdict(v, "/ts").real);
  EXPECT_FALSE(verdict(v, "/request_id").real);
  EXPECT_FALSE(verdict(v, "/items/*/trace").real);  // per-element noise aggregates per field
  EXPECT_DOUBLE_EQ(verdict(v, "/items/*/trace").noise_rate, 1.0);
  // Tag order alternates between runs: runs 0 and 1 differ (noise), runs 0 and 2 do not.
  EXPECT_FALSE(verdict(v, "/tags/*").real);
  // Regressions.
  const auto& price = verdict(v, "/price");
  EXPECT_TRUE(price.real);
  EXPECT_EQ(price.differed, 50u);
  EXPECT_EQ(price.noise_differed, 0u);
  EXPECT_DOUBLE_EQ(price.rate, 0.25);
  // The same kind of field as noise (it flickers 5% on its own) but the candidate breaks it 50%.
  const auto& flag = verdict(v, "/items/*/in_stock");
  EXPECT_EQ(flag.noise_differed, 10u);
  EXPECT_EQ(flag.differed, 100u);
  EXPECT_TRUE(flag.real);
  EXPECT_NEAR(flag.relative, (0.5 - 0.05) / (0.5 + 0.05), 1e-12);
  EXPECT_NEAR(flag.absolute, 0.45, 1e-12);
  // Diffy-style thresholds can be raised above a regression's strength.
  rollgate::noise_thresholds strict;
  strict.relative = 0.9;
  EXPECT_FALSE(verdict(report.judge(strict), "/items/*/in_stock").real);
  EXPECT_TRUE(verdict(report.judge(strict), "/price").real);  // relative 1.0 > 0.9
  strict = {};
  strict.absolute = 0.3;
  EXPECT_FALSE(verdict(report.judge(strict), "/price").real);  // 0.25 is not > 0.3
}

TEST(DiffNoise, OneOddRequestIsNotARegression) {
  rollgate::mismatch_report report;
  rollgate::diff_result none, odd;
  odd.differences.push_back(
      {"/x", "/x", rollgate::difference_kind::value_changed, "1", "2", false});
  for (int i = 0; i < 200; ++i) {
    report.add_noise(none);
    report.add_comparison(i == 7 ? odd : none);
  }
  const auto v = report.judge();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_FALSE(v[0].real);
  EXPECT_EQ(v[0].differed, 1u);
  // Even with min_differences 1 the significance test holds: p = 0.5 for 1 in 200 vs 0 in 200.
  rollgate::noise_thresholds t;
  t.min_differences = 1;
  t.absolute = 0;
  EXPECT_FALSE(report.judge(t)[0].real);
  EXPECT_NEAR(report.judge(t)[0].p_value, 0.5, 1e-12);
}

TEST(DiffNoise, WithoutNoiseDataEveryRepeatedDifferenceCounts) {
  rollgate::mismatch_report report;
  rollgate::diff_result d;
  d.differences.push_back({"/a", "/a", rollgate::difference_kind::value_changed, "1", "2", false});
  report.add_comparison(d);
  EXPECT_FALSE(report.judge()[0].real);  // one difference < min_differences 2
  report.add_comparison(d);
  const auto v = report.judge();
  EXPECT_TRUE(v[0].real);
  EXPECT_EQ(v[0].p_value, 0.0);
  EXPECT_EQ(v[0].noise_comparisons, 0u);
}

TEST(DiffNoise, OneComparisonCountsOncePerField) {
  rollgate::mismatch_report report;
  report.add_comparison(rollgate::diff_json("[1,2,3,4]", "[5,6,7,8]"));
  ASSERT_EQ(report.fields().size(), 1u);
  EXPECT_EQ(report.fields().at("/*").differed, 1u);
  EXPECT_EQ(report.comparisons(), 1u);
}

TEST(DiffNoise, PValuesMatchScipyFisherExact) {
  // tests/vectors/diff_noise.json holds scipy's one-sided fisher_exact p-values; regenerate with
  // /usr/bin/python3 tests/vectors/gen/gen_diff_noise.py. Red means judge()'s test changed.
  const json vectors = rollgate::test::load_vectors("diff_noise.json");
  ASSERT_EQ(vectors.at("spec_version"), "1.0.0");
  rollgate::diff_result hit, miss;
  hit.differences.push_back(
      {"/f", "/f", rollgate::difference_kind::value_changed, "1", "2", false});
  for (const auto& c : vectors.at("cases")) {
    const auto r = c.at("differed").get<std::uint64_t>(),
               R = c.at("comparisons").get<std::uint64_t>();
    const auto n = c.at("noiseDiffered").get<std::uint64_t>(),
               N = c.at("noiseComparisons").get<std::uint64_t>();
    SCOPED_TRACE(c.dump());
    rollgate::mismatch_report report;
    for (std::uint64_t i = 0; i < R; ++i) report.add_comparison(i < r ? hit : miss);
    for (std::uint64_t i = 0; i < N; ++i) report.add_noise(i < n ? hit : miss);
    if (r == 0 && n == 0) {
      EXPECT_TRUE(report.judge().empty());  // a field never seen differing has no verdict
      continue;
    }
    const auto v = report.judge();
    ASSERT_EQ(v.size(), 1u);
    const double expected = c.at("pValue").get<double>();
    EXPECT_NEAR(v[0].p_value, expected, 1e-9 * std::max(1.0, std::fabs(expected)) + 1e-15);
  }
}

TEST(DiffNoise, ThresholdsAreValidated) {
  rollgate::mismatch_report report;
  rollgate::noise_thresholds t;
  t.relative = 1.5;
  t.absolute = -0.1;
  t.significance = 0;
  try {
    report.judge(t);
    FAIL() << "expected an error";
  } catch (const rollgate::error& e) {
    ASSERT_EQ(e.problems().size(), 3u);
    EXPECT_EQ(e.problems()[0].to_string(),
              "[rollgate.diff.703] /relative: relative must be in [0, 1), not 1.500000");
    EXPECT_EQ(e.problems()[1].to_string(),
              "[rollgate.diff.703] /absolute: absolute must be in [0, 1), not -0.100000");
    EXPECT_EQ(e.problems()[2].to_string(),
              "[rollgate.diff.703] /significance: significance must be in (0, 1], not 0.000000");
  }
}

}  // namespace
