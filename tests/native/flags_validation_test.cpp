// Config validation: every problem is reported (in document order) with its id, JSON Pointer and
// whole message; validate() never throws and compile() throws all of them at once.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "flags_test_support.hpp"

namespace {

using rollgate::test::config_with;
using rollgate::test::problem_strings;

const char* const kVars =
    R"("variations": [{"key": "on", "value": true}, {"key": "off", "value": false}])";

std::string flag(const std::string& key, const std::string& extra) {
  return R"({"key": ")" + key + R"(", )" + kVars + R"(, "defaultVariation": "off")" + extra + "}";
}

TEST(FlagsValidation, ValidConfigHasNoProblems) {
  EXPECT_TRUE(rollgate::validate(config_with(flag("a", ""))).empty());
  EXPECT_NO_THROW(rollgate::compile(config_with(flag("a", ""))));
}

TEST(FlagsValidation, EveryProblemIsListedInOneError) {
  const std::string config = R"({"schemaVersion": 1, "flags": [
    {"key": "a", "variations": [{"key": "on", "value": true}, {"key": "on", "value": false}],
     "defaultVariation": "maybe", "enabeld": true},
    {"key": "a", "variations": [], "defaultVariation": "x"},
    {"key": "c", "variations": [{"key": "n", "value": 1}, {"key": "s", "value": "two"}], "defaultVariation": "n",
     "rules": [{"conditions": [{"attribute": "x", "op": "matchesRegex", "value": "y"}], "serve": {"variation": "n"}}],
     "fallthrough": {"rollout": {"weights": [{"variation": "n", "weight": 50}, {"variation": "s", "weight": 40}]}}}
  ]})";
  const std::vector<std::string> expected = {
      "[rollgate.config.202] /flags/0/enabeld: unknown member 'enabeld'",
      "[rollgate.config.203] /flags/0/variations/1/key: duplicate variation key 'on'",
      "[rollgate.config.205] /flags/0/defaultVariation: unknown variation 'maybe' in flag 'a'",
      "[rollgate.config.210] /flags/1/variations: a flag needs at least one variation",
      "[rollgate.config.203] /flags/1/key: duplicate flag key 'a'",
      "[rollgate.config.214] /flags/2/variations/1/value: variation value is a string but the "
      "flag's first variation is a number",
      "[rollgate.config.206] /flags/2/rules/0/conditions/0/op: unknown operator 'matchesRegex'",
      "[rollgate.config.204] /flags/2/fallthrough/rollout/weights: weights sum to 90000, expected "
      "100000 (100%)",
  };
  EXPECT_EQ(problem_strings(config), expected);
  try {
    rollgate::compile(config);
    FAIL() << "expected rollgate::error";
  } catch (const rollgate::error& e) {
    EXPECT_EQ(e.problems().size(), expected.size());
    EXPECT_EQ(std::string(e.what()), expected[0] + " (and 7 more problems)");
  }
}

TEST(FlagsValidation, WrongTypesAndMissingMembers) {
  EXPECT_EQ(problem_strings("[]"),
            std::vector<std::string>{"[rollgate.config.201] expected an object, got array"});
  EXPECT_EQ(problem_strings("{}"),
            std::vector<std::string>{"[rollgate.config.201] missing required member 'flags'"});
  EXPECT_EQ(
      problem_strings(R"({"flags": {}})"),
      std::vector<std::string>{"[rollgate.config.201] /flags: expected an array, got object"});
  EXPECT_EQ(
      problem_strings(config_with(R"({"key": 7, "enabled": "yes", "variations": [{"key": "a"}]})")),
      (std::vector<std::string>{
          "[rollgate.config.201] /flags/0/key: expected a string, got number",
          "[rollgate.config.201] /flags/0/enabled: expected a boolean, got string",
          "[rollgate.config.201] /flags/0/variations/0: missing required member 'value'",
          "[rollgate.config.201] /flags/0: missing required member 'defaultVariation'"}));
  EXPECT_EQ(problem_strings(
                config_with(flag("a", R"(, "fallthrough": {"variation": "on", "rollout": {}})"))),
            std::vector<std::string>{"[rollgate.config.201] /flags/0/fallthrough: expected exactly "
                                     "one of 'variation' or 'rollout'"});
}

