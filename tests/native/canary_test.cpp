// The canary judge (canary.hpp): config validation, data forms, NoData outcomes, checks,
// scoring and decisions. Regressions named after the Kayenta/Spinnaker issues live in
// canary_regression_test.cpp; shared scipy vectors in canary_vectors_test.cpp; mutated inputs in
// canary_fuzz_test.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rollgate/canary.hpp"
#include "rollgate/error.hpp"
#include "rollgate/sketch.hpp"
#include "rollgate/stats.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;
using rollgate::classification;
using rollgate::decision;

/// Deterministic normal samples (Box-Muller on mt19937_64, so every platform agrees).
std::vector<double> normal(std::size_t n, double mean, double sd, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::vector<double> out;
  out.reserve(n);
  const double two_pi = 6.283185307179586;
  while (out.size() < n) {
    const double u1 = (static_cast<double>(g() >> 11) + 1) / 9007199254740993.0;
    const double u2 = static_cast<double>(g() >> 11) / 9007199254740992.0;
    out.push_back(mean + sd * std::sqrt(-2 * std::log(u1)) * std::cos(two_pi * u2));
  }
  return out;
}

std::string data(const json& metrics) {
  return json{{"metrics", metrics}}.dump();
}

const rollgate::metric_result& metric(const rollgate::analysis& a, const std::string& name) {
  for (const auto& m : a.metrics) {
    if (m.name == name) return m;
  }
  throw std::runtime_error("no metric " + name);
}

std::vector<std::pair<std::string, std::string>> problems_of(const std::string& cfg) {
  std::vector<std::pair<std::string, std::string>> out;
  try {
    rollgate::validate_canary_config(cfg);
  } catch (const rollgate::error& e) {
    for (const auto& p : e.problems()) out.emplace_back(p.code, p.pointer);
  }
  return out;
}

const char* kLatency = R"({"metrics":[{"name":"latency","kind":"continuous","direction":"increase",
  "allowedChange":{"relative":0.05},"critical":true}]})";

// ---------------------------------------------------------------------------------------------
// Config validation

TEST(CanaryConfig, EveryProblemIsListedWithItsPointer) {
  const std::string cfg = R"({
    "alpha": 0.7, "scoreThresholds": {"pass": 50, "marginal": 80}, "colour": 1,
    "metrics": [
      {"name": "a", "kind": "size", "direction": "up", "weight": 0},
      {"name": "a", "kind": "rate", "test": "welch", "quantiles": [0.9]},
      {"kind": "continuous", "allowedChange": {"relative": -1}, "gates": [{"stat": "p101", "max": 1},
        {"stat": "p99"}, {"stat": "rate", "max": 1}]},
      {"name": "b", "critical": "yes", "nanStrategy": "ignore", "minSamples": 0}
    ]})";
  const std::vector<std::pair<std::string, std::string>> want = {
      {"rollgate.canary.502", "/colour"},
      {"rollgate.canary.505", "/alpha"},
      {"rollgate.canary.505", "/scoreThresholds"},
      {"rollgate.canary.504", "/metrics/0/kind"},
      {"rollgate.canary.504", "/metrics/0/direction"},
      {"rollgate.canary.505", "/metrics/0/weight"},
      {"rollgate.canary.507", "/metrics/1/test"},
      {"rollgate.canary.507", "/metrics/1/quantiles"},
      {"rollgate.canary.503", "/metrics/1/name"},
      {"rollgate.canary.503", "/metrics/2"},
      {"rollgate.canary.505", "/metrics/2/allowedChange/relative"},
      {"rollgate.canary.506", "/metrics/2/gates/0/stat"},
      {"rollgate.canary.506", "/metrics/2/gates/1"},
      {"rollgate.canary.507", "/metrics/2/gates/2/stat"},
      {"rollgate.canary.508", "/metrics/3/critical"},
      {"rollgate.canary.505", "/metrics/3/minSamples"},
      {"rollgate.canary.504", "/metrics/3/nanStrategy"},
  };
  EXPECT_EQ(problems_of(cfg), want);
}

