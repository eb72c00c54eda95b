// Unit-level summaries (units.hpp) and the judge on them: exposure, per-unit events, merging in
// any order, the bounded fallback past max_units, winsorising, and conversion / value per exposed
// unit as docs/canary.md ("Unit-level metrics") defines them.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "rollgate/canary.hpp"
#include "rollgate/error.hpp"
#include "rollgate/units.hpp"

namespace {

using json = nlohmann::json;
using rollgate::unit_summary;

TEST(Units, ConversionCountsExposedUnitsWithAnEvent) {
  unit_summary s;
  for (int i = 0; i < 10; ++i) s.expose("u" + std::to_string(i));
  s.expose("u0");  // idempotent
  EXPECT_TRUE(s.record("u1", "purchase", 20, true));
  EXPECT_TRUE(s.record("u1", "purchase", 5, true));  // one unit, two events: still one conversion
  EXPECT_TRUE(s.record("u2", "purchase", 7, true));
  EXPECT_TRUE(s.record("ghost", "purchase", 99, true));  // never exposed: does not count
  const auto m = s.metric("purchase");
  EXPECT_EQ(m.exposed, 10u);
  EXPECT_EQ(m.converted, 2u);
  ASSERT_EQ(m.values.size(), 2u);
  EXPECT_DOUBLE_EQ(m.values[0] + m.values[1], 32);
  const auto mo = rollgate::moments_of(m, -1);
  EXPECT_DOUBLE_EQ(mo.count, 10);
  EXPECT_DOUBLE_EQ(mo.mean, 3.2);  // units without the event count as 0
  // variance of {25, 7, 0 x 8}: sum of squares 674, n 10, mean 3.2
  EXPECT_NEAR(mo.variance, (674 - 10 * 3.2 * 3.2) / 9, 1e-12);
}

TEST(Units, RefusesBadValuesAndTooManyNames) {
  unit_summary s;
  s.expose("a");
  EXPECT_FALSE(s.record("a", "purchase", std::nan(""), true));
  EXPECT_FALSE(s.record("a", "purchase", INFINITY, true));
  EXPECT_FALSE(s.record("a", "", 1, true));
  EXPECT_FALSE(s.record("a", std::string(65, 'e'), 1, true));
  for (std::size_t k = 0; k < unit_summary::kMaxEvents; ++k)
    EXPECT_TRUE(s.record("a", "e" + std::to_string(k)));
  EXPECT_FALSE(s.record("a", "one-too-many"));
  EXPECT_EQ(s.metric("purchase").converted, 0u);
}

TEST(Units, MergeIsOrderIndependentAndRoundTripsThroughJson) {
  unit_summary a, b, c;
  for (int i = 0; i < 50; ++i) a.expose("u" + std::to_string(i));
  for (int i = 25; i < 80; ++i) b.expose("u" + std::to_string(i));
  b.record("u3", "purchase", 10, true);  // exposed in a, event seen by another isolate
  c.record("u70", "signup");
  c.record("u3", "purchase", 1, true);
  unit_summary x = a, y = c;
  x.merge(b);
  x.merge(c);
  y.merge(b);
  y.merge(a);
  EXPECT_EQ(x.metric("purchase").exposed, 80u);
  EXPECT_EQ(x.metric("purchase").converted, 1u);
  EXPECT_DOUBLE_EQ(x.metric("purchase").values.at(0), 11);
  EXPECT_EQ(x.metric("signup").converted, 1u);
  for (const auto* s : {&x, &y}) {
    const unit_summary back = unit_summary::from_json(s->to_json());
    EXPECT_EQ(back.metric("purchase").exposed, 80u);
    EXPECT_EQ(back.metric("purchase").converted, 1u);
    EXPECT_EQ(back.metric("signup").converted, 1u);
  }
}

TEST(Units, PastTheCapKeepsAUniformHashSampleAndStaysBounded) {
  unit_summary s(1000);
  int converted = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string u = "user-" + std::to_string(i);
    s.expose(u);
    if (i % 10 == 0) {
      s.record(u, "purchase");
      ++converted;
    }
    ASSERT_LE(s.records(), 1000u);
  }
  EXPECT_GE(s.level(), 4u);  // 20000 units into 1000: at least four halvings
  const auto m = s.metric("purchase");
  // A uniform sample: the share stays near 10% and the scaled count near 20000.
  EXPECT_NEAR(static_cast<double>(m.converted) / m.exposed, 0.1, 0.04);
  EXPECT_NEAR(m.exposed / m.sampling_rate, 20000, 20000 * 0.2);
  // Merging two capped summaries: the result is capped too, at the coarser level.
  unit_summary t(1000);
  for (int i = 20000; i < 40000; ++i) t.expose("user-" + std::to_string(i));
  s.merge(t);
  EXPECT_LE(s.records(), 1000u);
  EXPECT_NEAR(s.metric("purchase").exposed / s.sampling_rate(), 40000, 40000 * 0.2);
}