TEST(FlagsValidation, EmptyKeysAndUnknownTopLevelMembers) {
  EXPECT_EQ(problem_strings(R"({"flags": [], "flagz": []})"),
            std::vector<std::string>{"[rollgate.config.202] /flagz: unknown member 'flagz'"});
  EXPECT_EQ(problem_strings(config_with(R"({"key": "", )" + std::string(kVars) +
                                        R"(, "defaultVariation": "off"})")),
            std::vector<std::string>{"[rollgate.config.210] /flags/0/key: must not be empty"});
}

TEST(FlagsValidation, DuplicateSegmentsAndLayers) {
  EXPECT_EQ(
      problem_strings(
          config_with(flag("a", ""), R"({"key": "s"}, {"key": "s"})",
                      R"({"key": "l", "allocations": []}, {"key": "l", "allocations": []})")),
      (std::vector<std::string>{"[rollgate.config.203] /segments/1/key: duplicate segment key 's'",
                                "[rollgate.config.203] /layers/1/key: duplicate layer key 'l'"}));
}

TEST(FlagsValidation, Percentages) {
  const auto with_weights = [](const std::string& a, const std::string& b) {
    return config_with(
        flag("f", R"(, "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": )" +
                      a + R"(}, {"variation": "off", "weight": )" + b + "}]}}"));
  };
  EXPECT_TRUE(problem_strings(with_weights("33.333", "66.667")).empty());
  EXPECT_TRUE(problem_strings(with_weights("0.001", "99.999")).empty());
  EXPECT_EQ(problem_strings(with_weights("33.3333", "66.6667")),
            (std::vector<std::string>{
                "[rollgate.config.211] /flags/0/fallthrough/rollout/weights/0/weight: percentage "
                "33.3333 has more than 3 decimals (the resolution is 0.001%)",
                "[rollgate.config.211] /flags/0/fallthrough/rollout/weights/1/weight: percentage "
                "66.6667 has more than 3 decimals (the resolution is 0.001%)"}));
  EXPECT_EQ(problem_strings(with_weights("-1", "101")),
            (std::vector<std::string>{
                "[rollgate.config.211] /flags/0/fallthrough/rollout/weights/0/weight: percentage "
                "-1 is outside [0, 100]",
                "[rollgate.config.211] /flags/0/fallthrough/rollout/weights/1/weight: percentage "
                "101 is outside [0, 100]"}));
  EXPECT_EQ(problem_strings(with_weights("50", "50.001")),
            std::vector<std::string>{"[rollgate.config.204] /flags/0/fallthrough/rollout/weights: "
                                     "weights sum to 100001, expected 100000 (100%)"});
  EXPECT_EQ(problem_strings(with_weights(R"("50")", "50")),
            std::vector<std::string>{
                "[rollgate.config.201] /flags/0/fallthrough/rollout/weights/0/weight: expected a "
                "number, got string"});
  EXPECT_EQ(
      problem_strings(config_with(flag(
          "f",
          R"(, "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 50}, {"variation": "on", "weight": 50}]}})"))),
      std::vector<std::string>{
          "[rollgate.config.203] /flags/0/fallthrough/rollout/weights/1/variation: variation 'on' "
          "appears twice in the weights"});
}

