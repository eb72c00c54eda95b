// Diff options: every setting's effect, the pattern syntax, and the validation messages (whole
// messages, as users and the WASM tests see them).
#include <gtest/gtest.h>

#include <cmath>  // std::nan
#include <string>
#include <vector>

#include "rollgate/diff.hpp"
#include "rollgate/error.hpp"

namespace {

std::vector<std::string> paths(const rollgate::diff_result& r) {
  std::vector<std::string> out;
  for (const auto& d : r.differences) out.push_back(d.path + " " + rollgate::to_string(d.kind));
  return out;
}
using V = std::vector<std::string>;

rollgate::diff_result diff(const char* a, const char* b, const char* options) {
  return rollgate::diff_json(a, b, rollgate::parse_diff_options(options));
}

std::vector<std::string> problems_of(const std::string& options_json) {
  try {
    rollgate::parse_diff_options(options_json);
  } catch (const rollgate::error& e) {
    std::vector<std::string> out;
    for (const auto& p : e.problems()) out.push_back(p.to_string());
    return out;
  }
  return {"(no error)"};
}

TEST(DiffOptions, DefaultsAreExactComparisonWithDocumentedLimits) {
  const rollgate::diff_options o = rollgate::parse_diff_options("{}");
  EXPECT_TRUE(o.rules.empty());
  EXPECT_EQ(o.max_differences, 1000u);
  EXPECT_EQ(o.max_value_length, 1024u);
  EXPECT_TRUE(o.ignore_headers.empty());
  EXPECT_TRUE(o.compare_headers.empty());
}

TEST(DiffOptions, ParsesEveryMember) {
  const auto o = rollgate::parse_diff_options(R"({
    "maxDifferences": 5, "maxValueLength": 64,
    "headers": {"ignore": ["Date"], "only": ["content-type", "etag"]},
    "paths": [
      {"path": "/a", "ignore": true},
      {"path": "/b/*", "absoluteTolerance": 0.5, "relativeTolerance": 0.01},
      {"path": "/c", "arrays": "keyed", "key": "id"},
      {"path": "/d", "arrays": "set", "caseInsensitive": true, "nullEqualsMissing": true}]})");
  EXPECT_EQ(o.max_differences, 5u);
  EXPECT_EQ(o.max_value_length, 64u);
  EXPECT_EQ(o.ignore_headers, (V{"Date"}));
  EXPECT_EQ(o.compare_headers, (V{"content-type", "etag"}));
  ASSERT_EQ(o.rules.size(), 4u);
  EXPECT_TRUE(o.rules[0].has_ignore && o.rules[0].ignore);
  EXPECT_FALSE(o.rules[0].has_arrays);
  EXPECT_DOUBLE_EQ(o.rules[1].absolute_tolerance, 0.5);
  EXPECT_DOUBLE_EQ(o.rules[1].relative_tolerance, 0.01);
  EXPECT_EQ(o.rules[2].arrays, rollgate::array_mode::keyed);
  EXPECT_EQ(o.rules[2].key, "id");
  EXPECT_EQ(o.rules[3].arrays, rollgate::array_mode::set);
  EXPECT_TRUE(o.rules[3].case_insensitive && o.rules[3].null_equals_missing);
}

TEST(DiffOptions, IgnoreSkipsValueSubtreeAndMissingKeys) {
  EXPECT_TRUE(diff(R"({"a":{"x":1},"k":1})", R"({"a":{"x":2,"y":3}})",
                   R"({"paths":[{"path":"/a","ignore":true},{"path":"/k","ignore":true}]})")
                  .equal());
  // A rule on the root ignores everything.
  EXPECT_TRUE(diff("[1]", "{}", R"({"paths":[{"path":"","ignore":true}]})").equal());
}

