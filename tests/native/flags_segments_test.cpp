// Segments: included/excluded unit lists, segment rules, and inSegment in flag rules.
#include <gtest/gtest.h>

#include "flags_test_support.hpp"

namespace {

using rollgate::test::rule_matches;

const std::string kSegments = R"(
  {"key": "beta", "included": ["u1", "u2"], "excluded": ["u3"],
   "rules": [{"conditions": [{"attribute": "groups", "op": "contains", "value": "beta"}]},
             {"conditions": [{"attribute": "plan", "op": "equals", "value": "enterprise"}]}]},
  {"key": "by-account", "attribute": "account", "included": ["acme"]},
  {"key": "empty"}
)";
const std::string kInBeta = R"({"op": "inSegment", "segment": "beta"})";

TEST(FlagsSegments, IncludedUnitsAreMembers) {
  EXPECT_TRUE(rule_matches(kInBeta, R"({"targetingKey": "u1"})", kSegments));
  EXPECT_TRUE(rule_matches(kInBeta, R"({"targetingKey": "u2"})", kSegments));
  EXPECT_FALSE(rule_matches(kInBeta, R"({"targetingKey": "u9"})", kSegments));
}

TEST(FlagsSegments, ExcludedWinsOverRules) {
  EXPECT_FALSE(rule_matches(kInBeta, R"({"targetingKey": "u3", "groups": ["beta"]})", kSegments));
  EXPECT_TRUE(rule_matches(kInBeta, R"({"targetingKey": "u4", "groups": ["beta"]})", kSegments));
}

TEST(FlagsSegments, AnySegmentRuleMakesAMember) {
  EXPECT_TRUE(rule_matches(kInBeta, R"({"targetingKey": "u9", "plan": "enterprise"})", kSegments));
  EXPECT_TRUE(rule_matches(kInBeta, R"({"plan": "enterprise"})", kSegments));  // rules need no unit
  EXPECT_FALSE(rule_matches(kInBeta, R"({"plan": "free"})", kSegments));
}

TEST(FlagsSegments, SegmentAttributeChoosesWhatTheListsMatch) {
  const std::string c = R"({"op": "inSegment", "segment": "by-account"})";
  EXPECT_TRUE(rule_matches(c, R"({"targetingKey": "x", "account": "acme"})", kSegments));
  EXPECT_FALSE(rule_matches(c, R"({"targetingKey": "acme"})", kSegments));
}

TEST(FlagsSegments, EmptySegmentHasNoMembersAndNotInvertsMembership) {
  EXPECT_FALSE(rule_matches(R"({"op": "inSegment", "segment": "empty"})",
                            R"({"targetingKey": "u1"})", kSegments));
  EXPECT_TRUE(rule_matches(R"({"not": {"op": "inSegment", "segment": "beta"}})",
                           R"({"targetingKey": "u9"})", kSegments));
}

TEST(FlagsSegments, UnknownAndSelfReferencingSegmentsAreRejected) {
  const auto p1 = rollgate::test::problem_strings(rollgate::test::config_with(
      rollgate::test::one_rule_flag(R"({"op": "inSegment", "segment": "nope"})"), kSegments));
  ASSERT_EQ(p1.size(), 1u);
  EXPECT_EQ(p1[0],
            "[rollgate.config.208] /flags/0/rules/0/conditions/0/segment: unknown segment 'nope'");
  const auto p2 = rollgate::test::problem_strings(rollgate::test::config_with(
      rollgate::test::one_rule_flag(kInBeta),
      R"({"key": "beta", "rules": [{"conditions": [{"op": "inSegment", "segment": "beta"}]}]})"));
  ASSERT_EQ(p2.size(), 1u);
  EXPECT_EQ(p2[0],
            "[rollgate.config.220] /segments/0/rules/0/conditions/0/op: a segment's rules cannot "
            "use inSegment");
}

}  // namespace
