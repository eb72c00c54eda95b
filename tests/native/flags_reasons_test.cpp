// The reason / error code of each evaluation path, as defined in docs/config.md ("Reasons").
#include <gtest/gtest.h>

#include "flags_test_support.hpp"

namespace {

using rollgate::error_code;
using rollgate::reason;
using rollgate::test::config_with;

const std::string kFlags = R"(
  {"key": "static", "variations": [{"key": "only", "value": "x"}], "defaultVariation": "only"},
  {"key": "static-fallthrough", "variations": [{"key": "a", "value": 1}, {"key": "b", "value": 2}],
   "defaultVariation": "a", "fallthrough": {"variation": "b"}},
  {"key": "killed", "enabled": false, "variations": [{"key": "a", "value": 1}, {"key": "b", "value": 2}],
   "defaultVariation": "a", "offVariation": "b", "fallthrough": {"variation": "a"}},
  {"key": "targeted", "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
   "defaultVariation": "off", "fallthrough": {"variation": "on"},
   "rules": [{"conditions": [{"attribute": "country", "op": "equals", "value": "DE"}], "serve": {"variation": "off"}},
             {"conditions": [{"attribute": "country", "op": "equals", "value": "FR"}], "serve": {"variation": "on"}}]},
  {"key": "split", "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
   "defaultVariation": "off",
   "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 50}, {"variation": "off", "weight": 50}]}}},
  {"key": "nobody", "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
   "defaultVariation": "off",
   "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 100}, {"variation": "off", "weight": 0}], "coverage": 0}}},
  {"key": "json", "variations": [{"key": "cfg", "value": {"a": [1, 2], "b": null}}], "defaultVariation": "cfg"}
)";

struct FlagsReasons : ::testing::Test {
  rollgate::evaluator ev = rollgate::compile(config_with(kFlags));
  rollgate::evaluation eval(const char* flag, const char* ctx) {
    return ev.evaluate(std::string_view(flag), rollgate::context::from_json(ev, ctx), 0);
  }
};

TEST_F(FlagsReasons, StaticMeansNoRulesNoRolloutNoPrerequisiteNoLayer) {
  const auto r = eval("static", "{}");
  EXPECT_EQ(r.reason, reason::static_);
  EXPECT_EQ(r.value, "\"x\"");
  EXPECT_EQ(r.variant, "only");
  EXPECT_EQ(r.variation_index, 0);
  EXPECT_EQ(r.rule_index, -1);
  EXPECT_EQ(r.error_code, error_code::none);
  EXPECT_EQ(eval("static-fallthrough", "{}").reason, reason::static_);
  EXPECT_EQ(eval("static-fallthrough", "{}").value, "2");
}

TEST_F(FlagsReasons, DisabledServesTheOffVariation) {
  const auto r = eval("killed", R"({"targetingKey": "u"})");
  EXPECT_EQ(r.reason, reason::disabled);
  EXPECT_EQ(r.variant, "b");
  EXPECT_EQ(r.value, "2");
}

TEST_F(FlagsReasons, TargetingMatchNamesTheFirstMatchingRule) {
  auto r = eval("targeted", R"({"country": "FR"})");
  EXPECT_EQ(r.reason, reason::targeting_match);
  EXPECT_EQ(r.rule_index, 1);
  EXPECT_EQ(r.value, "true");
  r = eval("targeted", R"({"country": "DE"})");
  EXPECT_EQ(r.rule_index, 0);
  EXPECT_EQ(r.value, "false");
}

TEST_F(FlagsReasons, FallthroughVariationOnADynamicFlagIsDefault) {
  const auto r = eval("targeted", R"({"country": "IT"})");
  EXPECT_EQ(r.reason, reason::default_);
  EXPECT_EQ(r.rule_index, -1);
  EXPECT_EQ(r.variant, "on");
}

TEST_F(FlagsReasons, RolloutIsSplitOutsideCoverageIsDefault) {
  EXPECT_EQ(eval("split", R"({"targetingKey": "u1"})").reason, reason::split);
  const auto r = eval("nobody", R"({"targetingKey": "u1"})");
  EXPECT_EQ(r.reason, reason::default_);
  EXPECT_EQ(r.variant, "off");  // the defaultVariation
}

TEST_F(FlagsReasons, MissingUnitIsTargetingKeyMissingWithTheDefaultValue) {
  // A number unit is bucketed by its canonical text (docs/bucketing.md); a list is no unit.
  for (const char* ctx : {"{}", R"({"targetingKey": ["a"]})", R"({"targetingKey": null})"}) {
    const auto r = eval("split", ctx);
    EXPECT_EQ(r.reason, reason::error) << ctx;
    EXPECT_EQ(r.error_code, error_code::targeting_key_missing) << ctx;
    EXPECT_EQ(r.variant, "off") << ctx;
    EXPECT_EQ(r.error_message,
              "the unit attribute (bucketBy) is missing or not a string, number or boolean");
  }
}

TEST_F(FlagsReasons, UnknownFlagIsFlagNotFoundWithNoValue) {
  const auto r = eval("nope", "{}");
  EXPECT_EQ(r.reason, reason::error);
  EXPECT_EQ(r.error_code, error_code::flag_not_found);
  EXPECT_EQ(r.variation_index, -1);
  EXPECT_EQ(r.value, "");
  EXPECT_EQ(
      r.to_json(),
      R"({"flag":"nope","reason":"ERROR","ruleIndex":-1,"errorCode":"FLAG_NOT_FOUND","errorMessage":"no flag with this key"})");
}

TEST_F(FlagsReasons, EvaluateJsonReportsAnInvalidContextAsParseError) {
  const auto ok = ev.evaluate_json("targeted", R"({"country": "FR"})", 0);
  EXPECT_EQ(ok.reason, reason::targeting_match);
  EXPECT_EQ(ok.rule_index, 1);
  for (const char* bad : {R"({"country": )", "[]", R"({"country": {"a": 1}})"}) {
    const auto r = ev.evaluate_json("targeted", bad, 0);
    EXPECT_EQ(r.reason, reason::error) << bad;
    EXPECT_EQ(r.error_code, error_code::parse_error) << bad;
    EXPECT_EQ(r.variant, "off") << bad;  // the default variation
    EXPECT_EQ(r.error_message, "the context is not a valid JSON context (see context::from_json)");
  }
  EXPECT_EQ(ev.evaluate_json("nope", "not json", 0).error_code, error_code::flag_not_found);
}

TEST_F(FlagsReasons, IndexOutOfRangeIsGeneral) {
  const rollgate::context ctx(ev);
  const auto r = ev.evaluate(ev.flag_count(), ctx, 0);
  EXPECT_EQ(r.error_code, error_code::general);
}

TEST_F(FlagsReasons, TypedEvaluationReportsTypeMismatch) {
  const rollgate::context ctx(ev);
  const auto i = *ev.flag_index("static");
  EXPECT_EQ(ev.flag_type(i), rollgate::value_type::string);
  EXPECT_EQ(ev.evaluate(i, ctx, 0, rollgate::value_type::string).reason, reason::static_);
  const auto r = ev.evaluate(i, ctx, 0, rollgate::value_type::boolean);
  EXPECT_EQ(r.reason, reason::error);
  EXPECT_EQ(r.error_code, error_code::type_mismatch);
  EXPECT_EQ(r.value, "\"x\"");
  EXPECT_EQ(ev.flag_type(*ev.flag_index("json")), rollgate::value_type::json);
}

TEST_F(FlagsReasons, ToJsonEmbedsTheValueAsJson) {
  EXPECT_EQ(
      eval("json", "{}").to_json(),
      R"({"flag":"json","value":{"a":[1,2],"b":null},"variant":"cfg","variationIndex":0,"reason":"STATIC","ruleIndex":-1})");
}

TEST_F(FlagsReasons, NamesOfReasonsAndCodes) {
  EXPECT_STREQ(rollgate::to_string(reason::static_), "STATIC");
  EXPECT_STREQ(rollgate::to_string(reason::targeting_match), "TARGETING_MATCH");
  EXPECT_STREQ(rollgate::to_string(reason::split), "SPLIT");
  EXPECT_STREQ(rollgate::to_string(reason::disabled), "DISABLED");
  EXPECT_STREQ(rollgate::to_string(reason::default_), "DEFAULT");
  EXPECT_STREQ(rollgate::to_string(reason::error), "ERROR");
  EXPECT_STREQ(rollgate::to_string(error_code::parse_error), "PARSE_ERROR");
  EXPECT_STREQ(rollgate::to_string(error_code::none), "");
}

TEST_F(FlagsReasons, EvaluateAllIsInConfigurationOrderAndReusesTheVector) {
  const auto ctx = rollgate::context::from_json(ev, R"({"targetingKey": "u1", "country": "FR"})");
  std::vector<rollgate::evaluation> out;
  ev.evaluate_all(ctx, 0, out);
  ASSERT_EQ(out.size(), ev.flag_count());
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].flag, ev.flag_key(i));
    const auto single = ev.evaluate(i, ctx, 0);
    EXPECT_EQ(out[i].variant, single.variant);
    EXPECT_EQ(out[i].reason, single.reason);
  }
  const auto* data = out.data();
  ev.evaluate_all(ctx, 0, out);
  EXPECT_EQ(out.data(), data);
}

}  // namespace
