// Mismatch reports: JSON format, round trip, bounded size, merge(a, b) == one report fed both
// streams (in any order), and validation of untrusted report JSON (whole messages).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rollgate/diff.hpp"
#include "rollgate/error.hpp"
#include "rollgate/mismatch_report.hpp"

namespace {

using nlohmann::json;
using V = std::vector<std::string>;

rollgate::diff_result diffs(
    std::initializer_list<std::pair<const char*, const char*>> fields_and_new) {
  rollgate::diff_result r;
  for (const auto& [f, v] : fields_and_new) {
    r.differences.push_back({f, f, rollgate::difference_kind::value_changed, "0", v, false});
  }
  return r;
}

std::vector<std::string> problems_of(const std::string& text) {
  try {
    rollgate::mismatch_report::from_json(text);
  } catch (const rollgate::error& e) {
    std::vector<std::string> out;
    for (const auto& p : e.problems()) out.push_back(p.to_string());
    return out;
  }
  return {"(no error)"};
}

TEST(DiffReport, JsonFormat) {
  rollgate::report_limits limits;
  limits.max_examples = 2;
  rollgate::mismatch_report r(limits);
  r.add_comparison(diffs({{"/a", "1"}, {"/b", "\"x\""}}));
  r.add_comparison(diffs({{"/a", "2"}}));
  r.add_noise(diffs({{"/b", "\"y\""}}));
  r.add_run(100, 250, false, true);
  const json expected = json::parse(R"({
    "format": "rollgate.mismatch_report", "version": 1,
    "limits": {"maxPaths": 1000, "maxExamples": 2, "maxExampleLength": 200},
    "comparisons": 2, "noiseComparisons": 1, "truncatedComparisons": 0,
    "fields": {
      "/a": {"differed": 2, "noiseDiffered": 0, "examples": "checked below"},
      "/b": {"differed": 1, "noiseDiffered": 1, "examples": [{"old": "0", "new": "\"x\""}]}},
    "other": {"differed": 0, "noiseDiffered": 0},
    "experiments": {"runs": 1, "candidateExceptions": 0, "slow": 1, "controlNs": 100, "candidateNs": 250}})");
  json actual = json::parse(r.to_json());
  // Both /a examples are kept (2 <= max_examples), ordered by XXH3 of their text: check as a set.
  const json examples_a = actual["fields"]["/a"]["examples"];
  ASSERT_EQ(examples_a.size(), 2u);
  EXPECT_TRUE((examples_a[0]["new"] == "1" && examples_a[1]["new"] == "2") ||
              (examples_a[0]["new"] == "2" && examples_a[1]["new"] == "1"));
  actual["fields"]["/a"]["examples"] = "checked below";
  EXPECT_EQ(actual, expected);
}

TEST(DiffReport, RoundTripIsExact) {
  rollgate::mismatch_report r;
  r.add_comparison(
      rollgate::diff_json(R"({"a":[1,2],"s":"x"})", R"({"a":[1,3],"s":"y","n":null})"));
  r.add_noise(rollgate::diff_json(R"({"t":1})", R"({"t":2})"));
  rollgate::diff_result truncated = diffs({{"/z", "1"}});
  truncated.omitted = 5;
  r.add_comparison(truncated);
  r.add_run(1, 2, true, false);
  const std::string text = r.to_json();
  const auto back = rollgate::mismatch_report::from_json(text);
  EXPECT_EQ(back.to_json(), text);
  EXPECT_EQ(back.truncated_comparisons(), 1u);
  EXPECT_EQ(back.experiments().candidate_exceptions, 1u);
  EXPECT_EQ(back.fields().at("/a/*").examples.at(0).old_value, "2");
}

TEST(DiffReport, PathCapKeepsTheSmallestFieldsAndCountsTheRestAsOther) {
  rollgate::report_limits limits;
  limits.max_paths = 2;
  rollgate::mismatch_report r(limits);
  r.add_comparison(diffs({{"/d", "1"}, {"/c", "1"}}));
  r.add_comparison(diffs({{"/b", "1"}}));               // evicts /d
  r.add_noise(diffs({{"/a", "1"}, {"/d", "1"}}));       // evicts /c; /d goes to other
  r.add_comparison(diffs({{"/c", "1"}, {"/a", "1"}}));  // /c stays in other
  V kept;
  for (const auto& [f, c] : r.fields()) kept.push_back(f);
  EXPECT_EQ(kept, (V{"/a", "/b"}));
  EXPECT_EQ(r.fields().at("/a").differed, 1u);
  EXPECT_EQ(r.fields().at("/a").noise_differed, 1u);
  EXPECT_EQ(r.other_differed(), 3u);        // /d once, /c twice
  EXPECT_EQ(r.other_noise_differed(), 1u);  // /d once
}

