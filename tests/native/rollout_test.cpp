// Rollout plans and the next_action state machine (rollout.hpp).
//
// tests/vectors/plan.json holds state-machine cases whose expected actions were derived from the
// documented rules (docs/rollout.md) by tests/vectors/gen/gen_plan.py, independently of the C++
// code; the WASM tests run the same file. Regenerate: python3 tests/vectors/gen/gen_plan.py
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "rollgate/bucket.hpp"
#include "rollgate/canary.hpp"
#include "rollgate/error.hpp"
#include "rollgate/rollout.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;
constexpr std::int64_t kMin = 60'000;
constexpr std::int64_t kHour = 60 * kMin;

std::vector<std::pair<std::string, std::string>> problems_of(const std::string& plan) {
  std::vector<std::pair<std::string, std::string>> out;
  try {
    rollgate::rollout_plan::parse(plan);
  } catch (const rollgate::error& e) {
    for (const auto& p : e.problems()) out.emplace_back(p.code, p.pointer);
  }
  return out;
}

/// The documented fields of an action, as the vectors state them.
void expect_action(const rollgate::rollout_action& act, const json& want) {
  const json got = json::parse(rollgate::to_json(act));
  for (const char* k : {"action", "percent", "coverage", "stage", "status", "servingPercent",
                        "servingCoverage", "newWindow"}) {
    if (want.contains(k)) {
      EXPECT_EQ(got.at(k), want.at(k)) << k;
    }
  }
  EXPECT_FALSE(got.at("reasons").empty());
  EXPECT_EQ(got.at("state").at("status"), got.at("status"));
  // The state round-trips through its JSON form.
  EXPECT_EQ(rollgate::rollout_state::parse(act.state.to_json()).to_json(), act.state.to_json());
}

TEST(PlanVectors, EveryCaseGivesTheDocumentedAction) {
  const json v = rollgate::test::load_vectors("plan.json");
  ASSERT_EQ(v.at("spec_version"), 2);
  const auto plan = rollgate::rollout_plan::parse(v.at("plan").dump());
  ASSERT_GE(v.at("cases").size(), 30u);
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto state = rollgate::rollout_state::parse(c.at("state").dump());
    std::optional<rollgate::analysis> a;
    if (!c.at("analysis").is_null()) a = rollgate::parse_analysis(c.at("analysis").dump());
    std::optional<rollgate::srm_check> srm;
    if (c.contains("srm")) {
      srm = rollgate::sample_ratio_check(c["srm"]["stableUnits"], c["srm"]["canaryUnits"],
                                         rollgate::serving(plan, state), c["srm"]["alpha"]);
      EXPECT_EQ(srm->checked, c["expectSrm"]["checked"]);
      EXPECT_EQ(srm->failed, c["expectSrm"]["failed"]);
    }
    rollgate::step_inputs in;
    in.now_ms = c.at("nowMs");
    in.judged = a ? &*a : nullptr;
    in.srm = srm ? &*srm : nullptr;
    in.announce_ms = c.value("announceMs", 0);
    expect_action(rollgate::next_action(plan, state, in), c.at("expect"));
  }
}

TEST(PlanVectors, OperatorCommandsFollowTheDocumentedTransitions) {
  const json v = rollgate::test::load_vectors("plan.json");
  const auto plan = rollgate::rollout_plan::parse(v.at("plan").dump());
  ASSERT_GE(v.at("commands").size(), 8u);
  for (const auto& c : v.at("commands")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto state = rollgate::rollout_state::parse(c.at("state").dump());
    const auto cmd = rollgate::parse_command(c.at("command").get<std::string>());
    if (c.at("expect").contains("error")) {
      try {
        rollgate::apply_command(plan, state, cmd, c.at("nowMs"));
        ADD_FAILURE() << "no error";
      } catch (const rollgate::error& e) {
        EXPECT_EQ(e.code(), c.at("expect").at("error"));
        EXPECT_EQ(e.pointer(), "/command");
      }
      continue;
    }
    const auto act = rollgate::apply_command(plan, state, cmd, c.at("nowMs"), "vector");
    expect_action(act, c.at("expect"));
    ASSERT_FALSE(act.state.history.empty());
    EXPECT_EQ(act.state.history.back().actor, "operator");
    EXPECT_EQ(act.state.history.back().reason, "vector");
  }
}

