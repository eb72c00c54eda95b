// What the evaluator tells its callers about itself, for bindings and tools: whether results can
// depend on the clock (uses_clock), the declared flags and attributes (describe), and the enum
// tables a binding exports in enum order (kReasonCount & co. with to_string).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "detail/json_input.hpp"  // parse_json, to read describe()'s JSON back
#include "flags_test_support.hpp"

namespace {

using rollgate::test::config_with;

std::string rollout_flag(const std::string& key, const std::string& rollout_extra) {
  return R"({"key": ")" + key +
         R"(", "variations": [{"key": "a", "value": 1}, {"key": "b", "value": 2}],
            "defaultVariation": "a",
            "fallthrough": {"rollout": {"weights": [{"variation": "b", "weight": 100}])" +
         rollout_extra + "}}}";
}

TEST(FlagsApi, UsesClockIffSomeRolloutHasARamp) {
  EXPECT_FALSE(rollgate::compile(config_with(rollout_flag("f", ""))).uses_clock());
  EXPECT_FALSE(
      rollgate::compile(config_with(rollout_flag("f", R"(, "coverage": 50)"))).uses_clock());
  // `before`/`after` compare an attribute with a fixed time: no clock.
  EXPECT_FALSE(rollgate::compile(config_with(rollgate::test::one_rule_flag(
                                     R"({"attribute": "t", "op": "before", "value": 5})")))
                   .uses_clock());
  // A key or description that spells "ramp" is not a ramp.
  EXPECT_FALSE(rollgate::compile(config_with(rollout_flag("ramp", ""))).uses_clock());
  const std::string ramp = R"(, "ramp": [{"at": 0, "coverage": 50}])";
  EXPECT_TRUE(rollgate::compile(config_with(rollout_flag("f", ramp))).uses_clock());
  // In a rule's serve, and in any flag of several.
  const std::string in_rule =
      R"({"key": "r", "variations": [{"key": "a", "value": 1}], "defaultVariation": "a",
          "rules": [{"conditions": [], "serve": {"rollout": {"weights": [{"variation": "a", "weight": 100}])" +
      ramp + "}}}]}";
  EXPECT_TRUE(rollgate::compile(config_with(in_rule)).uses_clock());
  EXPECT_TRUE(rollgate::compile(config_with(rollout_flag("f", "") + "," + rollout_flag("g", ramp)))
                  .uses_clock());
  // Without a ramp the clock indeed cannot change a result.
  const auto ev = rollgate::compile(config_with(rollout_flag("f", R"(, "coverage": 50)")));
  rollgate::context ctx(ev);
  for (int i = 0; i < 200; ++i) {
    ctx.set(ev.attribute("targetingKey"), "u" + std::to_string(i));
    ASSERT_EQ(ev.evaluate(0, ctx, 0).variant, ev.evaluate(0, ctx, 4102444800000).variant);
  }
}

TEST(FlagsApi, DescribeListsFlagsAttributesAndTheClock) {
  const auto ev = rollgate::compile(config_with(
      rollout_flag(R"(first \"quoted\")", R"(, "ramp": [{"at": 0, "coverage": 5}])") + "," +
      rollgate::test::one_rule_flag(R"({"attribute": "country", "op": "equals", "value": "DE"})")));
  EXPECT_EQ(ev.describe(),
            R"({"flags":[{"key":"first \"quoted\"","type":"number"},{"key":"f","type":"boolean"}],)"
            R"("attributes":["targetingKey","country"],"usesClock":true})");
  const auto doc = rollgate::detail::parse_json(ev.describe(), "describe");
  ASSERT_EQ(doc["attributes"].size(), ev.attribute_count());
  for (std::size_t i = 0; i < ev.attribute_count(); ++i) {
    EXPECT_EQ(doc["attributes"][i].get<std::string>(),
              ev.attribute_name(static_cast<rollgate::attribute_id>(i)));
  }
}

// A binding exports the names 0 .. count - 1 (wasm/bindings/flags.cpp flagsLayout); each must be
// the enumerator's own, distinct, and the count must not stop short or run past the enum.
TEST(FlagsApi, EnumCountsCoverEveryEnumerator) {
  std::set<std::string> reasons;
  for (std::size_t i = 0; i < rollgate::kReasonCount; ++i)
    reasons.insert(rollgate::to_string(static_cast<rollgate::reason>(i)));
  EXPECT_EQ(reasons.size(), rollgate::kReasonCount);
  EXPECT_EQ(static_cast<std::size_t>(rollgate::reason::error) + 1, rollgate::kReasonCount);
  EXPECT_EQ(static_cast<std::size_t>(rollgate::error_code::general) + 1, rollgate::kErrorCodeCount);
  EXPECT_STREQ(rollgate::to_string(rollgate::error_code::none), "");
  EXPECT_EQ(static_cast<std::size_t>(rollgate::value_type::json) + 1, rollgate::kValueTypeCount);
  std::set<std::string> codes;
  for (std::size_t i = 0; i < rollgate::kErrorCodeCount; ++i)
    codes.insert(rollgate::to_string(static_cast<rollgate::error_code>(i)));
  EXPECT_EQ(codes.size(), rollgate::kErrorCodeCount);
}

}  // namespace