// Issue 12, defect 7: a tolerance of 1e-6 accepted weights with more decimals than the 0.001%
// resolution; every percentage of a config now follows percent_to_scale's exact rule.
TEST(FlagsValidation, Issue12_PercentagesWithMoreThanThreeDecimalsAreRejected) {
  const auto with_weights = [](const std::string& a, const std::string& b) {
    return config_with(
        flag("f", R"(, "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": )" +
                      a + R"(}, {"variation": "off", "weight": )" + b + "}]}}"));
  };
  EXPECT_EQ(problem_strings(with_weights("33.3330000001", "66.6669999999")),
            (std::vector<std::string>{
                "[rollgate.config.211] /flags/0/fallthrough/rollout/weights/0/weight: percentage "
                "33.3330000001 has more than 3 decimals (the resolution is 0.001%)",
                "[rollgate.config.211] /flags/0/fallthrough/rollout/weights/1/weight: percentage "
                "66.6669999999 has more than 3 decimals (the resolution is 0.001%)"}));
  EXPECT_EQ(problem_strings(with_weights("1e-320", "100")),
            std::vector<std::string>{
                "[rollgate.config.211] /flags/0/fallthrough/rollout/weights/0/weight: percentage "
                "1e-320 has more than 3 decimals (the resolution is 0.001%)"});
  // Written with more digits than a double holds, a 3-decimal value is still that value.
  EXPECT_TRUE(problem_strings(with_weights("33.33300000000000000001", "66.667")).empty());
  EXPECT_TRUE(problem_strings(with_weights("5e1", "-0.0e0")).size() == 1u);  // sums to 50%
  // Coverage, ramp steps and layer shares follow the same rule.
  EXPECT_EQ(
      problem_strings(config_with(flag(
          "f",
          R"(, "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 100}], "coverage": 12.50000001}})"))),
      std::vector<std::string>{"[rollgate.config.211] /flags/0/fallthrough/rollout/coverage: "
                               "percentage 12.50000001 has more than 3 decimals (the resolution "
                               "is 0.001%)"});
  EXPECT_EQ(
      problem_strings(config_with(flag(
          "f",
          R"(, "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 100}], "ramp": [{"at": 0, "coverage": 0.0000001}]}})"))),
      std::vector<std::string>{
          "[rollgate.config.211] /flags/0/fallthrough/rollout/ramp/0/coverage: "
          "percentage 1e-07 has more than 3 decimals (the resolution is "
          "0.001%)"});
  EXPECT_EQ(problem_strings(config_with(
                flag("f", ""), "",
                R"({"key": "l", "allocations": [{"flag": "f", "share": 50.0000001}]})")),
            std::vector<std::string>{"[rollgate.config.211] /layers/0/allocations/0/share: "
                                     "percentage 50.0000001 has more than 3 decimals (the "
                                     "resolution is 0.001%)"});
}

TEST(FlagsValidation, NonFiniteNumbers) {
  // JSON has no NaN literal; 1e999 overflows a double, which parse_json reports as invalid JSON
  // (rollgate.json.101) before any pointer is known.
  EXPECT_EQ(
      problem_strings(config_with(
          R"({"key": "n", "variations": [{"key": "big", "value": 1e999}], "defaultVariation": "big"})")),
      std::vector<std::string>{
          "[rollgate.json.101] config is not valid JSON: number overflow parsing '1e999'"});
  EXPECT_EQ(problem_strings(config_with(rollgate::test::one_rule_flag(
                R"({"attribute": "a", "op": "gt", "value": -1e999})"))),
            std::vector<std::string>{
                "[rollgate.json.101] config is not valid JSON: number overflow parsing '-1e999'"});
  EXPECT_EQ(problem_strings(R"({"flags": [], "x": NaN})").size(), 1u);
  EXPECT_EQ(rollgate::validate(R"({"flags": [], "x": NaN})")[0].code, "rollgate.json.101");
}