TEST(PlanVectors, InvalidPlansListEveryProblem) {
  const json v = rollgate::test::load_vectors("plan.json");
  for (const auto& c : v.at("invalidPlans")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto got = problems_of(c.at("plan").dump());
    std::vector<std::pair<std::string, std::string>> want;
    for (const auto& p : c.at("expectProblems")) want.emplace_back(p[0], p[1]);
    EXPECT_EQ(got, want);
  }
}

TEST(DefaultPlan, EveryRiskIsValidEndsAt100AndIsOrderedBySpeed) {
  std::int64_t total[3] = {0, 0, 0};
  int i = 0;
  for (auto r : {rollgate::risk::low, rollgate::risk::medium, rollgate::risk::high}) {
    const auto plan = rollgate::default_plan(r);
    EXPECT_NO_THROW(rollgate::rollout_plan::parse(plan.to_json()));
    EXPECT_EQ(plan.stages().back().percent, 100);
    EXPECT_EQ(plan.stages().back().coverage, rollgate::kScale);
    for (const auto& s : plan.stages()) total[i] += s.min_duration_ms;
    ++i;
  }
  // Low-risk changes are not slowed down; high-risk ones get longer windows.
  EXPECT_LT(total[0], total[1]);
  EXPECT_LT(total[1], total[2]);
}

TEST(DefaultPlan, MediumIsTheClassicPlan) {
  const auto plan = rollgate::default_plan(rollgate::risk::medium);
  const auto& st = plan.stages();
  ASSERT_EQ(st.size(), 4u);
  const double percent[] = {1, 10, 50, 100};
  const std::uint32_t coverage[] = {1000, 10000, 50000, 100000};
  const std::int64_t window[] = {15 * kMin, kHour, 4 * kHour, 24 * kHour};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(st[i].percent, percent[i]);
    EXPECT_EQ(st[i].coverage, coverage[i]);
    EXPECT_EQ(st[i].min_duration_ms, window[i]);
  }
  // Stage 0 gates: error rate < 0.1% and p99 < 500 ms.
  const json cfg = json::parse(plan.stage_canary_config(0));
  bool error_gate = false, p99_gate = false;
  for (const auto& m : cfg.at("metrics")) {
    for (const auto& g : m.value("gates", json::array())) {
      error_gate = error_gate || (g.at("stat") == "rate" && g.at("max") == 0.001);
      p99_gate = p99_gate || (g.at("stat") == "p99" && g.at("max") == 500);
    }
  }
  EXPECT_TRUE(error_gate);
  EXPECT_TRUE(p99_gate);
  EXPECT_EQ(st[0].gates, (std::vector<std::string>{"errorRate", "latency"}));
  // Stage 1 adds the conversion comparison.
  EXPECT_EQ(st[1].gates, (std::vector<std::string>{"errorRate", "latency", "conversion"}));
  EXPECT_EQ(plan.gated_metrics(), (std::vector<std::string>{"conversion", "errorRate", "latency"}));
  // At 100% nothing is left to compare with: only absolute gates.
  const json cfg3 = json::parse(plan.stage_canary_config(3));
  for (const auto& m : cfg3.at("metrics")) EXPECT_EQ(m.at("compare"), false);
  EXPECT_NO_THROW(rollgate::validate_canary_config(cfg3.dump()));
}

TEST(DefaultPlan, UnknownRiskIsRejected) {
  EXPECT_EQ(rollgate::parse_risk("high"), rollgate::risk::high);
  try {
    rollgate::parse_risk("yolo");
    FAIL();
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(e.what(),
                 "[rollgate.plan.612] /risk: unknown risk 'yolo' (use low, medium or high)");
  }
}

TEST(PlanPercent, CoverageIsExactAndFinerThanAThousandthIsRefused) {
  const auto plan = rollgate::rollout_plan::parse(
      R"({"stages":[{"percent":0.001,"minDurationMs":0},{"percent":12.5,"minDurationMs":0},
                    {"percent":33.333,"minDurationMs":0},{"percent":100,"minDurationMs":0}]})");
  EXPECT_EQ(plan.stages()[0].coverage, 1u);
  EXPECT_EQ(plan.stages()[1].coverage, 12500u);
  EXPECT_EQ(plan.stages()[2].coverage, 33333u);
  EXPECT_EQ(problems_of(R"({"stages":[{"percent":33.3333,"minDurationMs":0},
                                      {"percent":100,"minDurationMs":0}]})"),
            (std::vector<std::pair<std::string, std::string>>{
                {"rollgate.plan.603", "/stages/0/percent"}}));
}