TEST(DiffOptions, StarIsOneSegmentDoubleStarAnyDepth) {
  const char* a = R"({"x":{"t":1,"y":{"t":1}},"t":1})";
  const char* b = R"({"x":{"t":2,"y":{"t":2}},"t":2})";
  EXPECT_EQ(paths(diff(a, b, R"({"paths":[{"path":"/*/t","ignore":true}]})")),
            (V{"/t value_changed", "/x/y/t value_changed"}));
  EXPECT_EQ(paths(diff(a, b, R"({"paths":[{"path":"/x/**","ignore":true}]})")),
            (V{"/t value_changed"}));
  EXPECT_TRUE(diff(a, b, R"({"paths":[{"path":"/**/t","ignore":true}]})").equal());
  // "/**" also matches the root, so it ignores everything.
  EXPECT_TRUE(diff(a, b, R"({"paths":[{"path":"/**","ignore":true}]})").equal());
  // "**" in the middle: /x/**/t matches /x/t and /x/y/t.
  EXPECT_EQ(paths(diff(a, b, R"({"paths":[{"path":"/x/**/t","ignore":true}]})")),
            (V{"/t value_changed"}));
}

TEST(DiffOptions, PatternsMatchEscapedSegments) {
  EXPECT_TRUE(diff(R"({"a/b":1})", R"({"a/b":2})", R"({"paths":[{"path":"/a~1b","ignore":true}]})")
                  .equal());
  EXPECT_FALSE(
      diff(R"({"a/b":1})", R"({"a/b":2})", R"({"paths":[{"path":"/a/b","ignore":true}]})").equal());
}

TEST(DiffOptions, LastMatchingRuleWinsPerSetting) {
  const char* opts = R"({"paths":[
      {"path":"/**","absoluteTolerance":1},
      {"path":"/exact","absoluteTolerance":0},
      {"path":"/**","caseInsensitive":true}]})";
  // /loose keeps the tolerance of rule 0 (rule 2 sets another setting only).
  EXPECT_EQ(
      paths(diff(R"({"loose":1,"exact":1,"s":"A"})", R"({"loose":1.5,"exact":1.5,"s":"a"})", opts)),
      (V{"/exact value_changed"}));
}

