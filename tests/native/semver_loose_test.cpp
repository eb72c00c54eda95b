// Loose version parsing, the explicit opt-in (core/src/detail/semver.hpp, semver_syntax::loose).
//
// Why tests/vectors/semver_loose.json exists: each version there was compared with "1.2.0" by a
// real flagd evaluator (@openfeature/flagd-core's sem_ver) in
// tests/vectors/gen/gen_semver_loose.mjs; the two rows where rollgate's documented rule differs
// say so in "rule". Regenerate (after npm ci):
//   node tests/vectors/gen/gen_semver_loose.mjs > tests/vectors/semver_loose.json
#include <gtest/gtest.h>

#include <string>

#include "detail/semver.hpp"
#include "test_support.hpp"

namespace {

using rollgate::detail::compare_semver;
using rollgate::detail::parse_semver;
using rollgate::detail::semver_syntax;

TEST(SemverLoose, ComparesWithOneTwoZeroAsFlagdDoes) {
  const auto v = rollgate::test::load_vectors("semver_loose.json");
  ASSERT_EQ(v.at("spec_version"), 1);
  const auto target = parse_semver("1.2.0");
  ASSERT_TRUE(target);
  std::size_t valid = 0;
  for (const auto& r : v.at("rows")) {
    const std::string text = r.at("version");
    const std::string expected = r.at("vs_1_2_0");
    const auto parsed = parse_semver(text, semver_syntax::loose);
    if (expected == "invalid") {
      EXPECT_FALSE(parsed) << "'" << text << "'";
      continue;
    }
    ASSERT_TRUE(parsed) << "'" << text << "'";
    ++valid;
    const int c = compare_semver(*parsed, *target);
    EXPECT_EQ(c < 0 ? "lt" : (c == 0 ? "eq" : "gt"), expected) << text;
  }
  EXPECT_GE(valid, 15u);
}

TEST(SemverLoose, FillsMissingNumbersWithZero) {
  const auto seven = parse_semver("7", semver_syntax::loose);
  ASSERT_TRUE(seven);
  EXPECT_EQ(seven->major, 7u);
  EXPECT_EQ(seven->minor, 0u);
  EXPECT_EQ(seven->patch, 0u);
  EXPECT_EQ(seven->pre, "");
  const auto v12 = parse_semver("v1.2", semver_syntax::loose);
  ASSERT_TRUE(v12);
  EXPECT_EQ(compare_semver(*v12, *parse_semver("1.2.0")), 0);
  const auto rc = parse_semver("V2.0.0-rc.1+b", semver_syntax::loose);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->pre, "rc.1");
}

TEST(SemverLoose, StrictStaysTheDefault) {
  for (const char* loose_only : {"v1.2.0", "1.2", "7", "V1.0.0"}) {
    EXPECT_FALSE(parse_semver(loose_only)) << loose_only;
    EXPECT_FALSE(parse_semver(loose_only, semver_syntax::strict)) << loose_only;
    EXPECT_TRUE(parse_semver(loose_only, semver_syntax::loose)) << loose_only;
  }
}

}  // namespace
