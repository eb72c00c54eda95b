// Percentage rollouts: the evaluator follows the bucketing contract of bucket.hpp (coverage draw
// for membership, variant draw for the variant), coverage outside -> defaultVariation (DEFAULT),
// salt and bucketBy choose the hash input. Golden values computed independently by
// tests/vectors/gen/gen_flags.py are checked in flags_vectors_test.cpp.
#include <gtest/gtest.h>

#include <string>

#include "flags_test_support.hpp"
#include "rollgate/bucket.hpp"

namespace {

using rollgate::test::config_with;

std::string split_flag(const std::string& key, const std::string& rollout_extra,
                       const std::string& flag_extra = "") {
  return R"({"key": ")" + key +
         R"(", "variations": [{"key": "a", "value": "A"}, {"key": "b", "value": "B"},
      {"key": "c", "value": "C"}, {"key": "none", "value": "-"}], "defaultVariation": "none",
      "fallthrough": {"rollout": {"weights": [{"variation": "a", "weight": 20}, {"variation": "b", "weight": 30},
      {"variation": "c", "weight": 50}])" +
         rollout_extra + "}}" + flag_extra + "}";
}

TEST(FlagsRollout, FollowsTheBucketingContract) {
  const auto ev = rollgate::compile(config_with(split_flag("exp", R"(, "coverage": 12.5)")));
  rollgate::context ctx(ev);
  const auto unit_id = ev.attribute("targetingKey");
  const rollgate::bucketer b("exp");
  const std::uint32_t weights[] = {20000, 30000, 50000};
  for (int i = 0; i < 5000; ++i) {
    const std::string unit = "user-" + std::to_string(i);
    ctx.clear();
    ctx.set(unit_id, unit);
    const auto r = ev.evaluate(0, ctx, 0);
    const bool in = rollgate::bucket_of(b.coverage_draw(unit), rollgate::kScale) < 12500;
    ASSERT_EQ(r.reason, in ? rollgate::reason::split : rollgate::reason::default_) << unit;
    if (in)
      ASSERT_EQ(r.variation_index, static_cast<int>(b.pick_variant(unit, weights))) << unit;
    else
      ASSERT_EQ(r.variant, "none");
  }
}

TEST(FlagsRollout, RaisingCoverageOnlyAddsUnitsAndKeepsTheirVariant) {
  const auto low = rollgate::compile(config_with(split_flag("exp", R"(, "coverage": 10)")));
  const auto high = rollgate::compile(config_with(split_flag("exp", R"(, "coverage": 60)")));
  rollgate::context ctx(low);
  int in_low = 0, in_high = 0;
  for (int i = 0; i < 20000; ++i) {
    ctx.clear();
    ctx.set(low.attribute("targetingKey"), "u" + std::to_string(i));
    const auto a = low.evaluate(0, ctx, 0);
    const auto b = high.evaluate(0, ctx, 0);
    if (a.reason == rollgate::reason::split) {
      ++in_low;
      ASSERT_EQ(b.reason, rollgate::reason::split);
      ASSERT_EQ(a.variant, b.variant);
    }
    if (b.reason == rollgate::reason::split) ++in_high;
  }
  EXPECT_NEAR(in_low / 20000.0, 0.10, 0.01);
  EXPECT_NEAR(in_high / 20000.0, 0.60, 0.015);
}

TEST(FlagsRollout, VariantSharesMatchWeightsWithinCoverage) {
  const auto ev = rollgate::compile(config_with(split_flag("shares", R"(, "coverage": 50)")));
  rollgate::context ctx(ev);
  int counts[4] = {0, 0, 0, 0};
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    ctx.clear();
    ctx.set(ev.attribute("targetingKey"), "k" + std::to_string(i));
    ++counts[ev.evaluate(0, ctx, 0).variation_index];
  }
  const int in = counts[0] + counts[1] + counts[2];
  EXPECT_NEAR(in / double(n), 0.5, 0.01);
  EXPECT_NEAR(counts[0] / double(in), 0.2, 0.01);
  EXPECT_NEAR(counts[1] / double(in), 0.3, 0.01);
  EXPECT_NEAR(counts[2] / double(in), 0.5, 0.01);
}

