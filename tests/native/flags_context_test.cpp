// The evaluation context: interned attribute ids, typed values, reuse without reallocation, and
// from_json with JSON Pointers in its errors.
#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "flags_test_support.hpp"

namespace {

using rollgate::test::config_with;

const std::string kConfig = config_with(rollgate::test::one_rule_flag(
    R"({"any": [{"attribute": "country", "op": "equals", "value": "DE"},
               {"attribute": "groups", "op": "contains", "value": "beta"},
               {"attribute": "age", "op": "gte", "value": 18},
               {"attribute": "admin", "op": "equals", "value": true}]})"));

TEST(FlagsContext, AttributeIdsAreInternedFromTheConfig) {
  const auto ev = rollgate::compile(kConfig);
  EXPECT_EQ(ev.attribute_count(), 5u);  // targetingKey (the flag's unit) + the four above
  for (const char* name : {"targetingKey", "country", "groups", "age", "admin"}) {
    const auto id = ev.attribute(name);
    ASSERT_NE(id, rollgate::kUnknownAttribute) << name;
    EXPECT_EQ(ev.attribute_name(id), name);
  }
  EXPECT_EQ(ev.attribute("Country"), rollgate::kUnknownAttribute);
  EXPECT_EQ(ev.flag_index("f"), std::optional<std::size_t>(0));
  EXPECT_EQ(ev.flag_index("g"), std::nullopt);
}

TEST(FlagsContext, TypedSettersAndUnknownIdsAreIgnored) {
  const auto ev = rollgate::compile(kConfig);
  rollgate::context ctx(ev);
  const auto f = *ev.flag_index("f");
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "off");
  ctx.set(rollgate::kUnknownAttribute, "DE");  // accepted, never matches
  ctx.set(12345u, 1.0);
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "off");
  ctx.set(ev.attribute("age"), 17);
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "off");
  ctx.set(ev.attribute("age"), 18.0);
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "on");
  ctx.set(ev.attribute("age"), std::numeric_limits<double>::quiet_NaN());  // NaN is "missing"
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "off");
  ctx.set(ev.attribute("admin"), true);
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "on");
  ctx.unset(ev.attribute("admin"));
  ctx.set(ev.attribute("groups"), std::vector<std::string_view>{"a", "beta"});
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "on");
  ctx.set(ev.attribute("groups"), std::vector<std::string_view>{"a"});  // shrinks the live list
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "off");
  ctx.clear();
  ctx.set(ev.attribute("country"), "DE");
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "on");
}

TEST(FlagsContext, ClearAndRefillKeepsBuffers) {
  const auto ev = rollgate::compile(kConfig);
  rollgate::context ctx(ev);
  const auto country = ev.attribute("country");
  ctx.set(country, std::string(64, 'x'));
  const auto* before = ctx.find(country)->text.data();
  for (int i = 0; i < 100; ++i) {
    ctx.clear();
    EXPECT_EQ(ctx.find(country), nullptr);
    ctx.set(country, "DE-" + std::to_string(i));
    ctx.set(ev.attribute("age"), 20.0);
  }
  EXPECT_EQ(ctx.find(country)->text.data(), before);  // the string's buffer was reused
}

TEST(FlagsContext, BorrowedStringsAreReadWhereTheyLie) {
  const auto ev = rollgate::compile(kConfig);
  const auto f = *ev.flag_index("f");
  const auto country = ev.attribute("country");
  const auto groups = ev.attribute("groups");
  rollgate::context ctx(ev);
  char bytes[] = "DE";
  ctx.set_borrowed(country, std::string_view(bytes, 2));
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "on");
  bytes[1] = 'K';  // not copied: the evaluation reads the caller's bytes
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "off");
  ctx.set(country, std::string_view(bytes, 2));  // copied again: later changes do not reach it
  bytes[1] = 'E';
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "off");

  ctx.clear();
  std::string item = "beta";
  ctx.set_borrowed(groups, std::vector<std::string_view>{"news", item});
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "on");
  item[0] = 'z';
  EXPECT_EQ(ev.evaluate(f, ctx, 0).variant, "off");
}

TEST(FlagsContext, ACopyOwnsTheStringsItWasSet) {
  const auto ev = rollgate::compile(kConfig);
  const auto f = *ev.flag_index("f");
  const auto country = ev.attribute("country");
  const auto groups = ev.attribute("groups");
  // Short strings live inside the string object itself, long ones on the heap: both must be the
  // copy's own, whatever happens to the original afterwards.
  for (const std::string& padding : {std::string(), std::string(40, ' ')}) {
    std::optional<rollgate::context> original(std::in_place, ev);
    original->set(groups, std::vector<std::string_view>{"beta", padding});
    rollgate::context by_construction(*original);
    rollgate::context by_assignment(ev);
    by_assignment = *original;
    original->set(groups, std::vector<std::string_view>{"gamma", padding});
    EXPECT_EQ(ev.evaluate(f, *original, 0).variant, "off");
    original.reset();
    EXPECT_EQ(ev.evaluate(f, by_construction, 0).variant, "on") << padding.size();
    EXPECT_EQ(ev.evaluate(f, by_assignment, 0).variant, "on") << padding.size();

    original.emplace(ev);
    original->set(country, "DE" + padding);
    rollgate::context copy(*original);
    original->set(country, "FR" + padding);
    original.reset();
    EXPECT_EQ(copy.find(country)->text, "DE" + padding);
    rollgate::context moved(std::move(copy));  // a move keeps the strings where they are
    EXPECT_EQ(moved.find(country)->text, "DE" + padding);
  }
}

