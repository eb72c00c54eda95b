// Every condition operator, with matching, non-matching, missing-attribute and type-mismatch
// cases. Expectations are derived by hand from the operator definitions in docs/config.md.
#include <gtest/gtest.h>

#include "flags_test_support.hpp"

namespace {

using rollgate::test::rule_matches;

TEST(FlagsOperators, EqualsComparesSameTypeOnly) {
  const std::string c = R"({"attribute": "country", "op": "equals", "value": "DE"})";
  EXPECT_TRUE(rule_matches(c, R"({"country": "DE"})"));
  EXPECT_FALSE(rule_matches(c, R"({"country": "de"})"));  // case-sensitive, no normalisation
  EXPECT_FALSE(rule_matches(c, R"({})"));                 // missing never matches
  EXPECT_FALSE(rule_matches(c, R"({"country": 49})"));    // type mismatch
  EXPECT_TRUE(rule_matches(R"({"attribute": "n", "op": "equals", "value": 3})", R"({"n": 3.0})"));
  EXPECT_TRUE(
      rule_matches(R"({"attribute": "b", "op": "equals", "value": true})", R"({"b": true})"));
  EXPECT_FALSE(
      rule_matches(R"({"attribute": "b", "op": "equals", "value": true})", R"({"b": "true"})"));
}

TEST(FlagsOperators, NotEqualsNeedsPresentSameTypedAttribute) {
  const std::string c = R"({"attribute": "plan", "op": "notEquals", "value": "free"})";
  EXPECT_TRUE(rule_matches(c, R"({"plan": "team"})"));
  EXPECT_FALSE(rule_matches(c, R"({"plan": "free"})"));
  EXPECT_FALSE(rule_matches(c, R"({})"));
  EXPECT_FALSE(rule_matches(c, R"({"plan": null})"));
  EXPECT_FALSE(rule_matches(c, R"({"plan": 1})"));
}

TEST(FlagsOperators, InAndNotInWithMixedLists) {
  const std::string in = R"({"attribute": "x", "op": "in", "values": ["a", "b", 2, false]})";
  EXPECT_TRUE(rule_matches(in, R"({"x": "b"})"));
  EXPECT_TRUE(rule_matches(in, R"({"x": 2})"));
  EXPECT_TRUE(rule_matches(in, R"({"x": false})"));
  EXPECT_FALSE(rule_matches(in, R"({"x": true})"));
  EXPECT_FALSE(rule_matches(in, R"({"x": "c"})"));
  EXPECT_FALSE(rule_matches(in, R"({})"));
  EXPECT_TRUE(rule_matches(in, R"({"x": ["z", "a"]})"));  // a list attribute: any element
  const std::string not_in = R"({"attribute": "x", "op": "notIn", "values": ["a", "b"]})";
  EXPECT_TRUE(rule_matches(not_in, R"({"x": "c"})"));
  EXPECT_FALSE(rule_matches(not_in, R"({"x": "a"})"));
  EXPECT_FALSE(rule_matches(not_in, R"({})"));        // missing never matches
  EXPECT_FALSE(rule_matches(not_in, R"({"x": 5})"));  // no number listed: type mismatch
  EXPECT_TRUE(rule_matches(not_in, R"({"x": ["c", "d"]})"));
  EXPECT_FALSE(rule_matches(not_in, R"({"x": ["c", "b"]})"));
}

TEST(FlagsOperators, InWithManyValuesUsesSortedLookup) {
  std::string values;
  for (int i = 999; i >= 0; --i)
    values += (i == 999 ? "" : ",") + ("\"u" + std::to_string(i) + "\"");
  const std::string c = R"({"attribute": "u", "op": "in", "values": [)" + values + "]}";
  EXPECT_TRUE(rule_matches(c, R"({"u": "u0"})"));
  EXPECT_TRUE(rule_matches(c, R"({"u": "u500"})"));
  EXPECT_TRUE(rule_matches(c, R"({"u": "u999"})"));
  EXPECT_FALSE(rule_matches(c, R"({"u": "u1000"})"));
}

// Sets of up to 8 strings are scanned, larger ones binary-searched (flags/fold.hpp): both sides of
// the boundary answer the same, for values that share the size and the first byte with a member
// and differ later, and for the empty string.
TEST(FlagsOperators, InAnswersTheSameEitherSideOfTheScanBoundary) {
  for (const int count : {1, 7, 8, 9, 16}) {
    std::string values = R"("")";  // the empty string is a member
    for (int i = 1; i < count; ++i) values += ",\"ab" + std::to_string(i % 10) + "\"";
    const std::string c = R"({"attribute": "x", "op": "in", "values": [)" + values + "]}";
    SCOPED_TRACE(c);
    EXPECT_TRUE(rule_matches(c, R"({"x": ""})"));
    if (count > 1) {
      EXPECT_TRUE(rule_matches(c, R"({"x": "ab1"})"));
      EXPECT_TRUE(rule_matches(c, "{\"x\": \"ab" + std::to_string((count - 1) % 10) + "\"}"));
    }
    EXPECT_FALSE(rule_matches(c, R"({"x": "abz"})"));  // same size and first bytes, last differs
    EXPECT_FALSE(rule_matches(c, R"({"x": "xb1"})"));  // same size, first byte differs
    EXPECT_FALSE(rule_matches(c, R"({"x": "ab"})"));   // a prefix of every member
    EXPECT_FALSE(rule_matches(c, R"({"x": "ab10"})"));
  }
}

TEST(FlagsOperators, StringOperators) {
  EXPECT_TRUE(rule_matches(R"({"attribute": "e", "op": "contains", "value": "@ex"})",
                           R"({"e": "a@ex.org"})"));
  EXPECT_FALSE(rule_matches(R"({"attribute": "e", "op": "contains", "value": "@ex"})",
                            R"({"e": "a@Ex.org"})"));
  EXPECT_TRUE(rule_matches(R"({"attribute": "g", "op": "contains", "value": "beta"})",
                           R"({"g": ["x", "beta"]})"));
  EXPECT_FALSE(rule_matches(R"({"attribute": "g", "op": "contains", "value": "bet"})",
                            R"({"g": ["beta"]})"));
  EXPECT_TRUE(rule_matches(R"({"attribute": "e", "op": "startsWith", "value": "adm"})",
                           R"({"e": "admin"})"));
  EXPECT_FALSE(rule_matches(R"({"attribute": "e", "op": "startsWith", "value": "admin2"})",
                            R"({"e": "admin"})"));
  EXPECT_TRUE(
      rule_matches(R"({"attribute": "e", "op": "endsWith", "value": ".de"})", R"({"e": "x.de"})"));
  EXPECT_FALSE(
      rule_matches(R"({"attribute": "e", "op": "endsWith", "value": ".de"})", R"({"e": "de"})"));
  EXPECT_FALSE(
      rule_matches(R"({"attribute": "e", "op": "endsWith", "value": "1"})", R"({"e": 1})"));
  EXPECT_TRUE(rule_matches(R"({"attribute": "e", "op": "contains", "value": ""})", R"({"e": ""})"));
}

TEST(FlagsOperators, NumericComparisons) {
  const auto m = [](const char* op, double v) {
    return rule_matches(std::string(R"({"attribute": "age", "op": ")") + op + R"(", "value": 18})",
                        R"({"age": )" + std::to_string(v) + "}");
  };
  EXPECT_TRUE(m("lt", 17.5));
  EXPECT_FALSE(m("lt", 18));
  EXPECT_TRUE(m("lte", 18));
  EXPECT_FALSE(m("lte", 18.01));
  EXPECT_TRUE(m("gt", 19));
  EXPECT_FALSE(m("gt", 18));
  EXPECT_TRUE(m("gte", 18));
  EXPECT_FALSE(m("gte", -18));
  EXPECT_FALSE(rule_matches(R"({"attribute": "age", "op": "gt", "value": 1})", R"({"age": "20"})"));
  EXPECT_FALSE(rule_matches(R"({"attribute": "age", "op": "gt", "value": 1})", R"({})"));
}

TEST(FlagsOperators, SemverComparisonsUsePrecedence) {
  const auto m = [](const char* op, const char* value, const char* attr) {
    return rule_matches(
        std::string(R"({"attribute": "v", "op": ")") + op + R"(", "value": ")" + value + R"("})",
        std::string(R"({"v": ")") + attr + R"("})");
  };
  EXPECT_TRUE(m("semverLt", "5.2.0", "5.1.9"));
  EXPECT_TRUE(m("semverLt", "5.2.0", "5.2.0-rc.1"));             // pre-release precedes the release
  EXPECT_FALSE(m("semverLt", "5.2.0", "5.10.0"));                // numeric, not lexical
  EXPECT_TRUE(m("semverEq", "1.0.0+build.1", "1.0.0+build.2"));  // build metadata ignored
  EXPECT_TRUE(m("semverGte", "1.0.0-alpha", "1.0.0-alpha.1"));
  EXPECT_TRUE(m("semverGt", "1.0.0-beta.2", "1.0.0-beta.11"));
  EXPECT_TRUE(m("semverLte", "2.0.0", "2.0.0"));
  EXPECT_FALSE(m("semverGt", "1.0.0", "v2.0.0"));  // not a version: no match
  EXPECT_FALSE(
      rule_matches(R"({"attribute": "v", "op": "semverGt", "value": "1.0.0"})", R"({"v": 2})"));
}

TEST(FlagsOperators, BeforeAndAfterAcceptStringsAndEpochMs) {
  const std::string before =
      R"({"attribute": "t", "op": "before", "value": "2026-01-01T00:00:00Z"})";
  EXPECT_TRUE(rule_matches(before, R"({"t": "2025-12-31T23:59:59.999Z"})"));
  EXPECT_FALSE(rule_matches(before, R"({"t": "2026-01-01T00:00:00Z"})"));
  EXPECT_TRUE(rule_matches(before, R"({"t": "2026-01-01T00:30:00+01:00"})"));  // 23:30 UTC
  EXPECT_TRUE(rule_matches(before, R"({"t": 1767225599999})"));
  EXPECT_FALSE(rule_matches(before, R"({"t": 1767225600000})"));
  EXPECT_FALSE(rule_matches(before, R"({"t": "yesterday"})"));
  const std::string after = R"({"attribute": "t", "op": "after", "value": 1767225600000})";
  EXPECT_TRUE(rule_matches(after, R"({"t": "2026-01-01T00:00:00.001Z"})"));
  EXPECT_FALSE(rule_matches(after, R"({"t": "2026-01-01T00:00:00Z"})"));
  EXPECT_FALSE(rule_matches(after, R"({"t": true})"));
}

TEST(FlagsOperators, AllAnyNotCombinations) {
  const std::string c = R"({"any": [
      {"all": [{"attribute": "a", "op": "equals", "value": 1}, {"attribute": "b", "op": "equals", "value": 2}]},
      {"not": {"attribute": "c", "op": "equals", "value": "x"}}]})";
  EXPECT_TRUE(rule_matches(c, R"({"a": 1, "b": 2, "c": "x"})"));
  EXPECT_FALSE(rule_matches(c, R"({"a": 1, "b": 3, "c": "x"})"));
  EXPECT_TRUE(rule_matches(c, R"({"c": "y"})"));
  EXPECT_TRUE(rule_matches(c, R"({})"));  // not(missing never matches) is true: documented
  EXPECT_TRUE(rule_matches(R"({"all": []})", R"({})"));
  EXPECT_FALSE(rule_matches(R"({"any": []})", R"({})"));
}

TEST(FlagsOperators, RuleConditionsAreAnded) {
  const auto ev = rollgate::compile(rollgate::test::config_with(R"({"key": "f",
      "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
      "defaultVariation": "off",
      "rules": [{"conditions": [{"attribute": "a", "op": "equals", "value": 1},
                                {"attribute": "b", "op": "equals", "value": 2}],
                 "serve": {"variation": "on"}},
                {"conditions": [], "serve": {"variation": "off"}}]})"));
  const auto r1 = ev.evaluate(std::string_view("f"),
                              rollgate::context::from_json(ev, R"({"a": 1, "b": 2})"), 0);
  EXPECT_EQ(r1.rule_index, 0);
  const auto r2 =
      ev.evaluate(std::string_view("f"), rollgate::context::from_json(ev, R"({"a": 1})"), 0);
  EXPECT_EQ(r2.rule_index, 1);  // an empty condition list always matches
  EXPECT_EQ(r2.variant, "off");
}

TEST(FlagsOperators, UnknownAttributeNamesInContextAreIgnored) {
  EXPECT_FALSE(rule_matches(R"({"attribute": "a", "op": "equals", "value": 1})", R"({"zzz": 1})"));
}

}  // namespace