TEST(CanaryConfig, MessagesAreExact) {
  try {
    rollgate::validate_canary_config(R"({"metrics":[{"name":"x","direction":"up"}]})");
    FAIL();
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(e.what(),
                 "[rollgate.canary.504] /metrics/0/direction: unknown direction 'up' (use "
                 "increase, decrease or either: the change that is bad)");
  }
  try {
    rollgate::validate_canary_config(R"({"metrics":[]})");
    FAIL();
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(e.what(),
                 "[rollgate.canary.501] /metrics: a canary config needs at least one metric");
  }
}

TEST(CanaryConfig, HostileInputsAreErrorsNotCrashes) {
  for (const char* text : {"", "nul", "[]", "{\"metrics\":{}}", "{\"metrics\":[1]}",
                           "{\"metrics\":[{\"name\":\"x\",\"weight\":1e999}]}",
                           "{\"metrics\":[{\"name\":\"x\",\"gates\":{}}]}"}) {
    SCOPED_TRACE(text);
    EXPECT_THROW(rollgate::validate_canary_config(text), rollgate::error);
  }
  const std::string deep = "{\"metrics\":" + std::string(100000, '[') + "}";
  EXPECT_THROW(rollgate::validate_canary_config(deep), rollgate::error);
}

// ---------------------------------------------------------------------------------------------
// Data errors

TEST(CanaryData, MalformedDataIsAnErrorWithPointers) {
  try {
    rollgate::judge(kLatency, data({{"latency", {{"events", 5}, {"total", 3}}}}),
                    data({{"latency", {1, "x", 3}}, {"other", true}}));
    FAIL();
  } catch (const rollgate::error& e) {
    ASSERT_EQ(e.problems().size(), 3u);
    EXPECT_EQ(
        e.problems()[0].to_string(),
        "[rollgate.canary.511] /baseline/metrics/latency/events: events (5) exceed total (3)");
    EXPECT_EQ(e.problems()[1].pointer, "/canary/metrics/latency/1");
    EXPECT_EQ(e.problems()[2].pointer, "/canary/metrics/other");
  }
  try {
    rollgate::judge(kLatency, data({{"latency", {{"type", "rollgate.ddsketch"}}}}),
                    data(json::object()));
    FAIL();
  } catch (const rollgate::error& e) {
    EXPECT_EQ(e.code(), "rollgate.canary.512");
    EXPECT_EQ(e.pointer().rfind("/baseline/metrics/latency", 0), 0u) << e.what();
  }
  EXPECT_THROW(rollgate::judge(kLatency, "[]", data(json::object())), rollgate::error);
  EXPECT_THROW(rollgate::judge(kLatency, R"({"metrics":{},"extra":1})", data(json::object())),
               rollgate::error);
}

// ---------------------------------------------------------------------------------------------
// NoData outcomes: explicit, with a reason, never a pass

struct nodata_case {
  const char* name;
  json baseline, canary;
  const char* reason;  // a phrase the reason must contain
};