TEST(PlanRestriction, DropsGatesAClientCannotMeasureAndSaysWhich) {
  const auto plan = rollgate::default_plan(rollgate::risk::medium);
  std::vector<std::string> dropped;
  const auto edge = plan.restricted_to({"errorRate", "latency"}, &dropped);
  EXPECT_EQ(dropped, std::vector<std::string>{"conversion"});
  for (const auto& s : edge.stages()) {
    for (const auto& g : s.gates) EXPECT_NE(g, "conversion");
    for (const auto& w : s.watch) EXPECT_NE(w, "conversion");
  }
  EXPECT_EQ(json::parse(edge.stage_canary_config(1)).at("metrics").size(), 2u);
  EXPECT_NO_THROW(edge.require_measurable({"errorRate", "latency"}));
  // Measuring everything changes nothing.
  EXPECT_EQ(plan.restricted_to({"errorRate", "latency", "conversion"}).to_json(), plan.to_json());
  // A stage left with no gate at all is refused rather than silently made time-only.
  try {
    plan.restricted_to({"latency2"});
    FAIL();
  } catch (const rollgate::error& e) {
    EXPECT_EQ(e.code(), "rollgate.plan.613");
    EXPECT_EQ(e.pointer(), "/stages/0/gates");
  }
}

TEST(PlanRestriction, UnmeasurableGatesAreRefusedWithTheirPointers) {
  const auto plan = rollgate::default_plan(rollgate::risk::medium);
  try {
    plan.require_measurable({"errorRate", "latency"});
    FAIL();
  } catch (const rollgate::error& e) {
    ASSERT_EQ(e.problems().size(), 2u);  // stage 1 and stage 2 gate on conversion
    EXPECT_EQ(e.problems()[0].pointer, "/stages/1/gates/2");
    EXPECT_EQ(e.problems()[1].pointer, "/stages/2/gates/2");
    EXPECT_EQ(e.problems()[0].to_string(),
              "[rollgate.plan.613] /stages/1/gates/2: stage 1 (canary-10) gates on 'conversion', "
              "which this client does not measure (it measures errorRate, latency): remove the "
              "gate, or give the metric a source");
  }
  // Inline gate configs point into their metrics list.
  const auto inline_plan = rollgate::rollout_plan::parse(
      R"({"stages":[{"percent":100,"minDurationMs":0,"gates":{"metrics":[
          {"name":"errorRate","kind":"rate","compare":false,"gates":[{"stat":"rate","max":0.1}]},
          {"name":"cpu","kind":"continuous","compare":false,"gates":[{"stat":"p99","max":9}]}]}}]})");
  try {
    inline_plan.require_measurable({"errorRate"});
    FAIL();
  } catch (const rollgate::error& e) {
    EXPECT_EQ(e.pointer(), "/stages/0/gates/metrics/1");
  }
}

TEST(StateMachine, WalksTheMediumPlanToCompletionAndRecordsHistory) {
  const auto plan = rollgate::default_plan(rollgate::risk::medium);
  std::int64_t now = 1'000'000;
  auto start = rollgate::start_rollout(plan, now);
  EXPECT_EQ(start.kind, rollgate::action_kind::start);
  EXPECT_EQ(start.serve.coverage, 1000u);
  rollgate::rollout_state state = start.state;
  const auto pass = rollgate::parse_analysis(R"({"decision":"PASS","criticalFailures":[]})");
  const double expected[] = {10, 50, 100};
  for (double want : expected) {
    rollgate::step_inputs in;
    in.now_ms = now + 1;
    in.judged = &pass;
    EXPECT_EQ(rollgate::next_action(plan, state, in).kind, rollgate::action_kind::hold);
    now += 24 * kHour;  // at least every window
    in.now_ms = now;
    auto act = rollgate::next_action(plan, state, in);
    ASSERT_EQ(act.kind, rollgate::action_kind::advance);
    EXPECT_EQ(act.target.percent, want);
    EXPECT_EQ(act.serve.percent, want);  // no announcement: at once
    EXPECT_TRUE(act.new_window);
    EXPECT_EQ(act.state.stage_start_ms, now);
    EXPECT_EQ(act.state.window, state.window + 1);
    state = act.state;
  }
  now += 24 * kHour;
  rollgate::step_inputs in;
  in.now_ms = now;
  in.judged = &pass;
  auto done = rollgate::next_action(plan, state, in);
  EXPECT_EQ(done.kind, rollgate::action_kind::complete);
  EXPECT_EQ(done.status, rollgate::rollout_status::completed);
  ASSERT_EQ(done.state.history.size(), 5u);
  EXPECT_EQ(done.state.history[0].action, rollgate::action_kind::start);
  EXPECT_EQ(done.state.history[1].action, rollgate::action_kind::advance);
  EXPECT_EQ(done.state.history[4].action, rollgate::action_kind::complete);
  // Completed stays completed.
  in.now_ms = now + 1;
  in.judged = nullptr;
  EXPECT_EQ(rollgate::next_action(plan, done.state, in).kind, rollgate::action_kind::hold);
}