TEST(DiffReport, ExamplesAreBoundedTruncatedAndDeduplicated) {
  rollgate::report_limits limits;
  limits.max_examples = 3;
  limits.max_example_length = 16;
  rollgate::mismatch_report r(limits);
  for (int i = 0; i < 50; ++i) r.add_comparison(diffs({{"/f", i % 2 ? "1" : "2"}}));
  EXPECT_EQ(r.fields().at("/f").examples.size(), 2u);  // only two distinct examples exist
  const std::string long_value = "\"" + std::string(100, 'z') + "\"";
  for (int i = 0; i < 50; ++i) {
    rollgate::diff_result d;
    d.differences.push_back({"/g", "/g", rollgate::difference_kind::value_changed,
                             std::to_string(i), long_value, false});
    r.add_comparison(d);
  }
  const auto& g = r.fields().at("/g").examples;
  ASSERT_EQ(g.size(), 3u);
  for (const auto& e : g) EXPECT_EQ(e.new_value, "\"" + std::string(15, 'z') + "...");
}

// Feeds a random stream (fields /f0../f29, some noise, some runs) into `sinks` round-robin.
void feed(std::vector<rollgate::mismatch_report*> sinks, unsigned seed, int events) {
  std::mt19937 rng(seed);
  for (int i = 0; i < events; ++i) {
    rollgate::mismatch_report& r = *sinks[static_cast<std::size_t>(i) % sinks.size()];
    rollgate::diff_result d;
    const int n = static_cast<int>(rng() % 4);
    for (int k = 0; k < n; ++k) {
      const std::string f = "/f" + std::to_string(rng() % 30);
      d.differences.push_back({f, f, rollgate::difference_kind::value_changed,
                               std::to_string(rng() % 7), std::to_string(rng() % 7), false});
    }
    if (rng() % 10 == 0) d.omitted = 1;
    switch (rng() % 3) {
      case 0:
        r.add_noise(d);
        break;
      case 1:
        r.add_comparison(d);
        break;
      default:
        r.add_comparison(d);
        r.add_run(rng() % 1000, rng() % 1000, rng() % 5 == 0, rng() % 7 == 0);
    }
  }
}

TEST(DiffReport, MergeEqualsOneReportFedBothStreams) {
  rollgate::report_limits limits;
  limits.max_paths = 8;  // small, so that the cap and "other" are exercised
  limits.max_examples = 2;
  for (unsigned seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    rollgate::mismatch_report combined(limits), a(limits), b(limits), c(limits);
    feed({&combined}, seed, 300);
    feed({&a, &b, &c}, seed, 300);  // the same events, split across three workers
    rollgate::mismatch_report ab = a;
    ab.merge(b);
    ab.merge(c);
    EXPECT_EQ(ab.to_json(), combined.to_json());
    // Any order, and through the wire format.
    auto cba = rollgate::mismatch_report::from_json(c.to_json());
    cba.merge(rollgate::mismatch_report::from_json(b.to_json()));
    cba.merge(a);
    EXPECT_EQ(cba.to_json(), combined.to_json());
    EXPECT_GT(combined.other_differed() + combined.other_noise_differed(), 0u);
  }
}

TEST(DiffReport, MergeIntoItselfDoublesCounts) {
  rollgate::mismatch_report r;
  r.add_comparison(diffs({{"/a", "1"}}));
  r.merge(r);
  EXPECT_EQ(r.comparisons(), 2u);
  EXPECT_EQ(r.fields().at("/a").differed, 2u);
}

TEST(DiffReport, MergeRejectsDifferentLimits) {
  rollgate::report_limits small;
  small.max_paths = 10;
  rollgate::mismatch_report a, b(small);
  try {
    a.merge(b);
    FAIL() << "expected an error";
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(e.what(),
                 "[rollgate.diff.712] /limits: cannot merge reports with different limits "
                 "(maxPaths 1000 vs 10, "
                 "maxExamples 3 vs 3, maxExampleLength 200 vs 200)");
  }
}

TEST(DiffReport, LimitsAreValidated) {
  rollgate::report_limits bad;
  bad.max_paths = 0;
  bad.max_examples = 101;
  bad.max_example_length = 8;
  try {
    rollgate::mismatch_report r(bad);
    FAIL() << "expected an error";
  } catch (const rollgate::error& e) {
    V all;
    for (const auto& p : e.problems()) all.push_back(p.to_string());
    EXPECT_EQ(
        all,
        (V{"[rollgate.diff.703] /limits/maxPaths: maxPaths must be between 1 and 100000, not 0",
           "[rollgate.diff.703] /limits/maxExamples: maxExamples must be between 0 and 100, not "
           "101",
           "[rollgate.diff.703] /limits/maxExampleLength: maxExampleLength must be between 16 "
           "and "
           "65536, not 8"}));
  }
}