TEST(FlagsValidation, OperandsAreCheckedAtLoad) {
  const auto problems = [](const std::string& c) {
    return problem_strings(config_with(rollgate::test::one_rule_flag(c)));
  };
  EXPECT_EQ(
      problems(R"({"attribute": "v", "op": "semverLt", "value": "1.2"})"),
      std::vector<std::string>{"[rollgate.config.212] /flags/0/rules/0/conditions/0/value: \"1.2\" "
                               "is not a semantic version (MAJOR.MINOR.PATCH[-PRE][+BUILD])"});
  EXPECT_EQ(problems(R"({"attribute": "t", "op": "before", "value": "tomorrow"})"),
            std::vector<std::string>{"[rollgate.config.212] /flags/0/rules/0/conditions/0/value: "
                                     "'tomorrow' is not an RFC 3339 date-time"});
  EXPECT_EQ(problems(R"({"attribute": "t", "op": "after", "value": 1.5})"),
            std::vector<std::string>{"[rollgate.config.212] /flags/0/rules/0/conditions/0/value: "
                                     "epoch milliseconds must be an integer within +-9e15"});
  EXPECT_EQ(problems(R"({"attribute": "n", "op": "lt", "value": "5"})"),
            std::vector<std::string>{"[rollgate.config.212] /flags/0/rules/0/conditions/0/value: "
                                     "operator 'lt' needs a number value, got string"});
  EXPECT_EQ(
      problems(R"({"attribute": "n", "op": "in", "value": "5"})"),
      (std::vector<std::string>{
          "[rollgate.config.201] /flags/0/rules/0/conditions/0: missing required member 'values'",
          "[rollgate.config.212] /flags/0/rules/0/conditions/0/value: operator 'in' takes 'values' "
          "(an array), not 'value'"}));
  EXPECT_EQ(
      problems(R"({"attribute": "n", "op": "in", "values": [{}]})"),
      std::vector<std::string>{"[rollgate.config.212] /flags/0/rules/0/conditions/0/values/0: "
                               "expected a string, number or boolean, got object"});
  EXPECT_EQ(problems(R"({"op": "equals", "value": 1})"),
            std::vector<std::string>{"[rollgate.config.201] /flags/0/rules/0/conditions/0: missing "
                                     "required member 'attribute'"});
  EXPECT_EQ(problems(R"({"all": [], "op": "equals"})"),
            std::vector<std::string>{
                "[rollgate.config.202] /flags/0/rules/0/conditions/0/op: unknown member 'op'"});
}

TEST(FlagsValidation, RampsAndLayers) {
  const auto ramp = [](const std::string& steps) {
    return problem_strings(config_with(flag(
        "f",
        R"(, "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 100}, {"variation": "off", "weight": 0}], "ramp": )" +
            steps + "}}")));
  };
  EXPECT_EQ(
      ramp(R"([{"at": 2000, "coverage": 1}, {"at": 1000, "coverage": 5}])"),
      std::vector<std::string>{"[rollgate.config.215] /flags/0/fallthrough/rollout/ramp/1/at: ramp "
                               "steps must be in strictly increasing time order"});
  EXPECT_EQ(ramp("[]"),
            std::vector<std::string>{"[rollgate.config.215] /flags/0/fallthrough/rollout/ramp: a "
                                     "ramp needs at least one step"});
  EXPECT_EQ(
      problem_strings(config_with(flag(
          "f",
          R"(, "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 100}], "coverage": 5, "ramp": []}})"))),
      std::vector<std::string>{"[rollgate.config.215] /flags/0/fallthrough/rollout: a rollout has "
                               "either 'coverage' or 'ramp', not both"});
  EXPECT_EQ(
      problem_strings(config_with(
          flag("a", "") + "," + flag("b", ""), "",
          R"({"key": "L1", "allocations": [{"flag": "a", "share": 60}, {"flag": "b", "share": 50}, {"flag": "zz", "share": 1}]},
                                           {"key": "L2", "allocations": [{"flag": "a", "share": 10}]})")),
      (std::vector<std::string>{
          "[rollgate.config.216] /layers/0/allocations/1/share: the layer's shares add up to more "
          "than 100% (110000 of 100000)",
          "[rollgate.config.207] /layers/0/allocations/2/flag: unknown flag 'zz'",
          "[rollgate.config.216] /layers/1/allocations/0/flag: flag 'a' already belongs to layer "
          "'L1'"}));
}

TEST(FlagsValidation, SchemaVersion) {
  EXPECT_EQ(problem_strings(R"({"schemaVersion": 2, "flags": []})"),
            std::vector<std::string>{"[rollgate.config.219] /schemaVersion: unsupported "
                                     "schemaVersion 2 (this rollgate reads 1)"});
}

TEST(FlagsValidation, PointersEscapeSpecialCharacters) {
  EXPECT_EQ(problem_strings(R"({"flags": [], "a/b~c": 1})"),
            std::vector<std::string>{"[rollgate.config.202] /a~1b~0c: unknown member 'a/b~c'"});
}

TEST(FlagsValidation, ExampleConfigIsValid) {
  const auto text = [] {
    std::ifstream in(std::string(ROLLGATE_SOURCE_DIR) + "/examples/configs/storefront.json");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(problem_strings(text), std::vector<std::string>{});
}

}  // namespace