TEST(CanaryNoData, EveryKindOfMissingDataIsNoDataWithAReason) {
  const auto b = normal(100, 100, 10, 1);
  std::vector<double> few(5, 100.0);
  json with_nan = normal(100, 100, 10, 2);
  with_nan[3] = nullptr;
  with_nan[7] = "NaN";
  const nodata_case cases[] = {
      {"metric missing in canary",
       {{"latency", b}},
       json::object(),
       "no data for 'latency' in the canary"},
      {"metric missing in baseline",
       json::object(),
       {{"latency", b}},
       "no data for 'latency' in the baseline"},
      {"empty samples", {{"latency", b}}, {{"latency", json::array()}}, "(0 samples)"},
      {"too few samples",
       {{"latency", b}},
       {{"latency", few}},
       "too little data: the canary has 5 samples, need 20"},
      {"NaN and null values", {{"latency", b}}, {{"latency", with_nan}}, "2 NaN/null values"},
      {"counts for a continuous metric",
       {{"latency", b}},
       {{"latency", {{"events", 1}, {"total", 9}}}},
       "sent counts"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto a = rollgate::judge(kLatency, data(c.baseline), data(c.canary));
    const auto& m = metric(a, "latency");
    EXPECT_EQ(m.outcome, classification::no_data);
    ASSERT_FALSE(m.reasons.empty());
    EXPECT_NE(m.reasons.front().find(c.reason), std::string::npos) << m.reasons.front();
    EXPECT_EQ(a.verdict, decision::hold) << "NoData must never pass";
    EXPECT_TRUE(std::isnan(a.score));
  }
}

TEST(CanaryNoData, NanStrategyRemoveDropsGaps) {
  const std::string cfg = R"({"metrics":[{"name":"latency","direction":"increase",
    "allowedChange":{"relative":0.05},"nanStrategy":"remove"}]})";
  json c = normal(200, 100, 10, 4);
  c[0] = nullptr;
  const auto a =
      rollgate::judge(cfg, data({{"latency", normal(200, 100, 10, 3)}}), data({{"latency", c}}));
  EXPECT_EQ(metric(a, "latency").outcome, classification::pass);
  EXPECT_EQ(metric(a, "latency").canary_count, 199);
  EXPECT_EQ(a.verdict, decision::pass);
}

TEST(CanaryNoData, OptionalMetricWithoutDataDoesNotBlockPass) {
  const std::string cfg = R"({"metrics":[
    {"name":"latency","direction":"increase","allowedChange":{"relative":0.05}},
    {"name":"cpu","direction":"increase","mustHaveData":false}]})";
  const auto a = rollgate::judge(cfg, data({{"latency", normal(200, 100, 10, 5)}}),
                                 data({{"latency", normal(200, 100, 10, 6)}}));
  EXPECT_EQ(metric(a, "cpu").outcome, classification::no_data);
  EXPECT_EQ(a.verdict, decision::pass);
}

// ---------------------------------------------------------------------------------------------
// Comparisons

TEST(CanaryCompare, SameDistributionPasses) {
  const auto a = rollgate::judge(kLatency, data({{"latency", normal(500, 100, 10, 7)}}),
                                 data({{"latency", normal(500, 100, 10, 8)}}));
  const auto& m = metric(a, "latency");
  EXPECT_EQ(m.outcome, classification::pass) << m.reasons.front();
  EXPECT_EQ(m.test, "mannWhitney");
  EXPECT_LE(m.lower, m.estimate);
  EXPECT_LE(m.estimate, m.upper);
  EXPECT_LT(m.lower, 5.0);  // allowed change: 5% of the baseline median ~100
  EXPECT_EQ(a.verdict, decision::pass);
  EXPECT_DOUBLE_EQ(a.score, 100);
}

TEST(CanaryCompare, ShiftBeyondAllowedChangeIsHighAndCriticalRollsBack) {
  const auto a = rollgate::judge(kLatency, data({{"latency", normal(500, 100, 10, 9)}}),
                                 data({{"latency", normal(500, 120, 10, 10)}}));
  const auto& m = metric(a, "latency");
  EXPECT_EQ(m.outcome, classification::high);
  EXPECT_NEAR(m.estimate, 20, 2.5);
  EXPECT_GT(m.lower, 5);
  EXPECT_LT(m.p_value, 1e-6);
  EXPECT_EQ(a.verdict, decision::rollback);
  ASSERT_EQ(a.critical_failures, std::vector<std::string>{"latency"});
}

TEST(CanaryCompare, GoodDirectionChangeIsNotAFailure) {
  // Latency fell 20%: "increase" is the bad direction, so this passes.
  const auto a = rollgate::judge(kLatency, data({{"latency", normal(500, 100, 10, 11)}}),
                                 data({{"latency", normal(500, 80, 10, 12)}}));
  EXPECT_EQ(metric(a, "latency").outcome, classification::pass);
  // With direction "either" the same change is Low.
  const std::string either = R"({"metrics":[{"name":"latency","direction":"either",
    "allowedChange":{"relative":0.05}}]})";
  const auto b = rollgate::judge(either, data({{"latency", normal(500, 100, 10, 11)}}),
                                 data({{"latency", normal(500, 80, 10, 12)}}));
  EXPECT_EQ(metric(b, "latency").outcome, classification::low);
}