TEST(FlagsRollout, SaltDefaultsToTheFlagKeyAndCanBeShared) {
  const auto ev =
      rollgate::compile(config_with(split_flag("one", "") + "," + split_flag("two", "") + "," +
                                    split_flag("three", "", R"(, "salt": "one")")));
  rollgate::context ctx(ev);
  int same_two = 0;
  for (int i = 0; i < 2000; ++i) {
    ctx.clear();
    ctx.set(ev.attribute("targetingKey"), "s" + std::to_string(i));
    const auto one = ev.evaluate(0, ctx, 0);
    ASSERT_EQ(one.variant, ev.evaluate(2, ctx, 0).variant);  // same salt: same variant
    same_two += one.variant == ev.evaluate(1, ctx, 0).variant;
  }
  // Independent salts agree by chance: 0.2^2 + 0.3^2 + 0.5^2 = 38% of the time.
  EXPECT_NEAR(same_two / 2000.0, 0.38, 0.05);
}

TEST(FlagsRollout, BucketByChoosesTheUnitAttribute) {
  const auto ev = rollgate::compile(config_with(split_flag("org", "", R"(, "bucketBy": "orgId")")));
  rollgate::context ctx(ev);
  ctx.set(ev.attribute("orgId"), "acme");
  ctx.set(ev.attribute("targetingKey"), "u1");
  const auto first = ev.evaluate(0, ctx, 0);
  EXPECT_EQ(first.reason, rollgate::reason::split);
  for (int i = 0; i < 50; ++i) {  // everyone in the org gets the org's variant
    ctx.set(ev.attribute("targetingKey"), "u" + std::to_string(i));
    EXPECT_EQ(ev.evaluate(0, ctx, 0).variant, first.variant);
  }
  const rollgate::bucketer b("org");
  const std::uint32_t weights[] = {20000, 30000, 50000};
  EXPECT_EQ(first.variation_index, static_cast<int>(b.pick_variant("acme", weights)));
  ctx.unset(ev.attribute("orgId"));
  EXPECT_EQ(ev.evaluate(0, ctx, 0).error_code, rollgate::error_code::targeting_key_missing);
}

TEST(FlagsRollout, RuleRolloutReportsItsRuleAndDefaultsOutsideCoverage) {
  const auto ev = rollgate::compile(config_with(
      R"({"key": "r", "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
      "defaultVariation": "off", "fallthrough": {"variation": "on"},
      "rules": [{"conditions": [{"attribute": "country", "op": "equals", "value": "DE"}],
                 "serve": {"rollout": {"weights": [{"variation": "on", "weight": 100}, {"variation": "off", "weight": 0}], "coverage": 50}}}]})"));
  rollgate::context ctx(ev);
  ctx.set(ev.attribute("country"), "DE");
  int split = 0, outside = 0;
  const rollgate::bucketer b("r");
  for (int i = 0; i < 1000; ++i) {
    const std::string unit = "x" + std::to_string(i);
    ctx.set(ev.attribute("targetingKey"), unit);
    const auto r = ev.evaluate(0, ctx, 0);
    EXPECT_EQ(r.rule_index, 0);
    const bool in = b.in_coverage(unit, 50000);
    EXPECT_EQ(r.reason, in ? rollgate::reason::split : rollgate::reason::default_);
    EXPECT_EQ(r.variant, in ? "on" : "off");
    (in ? split : outside)++;
  }
  EXPECT_GT(split, 400);
  EXPECT_GT(outside, 400);
}

TEST(FlagsRollout, ZeroWeightVariationIsNeverServed) {
  const auto ev = rollgate::compile(config_with(
      R"({"key": "z", "variations": [{"key": "on", "value": 1}, {"key": "off", "value": 0}],
      "defaultVariation": "off", "fallthrough": {"rollout": {"weights": [{"variation": "off", "weight": 0}, {"variation": "on", "weight": 100}]}}})"));
  rollgate::context ctx(ev);
  for (int i = 0; i < 3000; ++i) {
    ctx.set(ev.attribute("targetingKey"), "z" + std::to_string(i));
    ASSERT_EQ(ev.evaluate(0, ctx, 0).variant, "on");
  }
}

}  // namespace
