// Rollout plans and the next_action state machine (rollout.hpp).
//
// tests/vectors/plan.json holds state-machine cases whose expected actions were derived from the
// documented rules (docs/rollout.md) by tests/vectors/gen/gen_plan.py, independently of the C++
// code; the WASM tests run the same file. Regenerate: python3 tests/vectors/gen/gen_plan.py
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

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
    rollgate::validate_plan(plan);
  } catch (const rollgate::error& e) {
    for (const auto& p : e.problems()) out.emplace_back(p.code, p.pointer);
  }
  return out;
}

TEST(PlanVectors, EveryCaseGivesTheDocumentedAction) {
  const json v = rollgate::test::load_vectors("plan.json");
  ASSERT_EQ(v.at("spec_version"), 1);
  const std::string plan = v.at("plan").dump();
  ASSERT_GE(v.at("cases").size(), 20u);
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto act = rollgate::next_action(plan, c.at("state").dump(), c.at("analysis").dump(),
                                           c.at("nowMs").get<std::int64_t>());
    const json got = json::parse(rollgate::to_json(act));
    EXPECT_EQ(got.at("action"), c.at("expect").at("action"));
    EXPECT_EQ(got.at("percent"), c.at("expect").at("percent"));
    EXPECT_EQ(got.at("stage"), c.at("expect").at("stage"));
    EXPECT_EQ(got.at("status"), c.at("expect").at("status"));
    EXPECT_FALSE(got.at("reasons").empty());
    EXPECT_EQ(got.at("state").at("status"), c.at("expect").at("status"));
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
    const std::string text = rollgate::default_plan(r);
    EXPECT_NO_THROW(rollgate::validate_plan(text)) << text;
    const json plan = json::parse(text);
    EXPECT_EQ(plan.at("stages").back().at("percent"), 100);
    for (const auto& s : plan.at("stages")) total[i] += s.at("minDurationMs").get<std::int64_t>();
    ++i;
  }
  // Low-risk changes are not slowed down; high-risk ones get longer windows.
  EXPECT_LT(total[0], total[1]);
  EXPECT_LT(total[1], total[2]);
}

TEST(DefaultPlan, MediumIsTheClassicPlan) {
  const json plan = json::parse(rollgate::default_plan(rollgate::risk::medium));
  const auto& st = plan.at("stages");
  ASSERT_EQ(st.size(), 4u);
  const double percent[] = {1, 10, 50, 100};
  const std::int64_t window[] = {15 * kMin, kHour, 4 * kHour, 24 * kHour};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(st[i].at("percent").get<double>(), percent[i]);
    EXPECT_EQ(st[i].at("minDurationMs").get<std::int64_t>(), window[i]);
  }
  // Stage 0 gates: error rate < 0.1% and p99 < 500 ms.
  const json cfg = json::parse(rollgate::stage_canary_config(plan.dump(), 0));
  bool error_gate = false, p99_gate = false;
  for (const auto& m : cfg.at("metrics")) {
    for (const auto& g : m.value("gates", json::array())) {
      error_gate = error_gate || (g.at("stat") == "rate" && g.at("max") == 0.001);
      p99_gate = p99_gate || (g.at("stat") == "p99" && g.at("max") == 500);
    }
  }
  EXPECT_TRUE(error_gate);
  EXPECT_TRUE(p99_gate);
  // Stage 1 adds the conversion comparison.
  const json cfg1 = json::parse(rollgate::stage_canary_config(plan.dump(), 1));
  bool conversion = false;
  for (const auto& m : cfg1.at("metrics")) conversion = conversion || m.at("name") == "conversion";
  EXPECT_TRUE(conversion);
  // At 100% nothing is left to compare with: only absolute gates.
  const json cfg3 = json::parse(rollgate::stage_canary_config(plan.dump(), 3));
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

TEST(StateMachine, WalksTheMediumPlanToCompletionAndRecordsHistory) {
  const std::string plan = rollgate::default_plan(rollgate::risk::medium);
  std::int64_t now = 1'000'000;
  std::string state = rollgate::initial_state(now);
  const std::string pass = R"({"decision":"PASS","criticalFailures":[]})";
  const double expected[] = {10, 50, 100};
  for (double want : expected) {
    auto early = rollgate::next_action(plan, state, pass, now + 1);
    EXPECT_EQ(early.kind, rollgate::action_kind::hold);
    now += 24 * kHour;  // at least every window
    auto act = rollgate::next_action(plan, state, pass, now);
    ASSERT_EQ(act.kind, rollgate::action_kind::advance);
    EXPECT_EQ(act.percent, want);
    EXPECT_EQ(json::parse(act.state_json).at("stageStartMs"), now);
    state = act.state_json;
  }
  now += 24 * kHour;
  auto done = rollgate::next_action(plan, state, pass, now);
  EXPECT_EQ(done.kind, rollgate::action_kind::complete);
  const json st = json::parse(done.state_json);
  EXPECT_EQ(st.at("status"), "completed");
  ASSERT_EQ(st.at("history").size(), 4u);
  EXPECT_EQ(st.at("history")[0].at("action"), "advance");
  EXPECT_EQ(st.at("history")[3].at("action"), "complete");
  // Completed stays completed.
  EXPECT_EQ(rollgate::next_action(plan, done.state_json, "null", now + 1).kind,
            rollgate::action_kind::hold);
}

