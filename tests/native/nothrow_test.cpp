// The core's errors as values: every try_ function that the wasm32-wasi Fastly service calls
// (bucketing, sketches, diff options and diffs, the mismatch report, bounded JSON parsing) gives,
// for the same bad input, exactly the problems its throwing form throws: the same codes, pointers
// and messages, in the same order. And where the input is good, the same result. A try_ form
// that drifted from its throwing wrapper would let the Fastly service and the npm package report
// one bad input differently.
#include <gtest/gtest.h>

#include <cmath>       // std::nan
#include <functional>  // std::function
#include <limits>      // std::numeric_limits
#include <optional>    // std::optional
#include <string>      // std::string
#include <vector>      // std::vector

#include "detail/json_input.hpp"  // try_parse_json, parse_json
#include "rollgate/bucket.hpp"
#include "rollgate/diff.hpp"
#include "rollgate/error.hpp"
#include "rollgate/mismatch_report.hpp"
#include "rollgate/sketch.hpp"

namespace {

using rollgate::problem;

/// What `throwing` throws, as problems (none when it does not throw).
std::vector<problem> thrown(const std::function<void()>& throwing) {
  try {
    throwing();
  } catch (const rollgate::error& e) {
    return e.problems();
  }
  return {};
}

std::vector<problem> as_list(const std::optional<problem>& p) {
  return p ? std::vector<problem>{*p} : std::vector<problem>{};
}

/// Same problems, field by field, and at least one (each case below is a bad input).
void expect_same(const std::vector<problem>& from_try, const std::vector<problem>& from_throw,
                 const std::string& what) {
  ASSERT_FALSE(from_throw.empty()) << what << ": the throwing form accepted the input";
  ASSERT_EQ(from_try.size(), from_throw.size()) << what;
  for (std::size_t i = 0; i < from_try.size(); ++i) {
    EXPECT_EQ(from_try[i].code, from_throw[i].code) << what << " #" << i;
    EXPECT_EQ(from_try[i].pointer, from_throw[i].pointer) << what << " #" << i;
    EXPECT_EQ(from_try[i].message, from_throw[i].message) << what << " #" << i;
  }
}

TEST(NoThrow, PercentToScale) {
  for (const char* bad : {"", "abc", "-1", "100.001", "12.0005", "1e3", " 5", "101", "nan"}) {
    std::uint32_t out = 7;
    const auto p = rollgate::try_percent_to_scale(bad, out);
    expect_same(as_list(p), thrown([&] { rollgate::percent_to_scale(bad); }), bad);
    EXPECT_EQ(out, 7u) << "a failure leaves the output alone";
  }
  std::uint32_t out = 0;
  EXPECT_FALSE(rollgate::try_percent_to_scale("12.5%", out));
  EXPECT_EQ(out, rollgate::percent_to_scale("12.5%"));
}

TEST(NoThrow, SharesCoverageAndWeights) {
  for (double bad : {std::nan(""), -1.0, 100.5, 33.3330000001, 1e-320}) {
    std::uint32_t out = 7;
    expect_same(as_list(rollgate::try_percent_to_scale(bad, out)),
                thrown([&] { rollgate::percent_to_scale(bad); }), std::to_string(bad));
    EXPECT_EQ(out, 7u);
  }
  for (double bad : {std::numeric_limits<double>::infinity(), 1.5, 0.123456}) {
    std::uint32_t out = 7;
    expect_same(as_list(rollgate::try_rate_to_scale(bad, out)),
                thrown([&] { rollgate::rate_to_scale(bad); }), std::to_string(bad));
  }
  std::uint32_t out = 0;
  EXPECT_FALSE(rollgate::try_percent_to_scale(12.5, out));
  EXPECT_EQ(out, 12500u);
  EXPECT_FALSE(rollgate::try_rate_to_scale(0.125, out));
  EXPECT_EQ(out, 12500u);
  expect_same(as_list(rollgate::try_check_coverage(rollgate::kScale + 1)),
              thrown([] { rollgate::check_coverage(rollgate::kScale + 1); }), "coverage");
  bool in = true;
  expect_same(as_list(rollgate::try_in_rollout("u", "s", rollgate::kScale + 1, in)),
              thrown([] { rollgate::in_rollout("u", "s", rollgate::kScale + 1); }), "in_rollout");
  ASSERT_FALSE(rollgate::try_in_rollout("alice", "salt", 50000, in));
  EXPECT_EQ(in, rollgate::in_rollout("alice", "salt", 50000));
  const std::uint32_t short_weights[] = {1000, 2000};
  std::size_t index = 9;
  expect_same(as_list(rollgate::try_check_weights(short_weights, 2)),
              thrown([&] { rollgate::check_weights(short_weights, 2); }), "weights");
  expect_same(as_list(rollgate::try_pick_variant("u", "s", short_weights, 0, index)),
              thrown([&] { rollgate::pick_variant("u", "s", short_weights, 0); }), "empty");
  EXPECT_EQ(index, 9u);
  const std::uint32_t weights[] = {50000, 50000};
  ASSERT_FALSE(rollgate::try_pick_variant("alice", "salt", weights, 2, index));
  EXPECT_EQ(index, rollgate::pick_variant("alice", "salt", weights, 2));
}

TEST(NoThrow, JsonInput) {
  const std::string nul_inside = std::string("{\"a\":\"x\0y\"}", 11);
  const std::string nul_after = std::string("{\"a\":1}\0junk", 12);
  const std::string deep(300, '[');
  for (const std::string& bad :
       {std::string("{\"a\":"), std::string("tru"), std::string("1e400"), std::string("[1,]"),
        std::string("{\"a\":1,\"a\":2}"), std::string("{\"x\":[{\"k\":1,\"k\":1}]}"), nul_inside,
        nul_after, deep, std::string("")}) {
    nlohmann::json out = "unchanged";
    const auto p = rollgate::detail::try_parse_json(bad, "config", out);
    expect_same(as_list(p), thrown([&] { rollgate::detail::parse_json(bad, "config"); }), bad);
    EXPECT_EQ(out, "unchanged");
  }
  nlohmann::json too_big;
  expect_same(as_list(rollgate::detail::try_parse_json("[1,2,3]", "doc", too_big, {4, 256})),
              thrown([] {
                rollgate::detail::parse_json("[1,2,3]", "doc", {4, 256});
              }),
              "size");
  nlohmann::json ok;
  EXPECT_FALSE(rollgate::detail::try_parse_json("{\"a\":[1,2.5,\"x\"]}", "doc", ok));
  EXPECT_EQ(ok, rollgate::detail::parse_json("{\"a\":[1,2.5,\"x\"]}", "doc"));
}

TEST(NoThrow, SketchCreateAddMergeQuantile) {
  rollgate::quantile_sketch s;
  expect_same(rollgate::quantile_sketch::try_create(0.9, 4, s),
              thrown([] { rollgate::quantile_sketch(0.9, 4); }), "create");
  EXPECT_EQ(s.relative_accuracy(), rollgate::quantile_sketch::kDefaultRelativeAccuracy);
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    expect_same(as_list(s.try_add(bad)), thrown([&] { rollgate::quantile_sketch().add(bad); }),
                "add");
    expect_same(as_list(s.try_add(bad, 3)),
                thrown([&] { rollgate::quantile_sketch().add(bad, 3); }), "add n");
  }
  expect_same(as_list(s.try_add(1.0, std::uint64_t{1} << 60)),
              thrown([] { rollgate::quantile_sketch().add(1.0, std::uint64_t{1} << 60); }),
              "count");
  const std::vector<double> batch = {1, std::nan(""), 3, -std::numeric_limits<double>::infinity()};
  expect_same(s.try_add_all(batch), thrown([&] { rollgate::quantile_sketch().add_all(batch); }),
              "add_all");
  EXPECT_TRUE(s.empty()) << "refused values change nothing";
  rollgate::quantile_sketch other(0.02);
  expect_same(as_list(s.try_merge(other)),
              thrown([&] { rollgate::quantile_sketch().merge(other); }), "merge");
  double q = -1;
  expect_same(as_list(s.try_quantile(0.5, q)),
              thrown([] { (void)rollgate::quantile_sketch().quantile(0.5); }), "empty");
  ASSERT_FALSE(s.try_add(5.0));
  expect_same(as_list(s.try_quantile(1.5, q)), thrown([&] { (void)s.quantile(1.5); }), "q");
  EXPECT_EQ(q, -1);
  // Good input: the same sketch either way.
  rollgate::quantile_sketch a, b;
  for (double v : {0.0, 1.5, 20.0, 300.0, -4.0}) {
    ASSERT_FALSE(a.try_add(v));
    b.add(v);
  }
  EXPECT_EQ(a, b);
  ASSERT_FALSE(a.try_merge(b));
  b.merge(b);
  EXPECT_EQ(a, b);
  ASSERT_FALSE(a.try_quantile(0.5, q));
  EXPECT_EQ(q, b.quantile(0.5));
}