TEST(Units, FromJsonRejectsWrongShapesWithPointers) {
  try {
    unit_summary::from_json(
        R"({"type":"rollgate.units","version":1,"maxUnits":100,"level":0,"events":["p"],)"
        R"("units":[["zz",1],["ab",1,5,1,2]]})");
    FAIL();
  } catch (const rollgate::error& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].code, "rollgate.metrics.003");
    EXPECT_EQ(e.problems()[0].pointer, "/units/0");
    EXPECT_EQ(e.problems()[1].pointer, "/units/1/2");  // event index 5 of 1 name
  }
  EXPECT_THROW(unit_summary(3), rollgate::error);
}

TEST(Units, ValueCapIsThePooledQuantileOfConvertedUnits) {
  rollgate::unit_metric a, b;
  a.exposed = 100;
  b.exposed = 100;
  for (int i = 1; i <= 99; ++i) a.values.push_back(i);
  b.values.push_back(1e6);  // one whale
  a.converted = 99;
  b.converted = 1;
  const double cap = rollgate::value_cap(a, b, 0.99);  // numpy.quantile(1..99 + [1e6], 0.99)
  EXPECT_NEAR(cap, 99 + 0.01 * (1e6 - 99), 1e-6);
  const auto mb = rollgate::moments_of(b, cap);
  EXPECT_EQ(mb.capped, 1);
  EXPECT_NEAR(mb.mean, cap / 100, 1e-9);
}

std::string summary_json(int units, double rate, std::uint64_t seed, const char* prefix) {
  unit_summary s;
  std::uint64_t x = seed;
  for (int i = 0; i < units; ++i) {
    const std::string u = std::string(prefix) + std::to_string(i);
    s.expose(u);
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    if (static_cast<double>(x >> 11) / 9007199254740992.0 < rate) s.record(u, "purchase", 40, true);
  }
  return s.to_json();
}

TEST(Units, TheJudgeReadsSummariesAsConversionAndValuePerUnit) {
  const std::string cfg = R"({"metrics":[
    {"name":"conversion","kind":"rate","direction":"decrease","event":"purchase",
     "allowedChange":{"relative":0.05},"test":"proportions"},
    {"name":"revenue","kind":"continuous","direction":"decrease","event":"purchase",
     "allowedChange":{"relative":0.05},"test":"welch"}]})";
  const std::string base = summary_json(70000, 0.10, 1, "b");
  // A canary whose checkout silently fails for half of the buyers: conversion 5%.
  const std::string bad = summary_json(70000, 0.05, 2, "c");
  const std::string wrap_b = R"({"metrics":{"conversion":)" + base + R"(,"revenue":)" + base + "}}";
  const std::string wrap_c = R"({"metrics":{"conversion":)" + bad + R"(,"revenue":)" + bad + "}}";
  const auto a = rollgate::judge(cfg, wrap_b, wrap_c);
  EXPECT_EQ(a.verdict, rollgate::decision::rollback);
  ASSERT_EQ(a.metrics.size(), 2u);
  EXPECT_EQ(a.metrics[0].outcome, rollgate::classification::low);
  EXPECT_EQ(a.metrics[0].test, "proportions");
  EXPECT_NEAR(a.metrics[0].checks[0].baseline, 0.10, 0.01);
  EXPECT_NEAR(a.metrics[0].checks[0].canary, 0.05, 0.01);
  EXPECT_EQ(a.metrics[1].outcome, rollgate::classification::low);
  EXPECT_EQ(a.metrics[1].test, "welch");
  EXPECT_EQ(a.metrics[1].baseline_count, 70000);
  // The same canary as the baseline (A/A) with enough units: PASS.
  const std::string same = summary_json(70000, 0.10, 3, "d");
  const std::string wrap_s = R"({"metrics":{"conversion":)" + same + R"(,"revenue":)" + same + "}}";
  const auto ok = rollgate::judge(cfg, wrap_b, wrap_s);
  EXPECT_EQ(ok.verdict, rollgate::decision::pass) << rollgate::to_json(ok);
}

TEST(Units, ASummaryOnOneSideOnlyIsNoData) {
  const std::string cfg =
      R"({"metrics":[{"name":"conversion","kind":"rate","direction":"decrease"}]})";
  const std::string s = summary_json(100, 0.1, 1, "u");
  const auto a = rollgate::judge(cfg, R"({"metrics":{"conversion":{"events":5,"total":100}}})",
                                 R"({"metrics":{"conversion":)" + s + "}}");
  EXPECT_EQ(a.metrics[0].outcome, rollgate::classification::no_data);
  EXPECT_NE(a.metrics[0].reasons[0].find("unit summary"), std::string::npos);
}

}  // namespace
