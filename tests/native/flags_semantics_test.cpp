// The semantic points of issue 18 where the peers decide differently, one test each, as
// docs/config.md ("Semantics beside the peers") states them.
#include <gtest/gtest.h>

#include <string>

#include "flags_test_support.hpp"
#include "rollgate/flags.hpp"

namespace {

using rollgate::test::config_with;
using rollgate::test::one_rule_flag;
using rollgate::test::rule_matches;

TEST(FlagsSemantics, NotInOnAMissingAttributeIsFalseAndNotInIsTheWayToIncludeIt) {
  const std::string not_in = R"({"attribute": "country", "op": "notIn", "values": ["DE", "AT"]})";
  EXPECT_FALSE(rule_matches(not_in, R"({})"));
  EXPECT_FALSE(rule_matches(not_in, R"({"country": null})"));
  EXPECT_TRUE(rule_matches(not_in, R"({"country": "FR"})"));
  const std::string negated =
      R"({"not": {"attribute": "country", "op": "in", "values": ["DE", "AT"]}})";
  EXPECT_TRUE(rule_matches(negated, R"({})"));
  EXPECT_FALSE(rule_matches(negated, R"({"country": "DE"})"));
}

TEST(FlagsSemantics, EmptyAnyIsFalseAndEmptyAllIsTrue) {
  EXPECT_FALSE(rule_matches(R"({"any": []})", R"({})"));
  EXPECT_TRUE(rule_matches(R"({"all": []})", R"({})"));
}

TEST(FlagsSemantics, APrerequisiteOnASwitchedOffFlagIsNotMetWhateverItsOffVariation) {
  // The parent's off variation is the very variation the prerequisite asks for: still not met.
  const auto ev = rollgate::compile(config_with(
      R"({"key": "parent", "enabled": false, "variations": [{"key": "on", "value": true},
           {"key": "off", "value": false}], "defaultVariation": "on", "offVariation": "on"},
         {"key": "child", "variations": [{"key": "yes", "value": 1}, {"key": "no", "value": 0}],
          "defaultVariation": "yes", "offVariation": "no",
          "prerequisites": [{"flag": "parent", "variations": ["on"]}]})"));
  rollgate::context ctx(ev);
  const auto r = ev.evaluate("child", ctx, 0);
  EXPECT_EQ(r.variant, "no");
  EXPECT_EQ(r.reason, rollgate::reason::disabled);
}

TEST(FlagsSemantics, ARuleRolloutWithoutAUnitIsSkippedAndOnlyTheFallthroughReportsIt) {
  const auto ev = rollgate::compile(config_with(
      R"({"key": "f", "variations": [{"key": "a", "value": "A"}, {"key": "b", "value": "B"}],
          "defaultVariation": "b",
          "rules": [{"conditions": [], "serve": {"rollout": {"weights": [{"variation": "a", "weight": 100}]}}}],
          "fallthrough": {"variation": "b"}},
         {"key": "g", "variations": [{"key": "a", "value": "A"}, {"key": "b", "value": "B"}],
          "defaultVariation": "b",
          "fallthrough": {"rollout": {"weights": [{"variation": "a", "weight": 100}]}}})"));
  rollgate::context ctx(ev);
  const auto skipped = ev.evaluate("f", ctx, 0);
  EXPECT_EQ(skipped.variant, "b");
  EXPECT_EQ(skipped.reason, rollgate::reason::default_);
  EXPECT_EQ(skipped.error_code, rollgate::error_code::none);
  const auto fallthrough = ev.evaluate("g", ctx, 0);
  EXPECT_EQ(fallthrough.reason, rollgate::reason::error);
  EXPECT_EQ(fallthrough.error_code, rollgate::error_code::targeting_key_missing);
  ctx.set(ev.attribute("targetingKey"), "u1");
  EXPECT_EQ(ev.evaluate("f", ctx, 0).reason, rollgate::reason::split);
  EXPECT_EQ(ev.evaluate("f", ctx, 0).rule_index, 0);
}

TEST(FlagsSemantics, ADisabledFlagServesItsOffVariationInRollgatesApi) {
  const auto ev = rollgate::compile(config_with(
      R"({"key": "k", "enabled": false, "variations": [{"key": "on", "value": true},
          {"key": "off", "value": false}], "defaultVariation": "on", "offVariation": "off"})"));
  rollgate::context ctx(ev);
  const auto r = ev.evaluate("k", ctx, 0);
  EXPECT_EQ(r.variant, "off");
  EXPECT_EQ(r.reason, rollgate::reason::disabled);
}