TEST(StateMachine, AnnouncedIncreaseTakesEffectAtOneInstantAndStartsAWindow) {
  const auto plan = rollgate::default_plan(rollgate::risk::medium);
  const auto pass = rollgate::parse_analysis(R"({"decision":"PASS"})");
  rollgate::step_inputs in;
  in.now_ms = 15 * kMin;
  in.judged = &pass;
  in.announce_ms = 5000;
  const auto adv = rollgate::next_action(plan, rollgate::initial_state(0), in);
  ASSERT_EQ(adv.kind, rollgate::action_kind::advance);
  EXPECT_EQ(adv.target.coverage, 10000u);
  EXPECT_EQ(adv.serve.coverage, 1000u);  // still 1% until every client has the news
  EXPECT_FALSE(adv.new_window);
  ASSERT_TRUE(adv.state.pending);
  EXPECT_EQ(adv.state.pending->at_ms, 15 * kMin + 5000);
  EXPECT_EQ(rollgate::settle(plan, adv.state, 15 * kMin + 4999), std::nullopt);
  const auto on = rollgate::settle(plan, adv.state, 15 * kMin + 5000);
  ASSERT_TRUE(on);
  EXPECT_TRUE(on->new_window);
  EXPECT_EQ(on->serve.coverage, 10000u);
  EXPECT_EQ(on->state.window, adv.state.window + 1);
  EXPECT_FALSE(on->state.pending);
  // The stage's minimum window counts from when the new percentage took effect.
  EXPECT_EQ(on->state.stage_start_ms, 15 * kMin + 5000);
}

TEST(StateMachine, HistoryIsBounded) {
  const auto plan = rollgate::default_plan(rollgate::risk::medium);
  auto act = rollgate::start_rollout(plan, 0);
  for (int i = 0; i < 300; ++i) {
    act = rollgate::apply_command(plan, act.state, rollgate::command::pause, i);
    act = rollgate::apply_command(plan, act.state, rollgate::command::resume, i);
  }
  EXPECT_EQ(act.state.history.size(), rollgate::rollout_state::kMaxHistory);
  EXPECT_EQ(act.state.history_dropped, 601u - rollgate::rollout_state::kMaxHistory);
  EXPECT_EQ(act.state.history.back().action, rollgate::action_kind::resume);
  const auto back = rollgate::rollout_state::parse(act.state.to_json());
  EXPECT_EQ(back.history_dropped, act.state.history_dropped);
}

TEST(StateMachine, StepJudgesTheWindowAndRollsBackOnRealData) {
  // Real judge input (not a hand-written analysis): 4% of the canary's requests fail.
  const auto plan = rollgate::default_plan(rollgate::risk::medium);
  const auto start = rollgate::start_rollout(plan, 0);
  rollgate::window_data w;
  w.baseline_json = R"({"metrics":{"errorRate":{"events":2,"total":9000}}})";
  w.canary_json = R"({"metrics":{"errorRate":{"events":40,"total":1000}}})";
  w.stable_units = 990;
  w.canary_units = 10;
  const auto s = rollgate::step(plan, start.state, w, {kMin, 0, 0.001});
  ASSERT_TRUE(s.judged);
  EXPECT_EQ(s.judged->verdict, rollgate::decision::rollback);
  EXPECT_TRUE(s.srm.checked);
  EXPECT_FALSE(s.srm.failed);
  EXPECT_EQ(s.action.kind, rollgate::action_kind::rollback);
  EXPECT_EQ(s.action.serve.coverage, 0u);
  // After the rollback nothing is judged any more: the evidence stays the last analysis.
  const auto after = rollgate::step(plan, s.action.state, w, {2 * kMin, 0, 0.001});
  EXPECT_FALSE(after.judged);
  EXPECT_FALSE(after.srm.checked);
  EXPECT_EQ(after.action.kind, rollgate::action_kind::hold);
  // The whole step has a JSON form (for bindings).
  const json j = json::parse(rollgate::to_json(s));
  EXPECT_EQ(j.at("action").at("action"), "rollback");
  EXPECT_EQ(j.at("analysis").at("decision"), "ROLLBACK");
  EXPECT_EQ(j.at("srm").at("checked"), true);
}