TEST(CanaryCompare, ShiftWithinAllowedChangeIsNotConfirmedAsFailure) {
  // A real but small shift (+2 on ~100) with allowed 5%: significant, yet within the allowance.
  const auto a = rollgate::judge(kLatency, data({{"latency", normal(5000, 100, 10, 13)}}),
                                 data({{"latency", normal(5000, 102, 10, 14)}}));
  const auto& m = metric(a, "latency");
  EXPECT_LT(m.p_value, 0.05);
  EXPECT_EQ(m.outcome, classification::pass);
}

TEST(CanaryCompare, UnconfirmedBigShiftIsNoDataNotPass) {
  // Few, noisy samples whose estimate is beyond the allowance but whose CI includes it.
  const std::string cfg = R"({"metrics":[{"name":"latency","direction":"increase",
    "allowedChange":{"absolute":5},"minSamples":5}]})";
  const auto a = rollgate::judge(cfg, data({{"latency", normal(8, 100, 30, 15)}}),
                                 data({{"latency", normal(8, 115, 30, 16)}}));
  const auto& m = metric(a, "latency");
  EXPECT_EQ(m.outcome, classification::no_data) << m.reasons.front();
  EXPECT_NE(m.reasons.front().find("does not confirm"), std::string::npos);
  EXPECT_EQ(a.verdict, decision::hold);
}

TEST(CanaryCompare, WelchComparesMeans) {
  const std::string cfg = R"({"metrics":[{"name":"latency","direction":"increase","test":"welch",
    "allowedChange":{"absolute":1}}]})";
  const auto b = normal(400, 100, 10, 17), c = normal(400, 110, 10, 18);
  const auto a = rollgate::judge(cfg, data({{"latency", b}}), data({{"latency", c}}));
  const auto& m = metric(a, "latency");
  EXPECT_EQ(m.test, "welch");
  EXPECT_EQ(m.outcome, classification::high);
  const auto w = rollgate::stats::welch_t_test(c, b);
  EXPECT_DOUBLE_EQ(m.p_value, w.p_value);
  EXPECT_DOUBLE_EQ(m.estimate, w.difference);
}

// ---------------------------------------------------------------------------------------------
// Rates

const char* kErrors = R"({"metrics":[{"name":"errors","kind":"rate","direction":"increase",
  "allowedChange":{"relative":0.1},"critical":true}]})";

TEST(CanaryRate, AutoPicksZTestForLargeCountsAndFisherForSmallOnes) {
  // Expected cell counts 35 and 35: the z-test applies.
  const auto a = rollgate::judge(kErrors, data({{"errors", {{"events", 10}, {"total", 10000}}}}),
                                 data({{"errors", {{"events", 60}, {"total", 10000}}}}));
  const auto& m = metric(a, "errors");
  EXPECT_EQ(m.outcome, classification::high);
  EXPECT_DOUBLE_EQ(m.estimate, 0.005);
  EXPECT_EQ(m.test, "proportions");
  EXPECT_DOUBLE_EQ(m.p_value, rollgate::stats::two_proportion_z_test(60, 10000, 10, 10000).p_value);
  // Expected cell count 4.5 < 5: Fisher's exact test.
  const auto b = rollgate::judge(kErrors, data({{"errors", {{"events", 1}, {"total", 200}}}}),
                                 data({{"errors", {{"events", 8}, {"total", 200}}}}));
  EXPECT_EQ(metric(b, "errors").test, "fisher");
  EXPECT_DOUBLE_EQ(metric(b, "errors").p_value,
                   rollgate::stats::fisher_exact(8, 192, 1, 199).p_value);
}