TEST(NoThrow, SketchWireForms) {
  rollgate::quantile_sketch s;
  for (double v : {1.0, 2.0, 30.0}) s.add(v);
  for (const std::string& bad :
       {std::string("[]"), std::string("{\"type\":\"x\",\"version\":2,\"count\":-1}"),
        std::string("{"), s.to_json().substr(0, 40),
        std::string("{\"type\":\"rollgate.ddsketch\"}")}) {
    rollgate::quantile_sketch out;
    expect_same(rollgate::quantile_sketch::try_from_json(bad, out),
                thrown([&] { rollgate::quantile_sketch::from_json(bad); }), bad);
    EXPECT_TRUE(out.empty());
  }
  for (const std::string& bad : {std::string("!!"), std::string("UkdEUw=="), std::string("")}) {
    rollgate::quantile_sketch out;
    expect_same(as_list(rollgate::quantile_sketch::try_from_base64(bad, out)),
                thrown([&] { rollgate::quantile_sketch::from_base64(bad); }), bad);
  }
  rollgate::quantile_sketch back;
  EXPECT_TRUE(rollgate::quantile_sketch::try_from_json(s.to_json(), back).empty());
  EXPECT_EQ(back, s);
  EXPECT_FALSE(rollgate::quantile_sketch::try_from_base64(s.to_base64(), back));
  EXPECT_EQ(back, s);
}

