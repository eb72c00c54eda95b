// Semantic Versioning 2.0.0 parsing and precedence (core/src/detail/semver). The ordered list is
// the example chain from semver.org section 11, extended with numeric-vs-lexical cases.
#include <gtest/gtest.h>

#include <vector>

#include "detail/semver.hpp"

namespace {

using rollgate::detail::compare_semver;
using rollgate::detail::parse_semver;

TEST(FlagsSemver, ParsesCoreAndParts) {
  const auto v = parse_semver("1.22.333-rc.1+build.5");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->major, 1u);
  EXPECT_EQ(v->minor, 22u);
  EXPECT_EQ(v->patch, 333u);
  EXPECT_EQ(v->pre, "rc.1");
}

TEST(FlagsSemver, RejectsInvalidVersions) {
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "v1.2.3", "01.2.3", "1.02.3", "1.2.03",
                          "1.2.3-", "1.2.3+", "1.2.3-01", "1.2.3-a..b", "1.2.3-a_b", "1.2.3+a..b",
                          "-1.2.3", "1.2.x", " 1.2.3", "1.2.3 ", "1234567890123456789.0.0"}) {
    EXPECT_FALSE(parse_semver(bad)) << bad;
  }
  for (const char* good : {"0.0.0", "1.2.3-0", "1.2.3-0a", "1.2.3-a-b.c", "1.2.3+001", "1.2.3-x+y",
                           "999999999999999999.0.0"}) {
    EXPECT_TRUE(parse_semver(good)) << good;
  }
}

TEST(FlagsSemver, PrecedenceFollowsTheSpecExample) {
  const std::vector<const char*> ordered = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                                            "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                                            "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                                            "1.2.0",       "1.10.0",        "2.0.0-0",
                                            "2.0.0"};
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    for (std::size_t j = 0; j < ordered.size(); ++j) {
      const int c = compare_semver(*parse_semver(ordered[i]), *parse_semver(ordered[j]));
      const int expected = i < j ? -1 : (i > j ? 1 : 0);
      EXPECT_EQ(c, expected) << ordered[i] << " vs " << ordered[j];
    }
  }
}

TEST(FlagsSemver, BuildMetadataDoesNotAffectPrecedence) {
  EXPECT_EQ(compare_semver(*parse_semver("1.0.0+a"), *parse_semver("1.0.0+b")), 0);
  EXPECT_EQ(compare_semver(*parse_semver("1.0.0-rc.1+a"), *parse_semver("1.0.0-rc.1")), 0);
}

TEST(FlagsSemver, LongNumericPreReleaseIdentifiersCompareWithoutOverflow) {
  EXPECT_LT(compare_semver(*parse_semver("1.0.0-99999999999999999999"),
                           *parse_semver("1.0.0-100000000000000000000")),
            0);
  EXPECT_LT(compare_semver(*parse_semver("1.0.0-99999999999999999999"), *parse_semver("1.0.0-a")),
            0);
}

}  // namespace