TEST(CanaryRate, NewcombeIntervalMatchesThePublishedExample) {
  // Newcombe (1998), Statistics in Medicine 17:873, table II example (56/70 vs 48/80): the
  // hybrid score interval (method 10) for the difference 0.2 is [0.0524, 0.3339].
  const std::string cfg = R"({"metrics":[{"name":"ok","kind":"rate","direction":"decrease"}]})";
  const auto a = rollgate::judge(cfg, data({{"ok", {{"events", 48}, {"total", 80}}}}),
                                 data({{"ok", {{"events", 56}, {"total", 70}}}}));
  const auto& m = metric(a, "ok");
  EXPECT_NEAR(m.estimate, 0.2, 1e-12);
  EXPECT_NEAR(m.lower, 0.0524, 5e-5);
  EXPECT_NEAR(m.upper, 0.3339, 5e-5);
}

TEST(CanaryRate, ZeroEventsInBothArmsPasses) {
  const auto a = rollgate::judge(kErrors, data({{"errors", {{"events", 0}, {"total", 3000}}}}),
                                 data({{"errors", {{"events", 0}, {"total", 3000}}}}));
  EXPECT_EQ(metric(a, "errors").outcome, classification::pass);
  EXPECT_EQ(a.verdict, decision::pass);
}

TEST(CanaryRate, FewEventsWaitForData) {
  const auto a = rollgate::judge(kErrors, data({{"errors", {{"events", 0}, {"total", 500}}}}),
                                 data({{"errors", {{"events", 2}, {"total", 500}}}}));
  const auto& m = metric(a, "errors");
  EXPECT_EQ(m.outcome, classification::no_data);
  EXPECT_NE(m.reasons.front().find("too few events: 2 in both arms, need 10"), std::string::npos)
      << m.reasons.front();
  EXPECT_EQ(a.verdict, decision::hold);
}

TEST(CanaryRate, ZeroOneSamplesBecomeCounts) {
  std::vector<double> b(2000, 0.0), c(2000, 0.0);
  for (int i = 0; i < 40; ++i) c[static_cast<std::size_t>(i) * 50] = 1;
  const auto a = rollgate::judge(kErrors, data({{"errors", b}}), data({{"errors", c}}));
  const auto& m = metric(a, "errors");
  EXPECT_EQ(m.outcome, classification::high);
  EXPECT_EQ(m.canary_count, 2000);
  EXPECT_DOUBLE_EQ(m.estimate, 0.02);
  const auto bad = rollgate::judge(kErrors, data({{"errors", b}}), data({{"errors", {0.5, 1}}}));
  EXPECT_EQ(metric(bad, "errors").outcome, classification::no_data);
}

// ---------------------------------------------------------------------------------------------
// Absolute gates

TEST(CanaryGates, RateGateUsesClopperPearsonBounds) {
  const std::string cfg = R"({"metrics":[{"name":"errorRate","kind":"rate","critical":true,
    "compare":false,"gates":[{"stat":"rate","max":0.001}]}]})";
  struct row {
    int events, total;
    classification want;
  } rows[] = {
      {0, 20000, classification::pass},    // 0%
      {20, 20000, classification::pass},   // 0.1%: at the bound, passes
      {8, 5000, classification::no_data},  // 0.16%, lower bound ~0.08%: not confirmed
      {20, 5000, classification::high},    // 0.4%, lower bound ~0.26%
      // No PASS without power: 5000 requests cannot show a rate of 0.2% above the 0.1% gate
      // (about 12,400 are needed), so 0 errors in 5000 holds.
      {0, 5000, classification::no_data},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.events);
    const auto a =
        rollgate::judge(cfg, data(json::object()),
                        data({{"errorRate", {{"events", r.events}, {"total", r.total}}}}));
    const auto& m = metric(a, "errorRate");
    EXPECT_EQ(m.outcome, r.want) << m.reasons.front();
    EXPECT_EQ(a.verdict, r.want == classification::pass   ? decision::pass
                         : r.want == classification::high ? decision::rollback
                                                          : decision::hold);
  }
}