TEST(StateMachine, RollbackIsStickyUntilANewRollout) {
  const std::string plan = rollgate::default_plan(rollgate::risk::low);
  const std::string state = rollgate::initial_state(0);
  auto rb = rollgate::next_action(
      plan, state, R"({"decision":"ROLLBACK","criticalFailures":["errorRate"]})", 10);
  ASSERT_EQ(rb.kind, rollgate::action_kind::rollback);
  EXPECT_EQ(rb.percent, 0);
  EXPECT_NE(rb.reasons.front().find("errorRate"), std::string::npos);
  auto again = rollgate::next_action(plan, rb.state_json, R"({"decision":"PASS"})", 100 * kHour);
  EXPECT_EQ(again.kind, rollgate::action_kind::hold);
  EXPECT_EQ(again.percent, 0);
  EXPECT_EQ(again.status, "rolledBack");
}

TEST(StateMachine, JudgeOutputFeedsNextAction) {
  // A real analysis (not a hand-written one): a critical gate failing rolls back at once.
  const std::string cfg = R"({"metrics":[{"name":"errorRate","kind":"rate","critical":true,
    "compare":false,"gates":[{"stat":"rate","max":0.001}]}]})";
  const auto a = rollgate::judge(cfg, R"({"metrics":{}})",
                                 R"({"metrics":{"errorRate":{"events":40,"total":5000}}})");
  ASSERT_EQ(a.verdict, rollgate::decision::rollback);
  const auto act = rollgate::next_action(rollgate::default_plan(rollgate::risk::medium),
                                         rollgate::initial_state(0), rollgate::to_json(a), 1);
  EXPECT_EQ(act.kind, rollgate::action_kind::rollback);
}

TEST(StateMachine, BadStateAndAnalysisAreErrorsWithPointers) {
  const std::string plan = rollgate::default_plan(rollgate::risk::medium);
  try {
    rollgate::next_action(plan, R"({"stage":9,"stageStartMs":-1,"status":"flying"})", "null", 0);
    FAIL();
  } catch (const rollgate::error& e) {
    ASSERT_EQ(e.problems().size(), 3u);
    EXPECT_EQ(e.problems()[0].to_string(),
              "[rollgate.plan.610] /stage: stage 9 is out of range (the plan has 4 stages)");
    EXPECT_EQ(e.problems()[1].pointer, "/stageStartMs");
    EXPECT_EQ(e.problems()[2].pointer, "/status");
  }
  try {
    rollgate::next_action(plan, rollgate::initial_state(0), R"({"decision":"MAYBE"})", 0);
    FAIL();
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(
        e.what(),
        "[rollgate.plan.611] /decision: unknown decision 'MAYBE' (use PASS, HOLD or ROLLBACK)");
  }
  EXPECT_THROW(rollgate::next_action(plan, "{", "null", 0), rollgate::error);
  EXPECT_THROW(rollgate::next_action(plan, rollgate::initial_state(0), "[1]", 0), rollgate::error);
  EXPECT_THROW(rollgate::stage_canary_config(plan, 4), rollgate::error);
}

TEST(PlanValidation, HostileInputsNeverCrash) {
  for (const char* text :
       {"", "null", "[]", "{\"stages\":{}}", "{\"stages\":[1,2]}",
        "{\"stages\":[{\"percent\":\"1\",\"minDurationMs\":1.5}]}",
        "{\"stages\":[{\"percent\":1e400,\"minDurationMs\":0}]}",
        "{\"canary\":[],\"stages\":[{\"percent\":100,\"minDurationMs\":0,\"gates\":[\"x\"]}]}"}) {
    SCOPED_TRACE(text);
    EXPECT_THROW(rollgate::validate_plan(text), rollgate::error);
  }
  const std::string deep = "{\"stages\":" + std::string(5000, '[') + std::string(5000, ']') + "}";
  EXPECT_THROW(rollgate::validate_plan(deep), rollgate::error);
}

}  // namespace