TEST(NoThrow, DiffOptionsAndDiffs) {
  for (const std::string& bad :
       {std::string("[]"), std::string("{\"paths\":[{\"path\":\"x*\",\"bogus\":1}]}"),
        std::string("{\"maxDifferences\":0,\"headers\":{\"only\":[1]}}"), std::string("{")}) {
    rollgate::diff_options out;
    out.max_differences = 9;
    expect_same(rollgate::try_parse_diff_options(bad, out),
                thrown([&] { rollgate::parse_diff_options(bad); }), bad);
    EXPECT_EQ(out.max_differences, 9u);
  }
  rollgate::diff_options invalid;
  invalid.max_value_length = 1;
  rollgate::path_rule rule;
  rule.pattern = "nope";
  invalid.rules.push_back(rule);
  expect_same(rollgate::try_validate_diff_options(invalid),
              thrown([&] { rollgate::validate_diff_options(invalid); }), "validate");
  rollgate::diff_result r;
  expect_same(rollgate::try_diff_json("{", "[1,", {}, r),
              thrown([] { rollgate::diff_json("{", "[1,", {}); }), "documents");
  expect_same(rollgate::try_diff_json("1", "2", invalid, r),
              thrown([&] { rollgate::diff_json("1", "2", invalid); }), "options");
  rollgate::response a, b;
  a.status = 200;
  b.status = 500;
  expect_same(rollgate::try_diff_responses(a, b, invalid, r),
              thrown([&] { rollgate::diff_responses(a, b, invalid); }), "responses");
  EXPECT_TRUE(r.equal()) << "nothing written on failure";
  ASSERT_TRUE(rollgate::try_diff_responses(a, b, {}, r).empty());
  EXPECT_EQ(rollgate::diff_result_to_json(r),
            rollgate::diff_result_to_json(rollgate::diff_responses(a, b)));
}

TEST(NoThrow, MismatchReport) {
  rollgate::report_limits bad_limits;
  bad_limits.max_paths = 0;
  bad_limits.max_example_length = 3;
  rollgate::mismatch_report report;
  expect_same(rollgate::mismatch_report::try_create(bad_limits, report),
              thrown([&] { rollgate::mismatch_report{bad_limits}; }), "limits");
  rollgate::diff_options invalid;
  invalid.max_differences = 0;
  rollgate::response served, shadow;
  served.status = 200;
  shadow.status = 201;
  expect_same(report.try_add_responses(served, shadow, &served, invalid), thrown([&] {
                rollgate::mismatch_report().add_responses(served, shadow, &served, invalid);
              }),
              "add_responses");
  EXPECT_EQ(report.comparisons() + report.noise_comparisons(), 0u) << "nothing recorded";
  rollgate::report_limits other_limits;
  other_limits.max_paths = 5;
  const rollgate::mismatch_report other(other_limits);
  expect_same(as_list(report.try_merge(other)),
              thrown([&] { rollgate::mismatch_report().merge(other); }), "merge");
  rollgate::noise_thresholds t;
  t.relative = 2;
  t.significance = 0;
  std::vector<rollgate::field_verdict> v;
  expect_same(report.try_judge(t, v), thrown([&] { (void)report.judge(t); }), "judge");
  for (const std::string& bad :
       {std::string("{}"), std::string("{\"format\":\"rollgate.mismatch_report\",\"version\":1}"),
        std::string("nope"),
        std::string(
            "{\"format\":\"rollgate.mismatch_report\",\"version\":1,\"limits\":{\"maxPaths\":1,"
            "\"maxExamples\":1,\"maxExampleLength\":16},\"comparisons\":1,"
            "\"noiseComparisons\":0,\"fields\":{\"/a\":{\"differed\":2,\"noiseDiffered\":0},"
            "\"/b\":{\"differed\":0,\"noiseDiffered\":0}}}")}) {
    rollgate::mismatch_report out;
    expect_same(rollgate::mismatch_report::try_from_json(bad, out),
                thrown([&] { rollgate::mismatch_report::from_json(bad); }), bad);
  }
  // Good input: the same report and verdicts either way.
  rollgate::diff_result d;
  ASSERT_TRUE(report.try_add_responses(served, shadow, &served, {}, &d).empty());
  EXPECT_FALSE(d.equal());
  rollgate::mismatch_report thrower;
  thrower.add_responses(served, shadow, &served);
  EXPECT_EQ(report.to_json(), thrower.to_json());
  rollgate::mismatch_report back;
  ASSERT_TRUE(rollgate::mismatch_report::try_from_json(report.to_json(), back).empty());
  EXPECT_EQ(back.to_json(), report.to_json());
  ASSERT_TRUE(report.try_judge({}, v).empty());
  EXPECT_EQ(rollgate::verdicts_to_json(v), rollgate::verdicts_to_json(thrower.judge()));
}

}  // namespace