TEST(CanaryGates, P99GateOnSamplesAndSketches) {
  const std::string cfg = R"({"metrics":[{"name":"latency","compare":false,
    "gates":[{"stat":"p99","max":500},{"stat":"mean","min":10}]}]})";
  std::vector<double> ok(1000), slow(1000);
  for (std::size_t i = 0; i < 1000; ++i) {
    ok[i] = 100 + static_cast<double>(i) * 0.3;    // p99 ~ 397
    slow[i] = 100 + static_cast<double>(i) * 0.6;  // p99 ~ 694
  }
  rollgate::quantile_sketch s;
  s.add_all(slow);
  const auto a = rollgate::judge(cfg, data(json::object()), data({{"latency", ok}}));
  EXPECT_EQ(metric(a, "latency").outcome, classification::pass);
  const auto b = rollgate::judge(cfg, data(json::object()), data({{"latency", slow}}));
  EXPECT_EQ(metric(b, "latency").outcome, classification::high);
  const auto c =
      rollgate::judge(cfg, data(json::object()), data({{"latency", json::parse(s.to_json())}}));
  const auto& m = metric(c, "latency");
  EXPECT_EQ(m.outcome, classification::high);
  ASSERT_EQ(m.checks.size(), 2u);
  EXPECT_NEAR(m.checks[0].canary, rollgate::stats::quantile(slow, 0.99), 0.02 * 694);
  // Too few samples for a p99: NoData, not a pass.
  const auto d = rollgate::judge(cfg, data(json::object()),
                                 data({{"latency", std::vector<double>(100, 50.0)}}));
  EXPECT_EQ(metric(d, "latency").outcome, classification::no_data);
}

// ---------------------------------------------------------------------------------------------
// Scoring and decisions

TEST(CanaryScore, GroupWeightsAndMetricWeights) {
  // Group "a" (weight 60): m1 (w 3) passes, m2 (w 1) fails -> 75. Group "b" (weight 40): m3
  // passes -> 100. Group "c" (unlisted, gets the rest: 0) no data. Score = 0.6*75 + 0.4*100 = 85.
  const std::string cfg = R"({"scoreThresholds":{"pass":95,"marginal":80},
    "groupWeights":{"a":60,"b":40},"metrics":[
    {"name":"m1","group":"a","weight":3,"direction":"increase","allowedChange":{"relative":0.05}},
    {"name":"m2","group":"a","weight":1,"direction":"increase","allowedChange":{"relative":0.05}},
    {"name":"m3","group":"b","direction":"increase","allowedChange":{"relative":0.05}},
    {"name":"m4","group":"c","mustHaveData":false}]})";
  const json base = {{"m1", normal(300, 100, 5, 20)},
                     {"m2", normal(300, 100, 5, 21)},
                     {"m3", normal(300, 100, 5, 22)}};
  const json can = {{"m1", normal(300, 100, 5, 23)},
                    {"m2", normal(300, 130, 5, 24)},
                    {"m3", normal(300, 100, 5, 25)}};
  const auto a = rollgate::judge(cfg, data(base), data(can));
  EXPECT_EQ(metric(a, "m2").outcome, classification::high);
  ASSERT_EQ(a.groups.size(), 3u);
  EXPECT_DOUBLE_EQ(a.groups[0].score, 75);
  EXPECT_DOUBLE_EQ(a.groups[1].score, 100);
  EXPECT_TRUE(std::isnan(a.groups[2].score));
  EXPECT_DOUBLE_EQ(a.score, 85);
  EXPECT_EQ(a.verdict, decision::hold);  // 80 <= 85 < 95
  EXPECT_TRUE(a.critical_failures.empty());
}

TEST(CanaryScore, BelowMarginalRollsBackAndPassThresholdCanForgive) {
  const std::string base_cfg = R"({"scoreThresholds":{"pass":PASS,"marginal":MARG},"metrics":[
    {"name":"m1","direction":"increase","allowedChange":{"relative":0.05}},
    {"name":"m2","direction":"increase","allowedChange":{"relative":0.05}}]})";
  auto cfg = [&](const char* pass, const char* marg) {
    std::string s = base_cfg;
    s.replace(s.find("PASS"), 4, pass);
    s.replace(s.find("MARG"), 4, marg);
    return s;
  };
  const json base = {{"m1", normal(300, 100, 5, 30)}, {"m2", normal(300, 100, 5, 31)}};
  const json can = {{"m1", normal(300, 100, 5, 32)}, {"m2", normal(300, 150, 5, 33)}};
  // Score 50: below marginal 75 -> ROLLBACK; with marginal 40 -> HOLD.
  EXPECT_EQ(rollgate::judge(cfg("100", "75"), data(base), data(can)).verdict, decision::rollback);
  EXPECT_EQ(rollgate::judge(cfg("100", "40"), data(base), data(can)).verdict, decision::hold);
}

