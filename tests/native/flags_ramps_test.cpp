// Scheduled ramps: the coverage in force is the last step whose time <= now (0 before the first).
#include <gtest/gtest.h>

#include "flags_test_support.hpp"
#include "rollgate/bucket.hpp"

namespace {

using rollgate::test::config_with;

// 1% at T0, 10% at T0+5h, 50% at T0+1d, 100% at T0+4d (T0 = 2026-11-26T09:00:00Z).
const std::int64_t kT0 = 1795683600000;
const std::int64_t kHour = 3600000;
const std::string kFlag =
    R"({"key": "checkout", "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
    "defaultVariation": "off",
    "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 100}, {"variation": "off", "weight": 0}],
      "ramp": [{"at": "2026-11-26T09:00:00Z", "coverage": 1}, {"at": "2026-11-26T14:00:00Z", "coverage": 10},
               {"at": 1795770000000, "coverage": 50}, {"at": "2026-11-30T09:00:00Z", "coverage": 100}]}}})";

double share_on(const rollgate::evaluator& ev, std::int64_t now) {
  rollgate::context ctx(ev);
  int on = 0;
  for (int i = 0; i < 20000; ++i) {
    ctx.set(ev.attribute("targetingKey"), "r" + std::to_string(i));
    on += ev.evaluate(0, ctx, now).variant == "on";
  }
  return on / 20000.0;
}

TEST(FlagsRamps, CoverageFollowsTheSchedule) {
  const auto ev = rollgate::compile(config_with(kFlag));
  EXPECT_EQ(share_on(ev, kT0 - 1), 0.0);
  EXPECT_NEAR(share_on(ev, kT0), 0.01, 0.003);
  EXPECT_NEAR(share_on(ev, kT0 + 5 * kHour - 1), 0.01, 0.003);
  EXPECT_NEAR(share_on(ev, kT0 + 5 * kHour), 0.10, 0.01);
  EXPECT_NEAR(share_on(ev, kT0 + 24 * kHour), 0.50, 0.015);
  EXPECT_EQ(share_on(ev, kT0 + 96 * kHour), 1.0);
  EXPECT_EQ(share_on(ev, kT0 + 9999 * kHour), 1.0);
}

TEST(FlagsRamps, StepBoundariesMatchTheBucketingContract) {
  const auto ev = rollgate::compile(config_with(kFlag));
  rollgate::context ctx(ev);
  const rollgate::bucketer b("checkout");
  for (int i = 0; i < 2000; ++i) {
    const std::string unit = "b" + std::to_string(i);
    ctx.set(ev.attribute("targetingKey"), unit);
    const auto bucket = rollgate::bucket_of(b.coverage_draw(unit), rollgate::kScale);
    ASSERT_EQ(ev.evaluate(0, ctx, kT0 + 5 * kHour).variant == "on", bucket < 10000) << unit;
    ASSERT_EQ(ev.evaluate(0, ctx, kT0 + 5 * kHour - 1).variant == "on", bucket < 1000) << unit;
  }
}

TEST(FlagsRamps, UnitsStayInAsTheRampProgresses) {
  const auto ev = rollgate::compile(config_with(kFlag));
  rollgate::context ctx(ev);
  const std::int64_t times[] = {kT0, kT0 + 5 * kHour, kT0 + 24 * kHour, kT0 + 96 * kHour};
  for (int i = 0; i < 5000; ++i) {
    ctx.set(ev.attribute("targetingKey"), "m" + std::to_string(i));
    bool was_on = false;
    for (auto t : times) {
      const bool on = ev.evaluate(0, ctx, t).variant == "on";
      ASSERT_TRUE(on || !was_on);
      was_on = on;
    }
  }
}

TEST(FlagsRamps, SystemClockOverloadUsesTheCurrentTime) {
  const auto ev = rollgate::compile(config_with(
      R"({"key": "past", "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
      "defaultVariation": "off", "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 100}, {"variation": "off", "weight": 0}],
      "ramp": [{"at": 0, "coverage": 0}, {"at": "2000-01-01T00:00:00Z", "coverage": 100}, {"at": "9999-12-31T23:59:59Z", "coverage": 0}]}}})"));
  rollgate::context ctx(ev);
  ctx.set(ev.attribute("targetingKey"), "u");
  EXPECT_EQ(ev.evaluate(std::string_view("past"), ctx).variant, "on");
  EXPECT_EQ(ev.evaluate(std::string_view("past"), ctx, 5).variant, "off");
}

}  // namespace