TEST(FlagsSemantics, NoCoercionBetweenStringsAndNumbers) {
  EXPECT_FALSE(rule_matches(R"({"attribute": "n", "op": "equals", "value": 8})", R"({"n": "8"})"));
  EXPECT_FALSE(rule_matches(R"({"attribute": "n", "op": "gt", "value": 7})", R"({"n": "8"})"));
  EXPECT_FALSE(rule_matches(R"({"attribute": "n", "op": "equals", "value": "8"})", R"({"n": 8})"));
  EXPECT_FALSE(rule_matches(R"({"attribute": "n", "op": "in", "values": ["8"]})", R"({"n": 8})"));
  EXPECT_TRUE(rule_matches(R"({"attribute": "n", "op": "gt", "value": 7})", R"({"n": 8})"));
}

TEST(FlagsSemantics, NumberAndBooleanUnitsBucketLikeTheirCanonicalText) {
  const auto ev = rollgate::compile(config_with(
      R"({"key": "f", "bucketBy": "id", "variations": [{"key": "a", "value": 1}, {"key": "b", "value": 2}],
          "defaultVariation": "a", "fallthrough": {"rollout": {"weights": [{"variation": "a", "weight": 50},
          {"variation": "b", "weight": 50}]}}})"));
  rollgate::context number(ev);
  rollgate::context text(ev);
  int b_count = 0;
  for (int i = 0; i < 200; ++i) {
    number.set(ev.attribute("id"), i);
    text.set(ev.attribute("id"), std::to_string(i));
    const auto n = ev.evaluate("f", number, 0);
    EXPECT_EQ(n.reason, rollgate::reason::split);
    EXPECT_EQ(n.variant, ev.evaluate("f", text, 0).variant) << i;
    b_count += n.variant == "b";
  }
  EXPECT_GT(b_count, 50);
  EXPECT_LT(b_count, 150);
  rollgate::context boolean(ev);
  rollgate::context true_text(ev);
  boolean.set(ev.attribute("id"), true);
  true_text.set(ev.attribute("id"), "true");
  EXPECT_EQ(ev.evaluate("f", boolean, 0).variant, ev.evaluate("f", true_text, 0).variant);
}

// A rule of one condition compiles to that condition itself, not to an `all` of one child (the
// evaluator then descends one level less). It must match exactly where the same condition wrapped
// in `all`, in `any`, or given twice matches, for positive and negated conditions alike.
TEST(FlagsSemantics, ARuleOfOneConditionMatchesWhereItsWrappedFormsMatch) {
  const std::string conditions[] = {
      R"({"attribute": "country", "op": "in", "values": ["DE", "FR"]})",
      R"({"attribute": "groups", "op": "contains", "value": "beta"})",
      R"({"attribute": "age", "op": "gte", "value": 30})",
      R"({"not": {"attribute": "country", "op": "equals", "value": "DE"}})",
      R"({"attribute": "plan", "op": "exists"})",
  };
  const std::string contexts[] = {
      R"({})",
      R"({"country": "DE", "groups": ["beta"], "age": 30, "plan": "pro"})",
      R"({"country": "US", "groups": ["news"], "age": 29})",
      R"({"country": null, "groups": [], "age": "30", "plan": null})",
      R"({"country": "FR", "age": 31.5})",
  };
  int matched = 0;
  for (const auto& c : conditions) {
    for (const auto& ctx : contexts) {
      const bool alone = rule_matches(c, ctx);
      matched += alone;
      EXPECT_EQ(alone, rule_matches(R"({"all": [)" + c + "]}", ctx)) << c << " on " << ctx;
      EXPECT_EQ(alone, rule_matches(R"({"any": [)" + c + "]}", ctx)) << c << " on " << ctx;
      EXPECT_EQ(alone, rule_matches(c + ", " + c, ctx)) << c << " on " << ctx;
      EXPECT_EQ(!alone, rule_matches(R"({"not": )" + c + "}", ctx)) << c << " on " << ctx;
    }
  }
  // Both outcomes occur, so the comparisons above are not of a constant.
  EXPECT_GT(matched, 3);
  EXPECT_LT(matched, 22);
}

}  // namespace
