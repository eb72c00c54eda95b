// Mutually exclusive layers: each flag owns a share of the layer's unit space (bucketed with the
// layer's salt); a unit is in at most one flag of a layer.
#include <gtest/gtest.h>

#include "flags_test_support.hpp"
#include "rollgate/bucket.hpp"

namespace {

using rollgate::test::config_with;

std::string exp_flag(const std::string& key) {
  return R"({"key": ")" + key +
         R"(", "variations": [{"key": "control", "value": 0}, {"key": "treatment", "value": 1}],
      "defaultVariation": "control",
      "fallthrough": {"rollout": {"weights": [{"variation": "control", "weight": 50}, {"variation": "treatment", "weight": 50}]}}})";
}

const std::string kConfig = config_with(
    exp_flag("e1") + "," + exp_flag("e2") + "," + exp_flag("e3") + "," + exp_flag("free"), "",
    R"({"key": "search", "salt": "search-2026", "allocations": [{"flag": "e1", "share": 30}, {"flag": "e2", "share": 20.5}, {"flag": "e3", "share": 40}]})");

TEST(FlagsLayers, FlagsOfALayerAreExclusiveOver100kUnits) {
  const auto ev = rollgate::compile(kConfig);
  rollgate::context ctx(ev);
  int in[3] = {0, 0, 0};
  int none = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    ctx.set(ev.attribute("targetingKey"), "unit-" + std::to_string(i));
    int count = 0;
    for (std::size_t f = 0; f < 3; ++f) {
      if (ev.evaluate(f, ctx, 0).reason == rollgate::reason::split) {
        ++count;
        ++in[f];
      }
    }
    ASSERT_LE(count, 1) << "unit-" << i;
    none += count == 0;
  }
  EXPECT_NEAR(in[0] / double(n), 0.30, 0.006);
  EXPECT_NEAR(in[1] / double(n), 0.205, 0.006);
  EXPECT_NEAR(in[2] / double(n), 0.40, 0.006);
  EXPECT_NEAR(none / double(n), 0.095, 0.006);
}

TEST(FlagsLayers, ShareIsAnIntervalOfTheLayerBucket) {
  const auto ev = rollgate::compile(kConfig);
  rollgate::context ctx(ev);
  const rollgate::bucketer layer("search-2026");
  for (int i = 0; i < 3000; ++i) {
    const std::string unit = "p" + std::to_string(i);
    ctx.set(ev.attribute("targetingKey"), unit);
    const auto pos = rollgate::bucket_of(layer.coverage_draw(unit), rollgate::kScale);
    const std::size_t owner = pos < 30000 ? 0 : pos < 50500 ? 1 : pos < 90500 ? 2 : 3;
    for (std::size_t f = 0; f < 3; ++f) {
      const auto r = ev.evaluate(f, ctx, 0);
      ASSERT_EQ(r.reason == rollgate::reason::split, f == owner) << unit << " flag " << f;
      if (f != owner) {
        ASSERT_EQ(r.variant, "control");
      }
    }
  }
}

TEST(FlagsLayers, VariantInsideTheShareUsesTheFlagSalt) {
  const auto ev = rollgate::compile(kConfig);
  rollgate::context ctx(ev);
  const rollgate::bucketer flag_salt("e1");
  const std::uint32_t weights[] = {50000, 50000};
  int checked = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string unit = "v" + std::to_string(i);
    ctx.set(ev.attribute("targetingKey"), unit);
    const auto r = ev.evaluate(0, ctx, 0);
    if (r.reason != rollgate::reason::split) continue;
    ++checked;
    ASSERT_EQ(r.variation_index, static_cast<int>(flag_salt.pick_variant(unit, weights)));
  }
  EXPECT_GT(checked, 700);
}

TEST(FlagsLayers, FlagsOutsideLayersAreUnaffectedAndMissingUnitIsAnError) {
  const auto ev = rollgate::compile(kConfig);
  rollgate::context ctx(ev);
  EXPECT_EQ(ev.evaluate(0, ctx, 0).error_code, rollgate::error_code::targeting_key_missing);
  int split = 0;
  for (int i = 0; i < 1000; ++i) {
    ctx.set(ev.attribute("targetingKey"), "f" + std::to_string(i));
    split += ev.evaluate(3, ctx, 0).reason == rollgate::reason::split;
  }
  EXPECT_EQ(split, 1000);
}

TEST(FlagsLayers, LayerExclusionComesBeforeRules) {
  const auto ev = rollgate::compile(config_with(
      R"({"key": "ruled", "variations": [{"key": "off", "value": false}, {"key": "on", "value": true}],
          "defaultVariation": "off", "rules": [{"conditions": [], "serve": {"variation": "on"}}]})",
      "", R"({"key": "L", "allocations": [{"flag": "ruled", "share": 0}]})"));
  rollgate::context ctx(ev);
  ctx.set(ev.attribute("targetingKey"), "anyone");
  const auto r = ev.evaluate(0, ctx, 0);
  EXPECT_EQ(r.reason, rollgate::reason::default_);
  EXPECT_EQ(r.variant, "off");
}

}  // namespace
