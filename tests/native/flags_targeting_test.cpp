// The operators, options and semantics of issue 18: the shared vectors tests/vectors/targeting.json
// (made by tests/vectors/gen/gen_targeting.py from Python's re / ipaddress / xxhash references;
// tests/node/targeting.test.mjs runs the same file on the WASM build), then what vectors cannot
// show: the context's null, no allocation on the regex path, and the regex bounds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "flag_case.hpp"
#include "rollgate/flags.hpp"
#include "test_support.hpp"

namespace {

TEST(FlagsTargeting, EveryVectorCaseMatches) {
  const auto vectors = rollgate::test::load_vectors("targeting.json");
  ASSERT_EQ(vectors.at("spec_version"), 1);
  const auto& cases = vectors.at("cases");
  ASSERT_GE(cases.size(), 250u);
  std::size_t matched = 0;
  for (const auto& c : cases) {
    const std::string name = c.at("name");
    SCOPED_TRACE(name);
    const auto r = rollgate::test::expect_flag_case(c);
    if (r.reason == rollgate::reason::targeting_match) ++matched;
  }
  // Both outcomes are well represented, so a matcher stuck at true or false fails many cases.
  EXPECT_GT(matched, cases.size() / 4);
  EXPECT_LT(matched, cases.size() * 3 / 4);
}

TEST(FlagsTargeting, EveryVectorProblemHasItsIdAndPointer) {
  const auto vectors = rollgate::test::load_vectors("targeting.json");
  const auto& errors = vectors.at("errors");
  ASSERT_GE(errors.size(), 15u);
  for (const auto& e : errors) {
    SCOPED_TRACE(e.at("name").get<std::string>());
    const auto problems = rollgate::validate(e.at("config").dump());
    ASSERT_EQ(problems.size(), e.at("problems").size());
    for (std::size_t i = 0; i < problems.size(); ++i) {
      EXPECT_EQ(problems[i].code, e.at("problems")[i].at("code").get<std::string>());
      EXPECT_EQ(problems[i].pointer, e.at("problems")[i].at("pointer").get<std::string>());
    }
  }
}

TEST(FlagsTargeting, RegexProblemNamesTheByteOffset) {
  const auto problems = rollgate::validate(
      R"({"flags":[{"key":"f","variations":[{"key":"a","value":1}],"defaultVariation":"a",)"
      R"J("rules":[{"conditions":[{"attribute":"s","op":"matches","value":"ab(?=c)"}],)J"
      R"("serve":{"variation":"a"}}]}]})");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("at byte 2"), std::string::npos) << problems[0].message;
}

TEST(FlagsTargeting, NullIsSetByValueAndClearedLikeAnyOther) {
  const auto ev = rollgate::compile(
      R"({"flags":[{"key":"f","variations":[{"key":"on","value":true},{"key":"off","value":false}],)"
      R"("defaultVariation":"off","rules":[{"conditions":[{"attribute":"s","op":"isNull"}],)"
      R"("serve":{"variation":"on"}}]}]})");
  rollgate::context ctx(ev);
  const auto id = ev.attribute("s");
  EXPECT_EQ(ev.evaluate("f", ctx, 0).variant, "off");
  ctx.set_null(id);
  EXPECT_EQ(ev.evaluate("f", ctx, 0).variant, "on");
  ctx.set(id, "x");
  EXPECT_EQ(ev.evaluate("f", ctx, 0).variant, "off");
  ctx.set_null(id);
  ctx.clear();
  EXPECT_EQ(ev.evaluate("f", ctx, 0).variant, "off");
}

TEST(FlagsTargeting, PathologicalRegexOnALongInputStaysLinear) {
  const auto ev = rollgate::compile(
      R"({"flags":[{"key":"f","variations":[{"key":"on","value":true},{"key":"off","value":false}],)"
      R"("defaultVariation":"off","rules":[{"conditions":[{"attribute":"s","op":"matches",)"
      R"("value":"(a*)*b"}],"serve":{"variation":"on"}}]}]})");
  rollgate::context ctx(ev);
  ctx.set(ev.attribute("s"), std::string(100000, 'a'));
  EXPECT_EQ(ev.evaluate("f", ctx, 0).variant, "off");  // a backtracking engine would not return
  ctx.set(ev.attribute("s"), std::string(100000, 'a') + "b");
  EXPECT_EQ(ev.evaluate("f", ctx, 0).variant, "on");
  // Over the 128 KiB input bound: reported by the engine as too long, and so no match.
  ctx.set(ev.attribute("s"), std::string(200000, 'a') + "b");
  EXPECT_EQ(ev.evaluate("f", ctx, 0).variant, "off");
}

}  // namespace
