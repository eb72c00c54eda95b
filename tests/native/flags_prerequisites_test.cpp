// Prerequisite flags: gating on another flag's served variation, and cycle detection at load.
#include <gtest/gtest.h>

#include "flags_test_support.hpp"

namespace {

using rollgate::test::config_with;
using rollgate::test::problem_strings;

std::string bool_flag(const std::string& key, const std::string& extra) {
  return R"({"key": ")" + key +
         R"(", "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
             "defaultVariation": "off", "fallthrough": {"variation": "on"})" +
         extra + "}";
}

TEST(FlagsPrerequisites, FlagIsOnOnlyWhenThePrerequisiteServesTheVariation) {
  const std::string a =
      R"({"key": "a", "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
      "defaultVariation": "off", "fallthrough": {"variation": "off"},
      "rules": [{"conditions": [{"attribute": "beta", "op": "equals", "value": true}], "serve": {"variation": "on"}}]})";
  const auto ev = rollgate::compile(config_with(
      bool_flag("b", R"(, "prerequisites": [{"flag": "a", "variations": ["on"]}])") + "," + a));
  const auto on =
      ev.evaluate(std::string_view("b"), rollgate::context::from_json(ev, R"({"beta": true})"), 0);
  EXPECT_EQ(on.variant, "on");
  EXPECT_EQ(on.reason, rollgate::reason::default_);  // prerequisites make a flag dynamic
  const auto off =
      ev.evaluate(std::string_view("b"), rollgate::context::from_json(ev, R"({"beta": false})"), 0);
  EXPECT_EQ(off.variant, "off");
  EXPECT_EQ(off.reason, rollgate::reason::disabled);
}

TEST(FlagsPrerequisites, ADisabledPrerequisiteFailsEvenIfItsOffVariationIsAccepted) {
  const auto ev = rollgate::compile(config_with(
      bool_flag("b", R"(, "prerequisites": [{"flag": "a", "variations": ["off", "on"]}])") + "," +
      bool_flag("a", R"(, "enabled": false)")));
  const rollgate::context ctx(ev);
  EXPECT_EQ(ev.evaluate(std::string_view("b"), ctx, 0).reason, rollgate::reason::disabled);
}

TEST(FlagsPrerequisites, ChainsEvaluateTransitively) {
  const auto ev = rollgate::compile(config_with(
      bool_flag("c", R"(, "prerequisites": [{"flag": "b", "variations": ["on"]}])") + "," +
      bool_flag("b", R"(, "prerequisites": [{"flag": "a", "variations": ["on"]}])") + "," +
      bool_flag(
          "a",
          R"(, "rules": [{"conditions": [{"attribute": "x", "op": "equals", "value": 1}], "serve": {"variation": "off"}}])")));
  EXPECT_EQ(ev.evaluate(std::string_view("c"), rollgate::context::from_json(ev, "{}"), 0).variant,
            "on");
  EXPECT_EQ(ev.evaluate(std::string_view("c"), rollgate::context::from_json(ev, R"({"x": 1})"), 0)
                .variant,
            "off");
}

TEST(FlagsPrerequisites, CycleIsReportedWithItsPath) {
  const auto problems = problem_strings(config_with(
      bool_flag("a", R"(, "prerequisites": [{"flag": "b", "variations": ["on"]}])") + "," +
      bool_flag("b", R"(, "prerequisites": [{"flag": "c", "variations": ["on"]}])") + "," +
      bool_flag("c", R"(, "prerequisites": [{"flag": "a", "variations": ["on"]}])")));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0],
            "[rollgate.config.209] /flags/2/prerequisites: prerequisite cycle: a -> b -> c -> a");
}

TEST(FlagsPrerequisites, SelfPrerequisiteIsACycle) {
  const auto problems = problem_strings(config_with(
      bool_flag("solo", R"(, "prerequisites": [{"flag": "solo", "variations": ["on"]}])")));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0],
            "[rollgate.config.209] /flags/0/prerequisites: prerequisite cycle: solo -> solo");
}

TEST(FlagsPrerequisites, UnknownFlagAndVariationAreReported) {
  const auto problems = problem_strings(config_with(
      bool_flag(
          "a",
          R"(, "prerequisites": [{"flag": "ghost", "variations": ["on"]}, {"flag": "b", "variations": ["maybe"]}])") +
      "," + bool_flag("b", "")));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0],
            "[rollgate.config.207] /flags/0/prerequisites/0/flag: unknown flag 'ghost'");
  EXPECT_EQ(problems[1],
            "[rollgate.config.205] /flags/0/prerequisites/1/variations/0: unknown variation "
            "'maybe' in flag 'b'");
}

TEST(FlagsPrerequisites, OverlongChainsAreRejected) {
  std::string flags;
  for (int i = 0; i < 20; ++i) {
    if (i) flags += ",";
    flags += bool_flag("f" + std::to_string(i), i == 19 ? ""
                                                        : R"(, "prerequisites": [{"flag": "f)" +
                                                              std::to_string(i + 1) +
                                                              R"(", "variations": ["on"]}])");
  }
  const auto problems = problem_strings(config_with(flags));
  ASSERT_EQ(problems.size(), 4u);  // f0..f3 head chains of 20..17 flags
  EXPECT_EQ(problems[0],
            "[rollgate.config.217] /flags/0/prerequisites: prerequisite chain of 20 flags is "
            "longer than the limit of 16");
  EXPECT_EQ(problems[3],
            "[rollgate.config.217] /flags/3/prerequisites: prerequisite chain of 17 flags is "
            "longer than the limit of 16");
}

}  // namespace