TEST(DiffReport, FromJsonRejectsOtherFormats) {
  EXPECT_EQ(problems_of("[]"),
            (V{"[rollgate.diff.702] a mismatch report must be an object, not array"}));
  EXPECT_EQ(
      problems_of(R"({"format":"x","version":1})"),
      (V{"[rollgate.diff.710] /format: not a mismatch report of version 1 (expected \"format\": "
         "\"rollgate.mismatch_report\" and \"version\": 1)"}));
  EXPECT_EQ(
      problems_of(R"({"format":"rollgate.mismatch_report","version":2})"),
      (V{"[rollgate.diff.710] /version: not a mismatch report of version 1 (expected \"format\": "
         "\"rollgate.mismatch_report\" and \"version\": 1)"}));
  EXPECT_EQ(problems_of("{"),
            (V{"[rollgate.json.101] mismatch report is not valid JSON at byte 2: parse error at "
               "line 1, column 2: syntax error while parsing object key - unexpected end of "
               "input; expected string literal"}));
}

TEST(DiffReport, FromJsonListsEveryProblem) {
  const std::string text = R"({"format":"rollgate.mismatch_report","version":1,
    "limits":{"maxPaths":2,"maxExamples":1,"maxExampleLength":16},
    "comparisons":3,"noiseComparisons":-1,"truncatedComparisons":9,"extra":true,
    "fields":{
      "bad":{"differed":4,"noiseDiffered":0,"examples":[]},
      "/b":{"differed":"1","noiseDiffered":0,"examples":[{"old":"1","new":"2"},{"old":"1","new":"3"}]},
      "/c":{"differed":1,"examples":[{"old":1,"new":"2"}],"x":0}},
    "experiments":{"runs":1,"candidateExceptions":2,"slow":0,"controlNs":0,"candidateNs":0.5}})";
  EXPECT_EQ(problems_of(text),
            (V{"[rollgate.diff.701] /extra: unknown member \"extra\" (expected one of: format, "
               "version, limits, "
               "comparisons, noiseComparisons, truncatedComparisons, fields, other, experiments)",
               "[rollgate.diff.703] /noiseComparisons: noiseComparisons must be >= 0, not -1",
               "[rollgate.diff.711] /truncatedComparisons: truncatedComparisons 9 exceeds "
               "comparisons + "
               "noiseComparisons",
               "[rollgate.diff.702] /experiments/candidateNs: candidateNs must be an integer, "
               "not a fraction",
               "[rollgate.diff.711] /experiments: candidateExceptions and slow cannot exceed runs",
               "[rollgate.diff.711] /fields: 3 fields exceed maxPaths 2",
               "[rollgate.diff.702] /fields/~1b/differed: differed must be an integer, not string",
               "[rollgate.diff.711] /fields/~1b/examples: 2 examples exceed maxExamples 1",
               "[rollgate.diff.701] /fields/~1c/x: unknown member \"x\" (expected one of: "
               "differed, noiseDiffered, "
               "examples)",
               "[rollgate.diff.705] /fields/~1c: missing member \"noiseDiffered\"",
               "[rollgate.diff.702] /fields/~1c/examples/0: an example must be {\"old\": string, "
               "\"new\": string}",
               "[rollgate.diff.704] /fields/bad: pattern \"bad\" must be empty or start with \"/\"",
               "[rollgate.diff.711] /fields/bad/differed: differed 4 exceeds comparisons 3"}));
}

TEST(DiffReport, FromJsonChecksLimitsFirstAndExampleLength) {
  EXPECT_EQ(problems_of(R"({"format":"rollgate.mismatch_report","version":1,"comparisons":0,
                            "noiseComparisons":0,"fields":{}})"),
            (V{"[rollgate.diff.705] missing member \"limits\""}));
  EXPECT_EQ(problems_of(R"({"format":"rollgate.mismatch_report","version":1,
      "limits":{"maxPaths":5,"maxExamples":1,"maxExampleLength":16},"comparisons":1,"noiseComparisons":0,
      "fields":{"/a":{"differed":1,"noiseDiffered":0,"examples":[{"old":"12345678901234567890","new":""}]}}})"),
            (V{"[rollgate.diff.703] /fields/~1a/examples/0: example text longer than "
               "maxExampleLength 16 bytes"}));
}

}  // namespace