TEST(SampleRatio, ChecksOnlyWhereTheApproximationHoldsAndExplains) {
  const rollgate::traffic ten{10, 10000};
  auto c = rollgate::sample_ratio_check(900, 180, ten, 0.001);
  EXPECT_TRUE(c.checked);
  EXPECT_TRUE(c.failed);
  // Independently: expected 972 : 108, chi2 = 72^2/972 + 72^2/108 = 53.33, p = erfc(sqrt(chi2/2)).
  EXPECT_NEAR(c.statistic, 53.333333333333, 1e-9);
  EXPECT_NEAR(c.p_value / std::erfc(std::sqrt(53.333333333333336 / 2)), 1.0, 1e-9);
  EXPECT_EQ(c.reason.rfind("sample-ratio mismatch: units 900 : 180 against a 90% : 10% split", 0),
            0u);
  c = rollgate::sample_ratio_check(30, 2, ten, 0.001);
  EXPECT_FALSE(c.checked);
  c = rollgate::sample_ratio_check(500, 500, {0, 0}, 0.001);
  EXPECT_FALSE(c.checked);
  c = rollgate::sample_ratio_check(500, 500, {100, rollgate::kScale}, 0.001);
  EXPECT_FALSE(c.checked);
  EXPECT_THROW(rollgate::sample_ratio_check(-1, 5, ten, 0.001), rollgate::error);
  EXPECT_THROW(rollgate::sample_ratio_check(1, 5, ten, 1.0), rollgate::error);
}

TEST(Analysis, ParseReadsWhatToJsonWrote) {
  const auto a = rollgate::judge(
      R"({"metrics":[{"name":"errorRate","kind":"rate","critical":true,"gates":[{"stat":"rate","max":0.01}]},
                     {"name":"latency","kind":"continuous","quantiles":[0.9]}]})",
      R"({"metrics":{"errorRate":{"events":1,"total":500},"latency":[10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31]}})",
      R"({"metrics":{"errorRate":{"events":3,"total":500},"latency":[11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32]}})");
  const std::string text = rollgate::to_json(a);
  EXPECT_EQ(rollgate::to_json(rollgate::parse_analysis(text)), text);
}

TEST(StateMachine, BadStateAndAnalysisAreErrorsWithPointers) {
  const auto plan = rollgate::default_plan(rollgate::risk::medium);
  try {
    rollgate::rollout_state::parse(R"({"stage":9,"stageStartMs":-1,"status":"flying"})");
    FAIL();
  } catch (const rollgate::error& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].pointer, "/stageStartMs");
    EXPECT_EQ(e.problems()[1].pointer, "/status");
  }
  try {
    rollgate::step_inputs in;
    rollgate::next_action(
        plan, rollgate::rollout_state::parse(R"({"stage":9,"stageStartMs":1,"status":"running"})"),
        in);
    FAIL();
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(e.what(),
                 "[rollgate.plan.610] /stage: stage 9 is out of range (the plan has 4 stages)");
  }
  try {
    rollgate::parse_analysis(R"({"decision":"MAYBE"})");
    FAIL();
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(
        e.what(),
        "[rollgate.plan.611] /decision: unknown decision 'MAYBE' (use PASS, HOLD or ROLLBACK)");
  }
  EXPECT_THROW(rollgate::rollout_state::parse("{"), rollgate::error);
  EXPECT_THROW(rollgate::parse_analysis("[1]"), rollgate::error);
  EXPECT_THROW(plan.stage_canary_config(4), rollgate::error);
  EXPECT_THROW(rollgate::parse_command("abort"), rollgate::error);
}

TEST(PlanValidation, HostileInputsNeverCrash) {
  for (const char* text :
       {"", "null", "[]", "{\"stages\":{}}", "{\"stages\":[1,2]}",
        "{\"stages\":[{\"percent\":\"1\",\"minDurationMs\":1.5}]}",
        "{\"stages\":[{\"percent\":1e400,\"minDurationMs\":0}]}",
        "{\"canary\":[],\"stages\":[{\"percent\":100,\"minDurationMs\":0,\"gates\":[\"x\"]}]}"}) {
    SCOPED_TRACE(text);
    EXPECT_THROW(rollgate::rollout_plan::parse(text), rollgate::error);
  }
  const std::string deep = "{\"stages\":" + std::string(5000, '[') + std::string(5000, ']') + "}";
  EXPECT_THROW(rollgate::rollout_plan::parse(deep), rollgate::error);
}

}  // namespace