TEST(FlagsContext, FromJsonReadsEveryType) {
  const auto ev = rollgate::compile(kConfig);
  auto ctx = rollgate::context::from_json(
      ev,
      R"({"targetingKey": "u", "country": "FR", "age": 3, "admin": false, "groups": ["x"], "other": {"deep": 1}, "gone": null})");
  EXPECT_EQ(ctx.find(ev.attribute("country"))->text, "FR");
  EXPECT_EQ(ctx.find(ev.attribute("age"))->number, 3.0);
  EXPECT_EQ(ctx.find(ev.attribute("groups"))->list_size, 1u);
  EXPECT_EQ(ev.evaluate(0, ctx, 0).variant, "off");
  ctx.assign_json(ev, R"({"admin": true})");
  EXPECT_EQ(ctx.find(ev.attribute("country")), nullptr);
  EXPECT_EQ(ev.evaluate(0, ctx, 0).variant, "on");
}

std::vector<std::string> errors_of(const rollgate::evaluator& ev, const std::string& json) {
  try {
    rollgate::context::from_json(ev, json);
  } catch (const rollgate::error& e) {
    std::vector<std::string> out;
    for (const auto& p : e.problems()) out.push_back(p.to_string());
    return out;
  }
  return {};
}

TEST(FlagsContext, FromJsonErrorsCarryPointers) {
  const auto ev = rollgate::compile(kConfig);
  EXPECT_EQ(
      errors_of(ev, "[1]"),
      std::vector<std::string>{"[rollgate.config.250] a context must be a JSON object, got array"});
  EXPECT_EQ(
      errors_of(ev, R"({"country": {"a": 1}, "groups": ["a", 2, true]})"),
      (std::vector<std::string>{
          "[rollgate.config.250] /country: an attribute is a string, number, boolean, list of "
          "strings or null, got object",
          "[rollgate.config.250] /groups/1: list attributes hold strings only, got number",
          "[rollgate.config.250] /groups/2: list attributes hold strings only, got boolean"}));
  EXPECT_EQ(errors_of(ev, R"({"age": 1e400})"),
            std::vector<std::string>{
                "[rollgate.json.101] context is not valid JSON: number overflow parsing '1e400'"});
  EXPECT_EQ(errors_of(ev, R"({"a": )").size(), 1u);
  EXPECT_EQ(errors_of(ev, R"({"a": )")[0].substr(0, 20), "[rollgate.json.101] ");
}

// Bindings build contexts value by value from their own language (wasm/bindings/flags.cpp) and
// must report what from_json reports: the problems come from the same two functions.
TEST(FlagsContext, ProblemsForBindingsEqualFromJsonProblems) {
  const auto ev = rollgate::compile(config_with(rollgate::test::one_rule_flag(
      R"({"all": [{"attribute": "we/ird~name", "op": "equals", "value": "x"},
                  {"attribute": "groups", "op": "contains", "value": "beta"}]})")));
  EXPECT_EQ(errors_of(ev, "[1]"),
            std::vector<std::string>{rollgate::context_type_problem("array").to_string()});
  EXPECT_EQ(errors_of(ev, R"({"we/ird~name": {"a": 1}, "groups": ["a", 2]})"),
            (std::vector<std::string>{
                rollgate::context_value_problem("groups", "number", 1).to_string(),
                rollgate::context_value_problem("we/ird~name", "object").to_string()}));
  EXPECT_EQ(rollgate::context_value_problem("we/ird~name", "object").pointer, "/we~1ird~0name");
  EXPECT_EQ(rollgate::context_value_problem("n", "number").to_string(),
            "[rollgate.config.250] /n: number is not finite");
  EXPECT_EQ(rollgate::context_value_problem("g", "bigint", 3).to_string(),
            "[rollgate.config.250] /g/3: list attributes hold strings only, got bigint");
  EXPECT_EQ(rollgate::context_value_problem("g", "symbol").to_string(),
            "[rollgate.config.250] /g: an attribute is a string, number, boolean, list of strings "
            "or null, got symbol");
  // Names the configuration never uses are never looked at, whatever they hold.
  EXPECT_TRUE(errors_of(ev, R"({"unused": {"deep": [1, {}]}, "other": [1, 2]})").empty());
}

TEST(FlagsContext, ContextFromAnotherEvaluatorIsSafe) {
  const auto small = rollgate::compile(config_with(
      R"({"key": "s", "variations": [{"key": "x", "value": 1}], "defaultVariation": "x"})"));
  const auto big = rollgate::compile(kConfig);
  rollgate::context ctx(small);  // fewer slots than `big` has attributes
  ctx.set(big.attribute("admin"), true);
  EXPECT_EQ(big.evaluate(0, ctx, 0).variant, "off");
}

}  // namespace