TEST(CanaryJson, ShapeIsCamelCaseAndNaNIsNull) {
  const auto a = rollgate::judge(kLatency, data(json::object()), data(json::object()));
  const json j = json::parse(rollgate::to_json(a));
  EXPECT_EQ(j.at("decision"), "HOLD");
  EXPECT_TRUE(j.at("score").is_null());
  const json& m = j.at("metrics").at(0);
  EXPECT_EQ(m.at("classification"), "NoData");
  EXPECT_TRUE(m.at("pValue").is_null());
  EXPECT_TRUE(m.at("interval").is_array());
  for (const char* k : {"name", "kind", "direction", "group", "weight", "critical", "mustHaveData",
                        "test", "estimate", "baselineCount", "canaryCount", "reasons", "checks"}) {
    EXPECT_TRUE(m.contains(k)) << k;
  }
  EXPECT_TRUE(j.at("criticalFailures").is_array());
}

}  // namespace

namespace {

TEST(CanarySequential, AlwaysValidTestsRunForBothKinds) {
  const std::string cfg = R"({"metrics":[
    {"name":"latency","direction":"increase","test":"sequential","allowedChange":{"absolute":1}},
    {"name":"errors","kind":"rate","direction":"increase","test":"sequential",
     "allowedChange":{"absolute":0.002}}]})";
  // 4000 samples: the confidence sequence is wider than a fixed-sample interval, and a PASS
  // needs the power to see the allowed +1 (docs/canary.md, "Power"); 2000 would hold.
  const json base = {{"latency", normal(4000, 100, 10, 40)},
                     {"errors", {{"events", 20}, {"total", 20000}}}};
  const json can = {{"latency", normal(4000, 110, 10, 41)},
                    {"errors", {{"events", 120}, {"total", 20000}}}};
  const auto a = rollgate::judge(cfg, data(base), data(can));
  const auto& lat = metric(a, "latency");
  const auto& err = metric(a, "errors");
  EXPECT_EQ(lat.test, "sequential");
  EXPECT_EQ(lat.outcome, classification::high) << lat.reasons.front();
  EXPECT_EQ(err.test, "sequential");
  EXPECT_EQ(err.outcome, classification::high) << err.reasons.front();
  const auto same = rollgate::judge(cfg, data(base), data(base));
  EXPECT_EQ(same.verdict, decision::pass) << same.reasons.front();
}

TEST(CanaryNoData, CriticalMetricWithoutDataHoldsAndNamesIt) {
  const auto a = rollgate::judge(kLatency, data({{"latency", normal(100, 100, 10, 42)}}),
                                 data({{"latency", json::array()}}));
  EXPECT_EQ(a.verdict, decision::hold);
  EXPECT_TRUE(a.critical_failures.empty());
  ASSERT_FALSE(a.reasons.empty());
  EXPECT_NE(a.reasons.front().find("latency"), std::string::npos);
}

TEST(CanaryData, HostileDataIsAnErrorNotACrash) {
  for (const std::string& text :
       {std::string(R"({"metrics":{"latency":[1e400]}})"),
        std::string(R"({"metrics":{"latency":)") + std::string(3000, '[') + std::string(3000, ']') +
            "}}",
        std::string(R"({"metrics":{"latency":{"events":1e30,"total":1e30}}})"),
        std::string(R"({"metrics":{"latency":{"events":-1,"total":3}}})"),
        std::string(R"({"metrics":{"latency":{"type":1}}})")}) {
    SCOPED_TRACE(text.substr(0, 60));
    EXPECT_THROW(rollgate::judge(kLatency, text, data(json::object())), rollgate::error);
  }
}

}  // namespace
