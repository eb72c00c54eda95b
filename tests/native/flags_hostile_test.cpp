// Hostile input: deep nesting, huge documents, NaN-like numbers and random corruption give
// rollgate::error (or a problem list), never a crash, abort or unbounded recursion.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>

#include "flags_test_support.hpp"

namespace {

using rollgate::test::config_with;

TEST(FlagsHostile, TenThousandLevelsOfNestingIsAnError) {
  const std::string deep =
      R"({"flags": )" + std::string(10000, '[') + std::string(10000, ']') + "}";
  const auto problems = rollgate::validate(deep);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].to_string(),
            "[rollgate.json.102] config nests arrays/objects deeper than the limit of 64 levels");
  EXPECT_THROW(rollgate::compile(deep), rollgate::error);
}

TEST(FlagsHostile, DeeplyNestedConditionsAreBounded) {
  std::string cond = R"({"attribute": "a", "op": "equals", "value": 1})";
  for (int i = 0; i < 16; ++i) cond = R"({"not": )" + cond + "}";
  EXPECT_TRUE(rollgate::validate(config_with(rollgate::test::one_rule_flag(cond))).empty());
  cond = R"({"not": )" + cond + "}";  // 17 levels
  const auto problems = rollgate::validate(config_with(rollgate::test::one_rule_flag(cond)));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "rollgate.config.213");
  EXPECT_EQ(problems[0].message, "conditions nest deeper than the limit of 16 levels");
}

TEST(FlagsHostile, FiftyMegabytesIsAnError) {
  std::string huge = R"({"flags": [], "x": ")";
  huge.append(50u << 20, 'a');
  huge += "\"}";
  const auto problems = rollgate::validate(huge);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].to_string(), "[rollgate.json.103] config is " +
                                         std::to_string(huge.size()) +
                                         " bytes, more than the limit of 16777216 bytes");
}

TEST(FlagsHostile, NaNAndInfinityAreNotJson) {
  for (const char* text :
       {R"({"flags": [NaN]})", R"({"flags": [Infinity]})", R"({"flags": [-inf]})"}) {
    const auto problems = rollgate::validate(text);
    ASSERT_EQ(problems.size(), 1u) << text;
    EXPECT_EQ(problems[0].code, "rollgate.json.101") << text;
  }
}

TEST(FlagsHostile, HostileContexts) {
  const auto ev = rollgate::compile(config_with(
      rollgate::test::one_rule_flag(R"({"attribute": "a", "op": "equals", "value": 1})")));
  EXPECT_THROW(rollgate::context::from_json(ev, std::string(10000, '[') + std::string(10000, ']')),
               rollgate::error);
  EXPECT_THROW(rollgate::context::from_json(ev, R"({"a": ")" + std::string(2u << 20, 'x') + "\"}"),
               rollgate::error);
  EXPECT_THROW(rollgate::context::from_json(ev, "\xff\xfe"), rollgate::error);
  EXPECT_THROW(rollgate::context::from_json(ev, R"({"a": NaN})"), rollgate::error);
  EXPECT_THROW(rollgate::context::from_json(ev, ""), rollgate::error);
}

TEST(FlagsHostile, InvalidUtf8InTheConfigIsAnError) {
  const std::string text = config_with(
      R"({"key": "f\xc3", "variations": [{"key": "a", "value": 1}], "defaultVariation": "a"})");
  const auto problems = rollgate::validate(text);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].code, "rollgate.json.101");
}

TEST(FlagsHostile, RandomCorruptionNeverCrashes) {
  std::ifstream in(std::string(ROLLGATE_SOURCE_DIR) + "/examples/configs/storefront.json");
  const std::string original((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  ASSERT_FALSE(original.empty());
  std::mt19937 rng(12345);
  const char alphabet[] = "{}[]\":,01-.eE aZ\\tfn";
  int valid = 0;
  for (int round = 0; round < 1500; ++round) {
    std::string text = original;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t pos = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[pos] = alphabet[rng() % (sizeof(alphabet) - 1)];
          break;
        case 1:
          text.erase(pos, 1 + rng() % 8);
          break;
        default:
          text.insert(pos, 1, alphabet[rng() % (sizeof(alphabet) - 1)]);
          break;
      }
    }
    const auto problems = rollgate::validate(text);
    try {
      const auto ev = rollgate::compile(text);
      ASSERT_TRUE(problems.empty());
      ++valid;
      rollgate::context ctx(ev);
      ctx.set(ev.attribute("targetingKey"), "u");
      for (std::size_t i = 0; i < ev.flag_count(); ++i) (void)ev.evaluate(i, ctx, 0);
    } catch (const rollgate::error& e) {
      ASSERT_FALSE(problems.empty());
      ASSERT_EQ(e.problems().size(), problems.size());
    }
  }
  EXPECT_LT(valid, 1500);  // the corruption did reach the validator
}

}  // namespace

namespace {

// A large but valid config (about 8 MB: 20,000 flags with distinct attributes, one flag with
// 20,000 variations and weights) must compile in linear time: quadratic duplicate checks would
// take minutes here.
TEST(FlagsHostile, LargeConfigsCompileInLinearTime) {
  std::string flags;
  for (int i = 0; i < 20000; ++i) {
    const std::string n = std::to_string(i);
    flags += R"({"key": "flag-)" + n +
             R"(", "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
        "defaultVariation": "off", "rules": [{"conditions": [{"attribute": "attr-)" +
             n + R"(", "op": "equals", "value": 1}], "serve": {"variation": "on"}}]},)";
  }
  std::string variations, weights;
  for (int i = 0; i < 20000; ++i) {
    variations += (i ? "," : "") + (R"({"key": "v)" + std::to_string(i) + R"(", "value": )" +
                                    std::to_string(i) + "}");
    weights +=
        (i ? "," : "") + (R"({"variation": "v)" + std::to_string(i) + R"(", "weight": 0.005})");
  }
  flags += R"({"key": "wide", "variations": [)" + variations + R"(], "defaultVariation": "v0",
      "fallthrough": {"rollout": {"weights": [)" +
           weights + "]}}}";
  const auto ev = rollgate::compile(rollgate::test::config_with(flags));
  EXPECT_EQ(ev.flag_count(), 20001u);
  EXPECT_EQ(ev.attribute_count(), 20001u);
  auto ctx = rollgate::context::from_json(ev, R"({"attr-19999": 1, "targetingKey": "u"})");
  EXPECT_EQ(ev.evaluate(std::string_view("flag-19999"), ctx, 0).variant, "on");
  EXPECT_EQ(ev.evaluate(std::string_view("wide"), ctx, 0).reason, rollgate::reason::split);
}

}  // namespace