TEST(DiffOptions, TolerancesApplyToNumbersOnly) {
  const char* opts = R"({"paths":[{"path":"/*","absoluteTolerance":0.1,"relativeTolerance":0.5}]})";
  EXPECT_EQ(paths(diff(R"({"a":1,"b":"1","c":100,"d":0})",
                       R"({"a":1.05,"b":"1.05","c":199,"d":0.2})", opts)),
            (V{"/b value_changed", "/d value_changed"}));
  // Relative tolerance is symmetric: max(|a|, |b|) is the scale.
  EXPECT_TRUE(
      diff("[200]", "[100]", R"({"paths":[{"path":"/*","relativeTolerance":0.5}]})").equal());
  EXPECT_FALSE(
      diff("[201]", "[100]", R"({"paths":[{"path":"/*","relativeTolerance":0.5}]})").equal());
}

TEST(DiffOptions, SetArraysPairEqualElementsOnly) {
  const char* opts = R"({"paths":[{"path":"/s","arrays":"set"}]})";
  EXPECT_TRUE(diff(R"({"s":[{"a":1},[2],3]})", R"({"s":[3,[2],{"a":1}]})", opts).equal());
  // Elements compare exactly inside a set: rules below a set array do not apply.
  EXPECT_EQ(paths(diff(R"({"s":[{"a":1}]})", R"({"s":[{"a":2}]})", opts)),
            (V{"/s/0 key_removed", "/s/0 key_added"}));
}

TEST(DiffOptions, KeyedArraysWithDuplicateAndMissingKeys) {
  const char* opts = R"({"paths":[{"path":"/i","arrays":"keyed","key":"id"}]})";
  // Duplicates pair first with first; elements without the key pair as a set.
  const auto r = diff(R"({"i":[{"id":1,"v":1},{"id":1,"v":2},{"x":1},"s"]})",
                      R"({"i":["s",{"id":1,"v":1},{"x":2},{"id":1,"v":3}]})", opts);
  EXPECT_EQ(paths(r), (V{"/i/2 key_removed", "/i/2 key_added", "/i/1/v value_changed"}));
  // Key values compare as JSON: 1 and "1" are different keys.
  EXPECT_EQ(paths(diff(R"({"i":[{"id":1}]})", R"({"i":[{"id":"1"}]})", opts)),
            (V{"/i/0 key_removed", "/i/0 key_added"}));
}

TEST(DiffOptions, CaseInsensitiveIsAsciiOnly) {
  const char* opts = R"({"paths":[{"path":"/*","caseInsensitive":true}]})";
  EXPECT_TRUE(diff(R"(["Hello World"])", R"(["hELLO wORLD"])", opts).equal());
  EXPECT_FALSE(diff(R"(["Ä"])", R"(["ä"])", opts).equal());
}

TEST(DiffOptions, NullEqualsMissingBothDirections) {
  const char* opts = R"({"paths":[{"path":"/*","nullEqualsMissing":true}]})";
  EXPECT_TRUE(diff(R"({"a":null})", "{}", opts).equal());
  EXPECT_TRUE(diff("{}", R"({"a":null})", opts).equal());
  EXPECT_FALSE(diff(R"({"a":null})", R"({"a":0})", opts).equal());  // present on both: type_changed
}

TEST(DiffOptions, UnknownMembersAreListedWithPointers) {
  EXPECT_EQ(
      problems_of(
          R"({"max_diffs":1,"paths":[{"path":"/a","ignor":true,"ignore":true}],"headers":{"skip":[]}})"),
      (V{"[rollgate.diff.701] /headers/skip: unknown member \"skip\" (expected one of: ignore, "
         "only)",
         "[rollgate.diff.701] /max_diffs: unknown member \"max_diffs\" (expected one of: "
         "maxDifferences, "
         "maxValueLength, headers, paths)",
         "[rollgate.diff.701] /paths/0/ignor: unknown member \"ignor\" (expected one of: path, "
         "ignore, "
         "absoluteTolerance, relativeTolerance, arrays, key, caseInsensitive, "
         "nullEqualsMissing)"}));
}

TEST(DiffOptions, WrongTypesAreListed) {
  EXPECT_EQ(problems_of("[]"),
            (V{"[rollgate.diff.702] diff options must be an object, not array"}));
  EXPECT_EQ(problems_of(R"({"maxDifferences":"10","maxValueLength":2.5,"paths":{},"headers":[]})"),
            (V{"[rollgate.diff.702] /headers: headers must be an object, not array",
               "[rollgate.diff.702] /maxDifferences: maxDifferences must be an integer, not string",
               "[rollgate.diff.702] /maxValueLength: maxValueLength must be an integer, not a "
               "fraction",
               "[rollgate.diff.702] /paths: paths must be an array of rules, not object"}));
  EXPECT_EQ(
      problems_of(R"({"paths":[3,{"path":1,"ignore":"yes","absoluteTolerance":"1","arrays":1}],
                           "headers":{"ignore":"date","only":[1]}})"),
      (V{"[rollgate.diff.702] /headers/ignore: must be an array of strings, not string",
         "[rollgate.diff.702] /headers/only/0: must be a string, not number",
         "[rollgate.diff.702] /paths/0: a path rule must be an object, not number",
         "[rollgate.diff.702] /paths/1/absoluteTolerance: absoluteTolerance must be a number, "
         "not string",
         "[rollgate.diff.702] /paths/1/arrays: arrays must be a string, not number",
         "[rollgate.diff.702] /paths/1/ignore: ignore must be a boolean, not string",
         "[rollgate.diff.702] /paths/1/path: path must be a string, not number"}));
}

TEST(DiffOptions, OutOfRangeValuesAreListed) {
  EXPECT_EQ(problems_of(R"({"maxDifferences":0,"maxValueLength":8,"paths":[
                {"path":"/a","absoluteTolerance":-1,"relativeTolerance":-0.5},
                {"path":"/b","arrays":"bag"},
                {"path":"/c","key":"id","ignore":true}]})"),
            (V{"[rollgate.diff.703] /paths/0/absoluteTolerance: absoluteTolerance must be a "
               "finite number >= 0",
               "[rollgate.diff.703] /paths/0/relativeTolerance: relativeTolerance must be a "
               "finite number >= 0",
               "[rollgate.diff.703] /paths/1/arrays: unknown array mode \"bag\" (expected ordered, "
               "set or keyed)",
               "[rollgate.diff.703] /paths/2/key: key is only used with arrays \"keyed\"",
               "[rollgate.diff.703] /maxDifferences: maxDifferences must be between 1 and "
               "1000000, not 0",
               "[rollgate.diff.703] /maxValueLength: maxValueLength must be between 16 and "
               "16777216, not 8"}));
  EXPECT_EQ(problems_of(R"({"maxDifferences":-3})"),
            (V{"[rollgate.diff.703] /maxDifferences: maxDifferences must be >= 0, not -3"}));
}

TEST(DiffOptions, BadPatternsAreListed) {
  EXPECT_EQ(problems_of(R"({"paths":[{"path":"a","ignore":true},{"path":"/a*","ignore":true},
                                     {"path":"/x/~2","ignore":true},{"path":"/***","ignore":true}]})"),
            (V{"[rollgate.diff.704] /paths/0/path: pattern \"a\" must be empty or start with \"/\"",
               "[rollgate.diff.704] /paths/1/path: segment \"a*\" mixes \"*\" with other "
               "characters; a wildcard "
               "must be a whole segment (\"*\" or \"**\")",
               "[rollgate.diff.704] /paths/2/path: segment \"~2\" has \"~\" not followed by 0 or 1 "
               "(RFC 6901 "
               "escapes)",
               "[rollgate.diff.704] /paths/3/path: segment \"***\" mixes \"*\" with other "
               "characters; a wildcard "
               "must be a whole segment (\"*\" or \"**\")"}));
}

TEST(DiffOptions, MissingMembersAreListed) {
  EXPECT_EQ(
      problems_of(R"({"paths":[{"ignore":true},{"path":"/a"},{"path":"/b","arrays":"keyed"}]})"),
      (V{"[rollgate.diff.705] /paths/0: missing member \"path\"",
         "[rollgate.diff.705] /paths/1: rule sets nothing: give at least one of ignore, "
         "absoluteTolerance, "
         "relativeTolerance, arrays, caseInsensitive, nullEqualsMissing",
         "[rollgate.diff.705] /paths/2: arrays \"keyed\" needs member \"key\" (the member that "
         "identifies "
         "elements)"}));
}

TEST(DiffOptions, NotJsonIsAJsonError) {
  EXPECT_EQ(problems_of("{"), (V{"[rollgate.json.101] diff options is not valid JSON at byte 2: "
                                 "parse error at line 1, column 2: "
                                 "syntax error while parsing object key - unexpected end of input; "
                                 "expected string literal"}));
  // nlohmann/json reports an overflowing number as out_of_range, not parse_error: still ours.
  EXPECT_EQ(
      problems_of(R"({"paths":[{"path":"/a","relativeTolerance":1e400}]})"),
      (V{"[rollgate.json.101] diff options is not valid JSON: number overflow parsing '1e400'"}));
}

TEST(DiffOptions, OptionsBuiltInCodeAreValidatedToo) {
  rollgate::diff_options o;
  o.max_differences = 0;
  rollgate::path_rule nan_rule;
  nan_rule.pattern = "/n";
  nan_rule.has_relative_tolerance = true;
  nan_rule.relative_tolerance = std::nan("");
  rollgate::path_rule r;
  r.pattern = "x";
  r.has_ignore = true;
  o.rules.push_back(r);
  o.rules.push_back(nan_rule);
  try {
    rollgate::diff_json("1", "1", o);
    FAIL() << "expected an error";
  } catch (const rollgate::error& e) {
    ASSERT_EQ(e.problems().size(), 3u);
    EXPECT_EQ(e.problems()[0].to_string(),
              "[rollgate.diff.703] /maxDifferences: maxDifferences must be between 1 and "
              "1000000, not 0");
    EXPECT_EQ(e.problems()[1].to_string(),
              "[rollgate.diff.704] /paths/0/path: pattern \"x\" must be empty or start with \"/\"");
    EXPECT_EQ(e.problems()[2].to_string(),
              "[rollgate.diff.703] /paths/1/relativeTolerance: relativeTolerance must be a "
              "finite number >= 0");
  }
}

}  // namespace
