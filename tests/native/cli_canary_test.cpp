// `rollgate judge` and `rollgate plan` run as a user runs them: real binary, real files, exit
// codes and stderr. The inputs are the committed examples (examples/canary, examples/plans) and
// small files written here.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "rollgate/rollout.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;
using rollgate::test::run_cli;
using rollgate::test::source_path;

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/rollgate_cli_canary_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(CliJudge, ExampleCanaryPasses) {
  const auto r = run_cli("judge --config '" + source_path("examples/canary/config.json") +
                         "' --baseline '" + source_path("examples/canary/baseline.json") +
                         "' --canary '" + source_path("examples/canary/canary.json") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json a = json::parse(r.out);
  EXPECT_EQ(a.at("decision"), "PASS");
  EXPECT_EQ(a.at("metrics").size(), 4u);
  EXPECT_TRUE(r.err.empty());
}

TEST(CliJudge, CsvSamplesWithGapsAndARegression) {
  std::string base = "latency,cpu\n", can = "latency,cpu\n";
  for (int i = 0; i < 200; ++i) {
    base += std::to_string(100 + i % 20) + "," + (i < 50 ? std::to_string(40 + i % 5) : "") + "\n";
    can += std::to_string(150 + i % 20) + "," + (i < 50 ? std::to_string(40 + i % 5) : "") + "\n";
  }
  can += "NaN,\n";
  const std::string cfg = R"({"metrics":[{"name":"latency","direction":"increase","critical":true,
    "allowedChange":{"relative":0.1},"nanStrategy":"remove"},{"name":"cpu","direction":"increase"}]})";
  const auto r = run_cli("judge --config " + write_temp("c.json", cfg) + " --baseline " +
                         write_temp("b.csv", base) + " --canary " + write_temp("k.csv", can));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json a = json::parse(r.out);
  EXPECT_EQ(a.at("decision"), "ROLLBACK");
  EXPECT_EQ(a.at("criticalFailures"), json::array({"latency"}));
  EXPECT_EQ(a.at("metrics")[0].at("canaryCount"), 200);  // the NaN row was removed
  EXPECT_EQ(a.at("metrics")[1].at("canaryCount"), 50);   // empty cells are no sample
}

TEST(CliJudge, BadInputsExitTwoWithIds) {
  const std::string cfg = write_temp("bad.json", R"({"metrics":[{"name":"x","kind":"size"}]})");
  auto r = run_cli("judge --config " + cfg + " --baseline " + cfg + " --canary " + cfg);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "rollgate judge: [rollgate.canary.504] /metrics/0/kind: unknown kind 'size' (use "
            "continuous or rate)\n");
  const std::string ok_cfg = write_temp("ok.json", R"({"metrics":[{"name":"x"}]})");
  r = run_cli("judge --config " + ok_cfg + " --baseline " + write_temp("b2.csv", "x\n1\nabc\n") +
              " --canary " + write_temp("c2.csv", "x,y\n1\n"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(
      r.err.find("[rollgate.canary.513] /baseline: CSV line 3, column 'x': 'abc' is not a number"),
      std::string::npos)
      << r.err;
  r = run_cli("judge --config /nonexistent --baseline x --canary y");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("rollgate.cli.902"), std::string::npos);
  r = run_cli("judge --config a");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("rollgate.cli.901"), std::string::npos);
  r = run_cli("judge --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("usage: rollgate judge", 0), 0u);
}

TEST(CliPlan, PrintDefaultMatchesTheLibraryAndTheExamples) {
  for (const char* risk : {"low", "medium", "high"}) {
    SCOPED_TRACE(risk);
    const auto r = run_cli(std::string("plan --print-default --risk ") + risk);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out),
              json::parse(rollgate::default_plan(rollgate::parse_risk(risk)).to_json()));
    EXPECT_EQ(json::parse(r.out), json::parse(rollgate::test::read_text(source_path(
                                      std::string("examples/plans/") + risk + ".json"))));
  }
  EXPECT_EQ(json::parse(run_cli("plan --print-default").out),
            json::parse(rollgate::test::read_text(source_path("examples/plans/default.json"))));
}

TEST(CliPlan, OneStepAdvancesWithAPassingAnalysis) {
  const std::string state = write_temp("s.json", rollgate::initial_state(1000).to_json());
  const std::string analysis = write_temp("a.json", R"({"decision":"PASS","criticalFailures":[]})");
  auto r = run_cli("plan --risk medium --state " + state + " --analysis " + analysis + " --now " +
                   std::to_string(1000 + 15 * 60000));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json act = json::parse(r.out);
  EXPECT_EQ(act.at("action"), "advance");
  EXPECT_EQ(act.at("percent"), 10);
  r = run_cli("plan --risk medium --state " + state + " --analysis " + analysis + " --now 2000");
  act = json::parse(r.out);
  EXPECT_EQ(act.at("action"), "hold");
  EXPECT_EQ(act.at("percent"), 1);
  // --init then a step with no analysis holds.
  r = run_cli("plan --init --now 5");
  EXPECT_EQ(json::parse(r.out).at("stageStartMs"), 5);
}

TEST(CliPlan, InvalidPlanListsEveryProblem) {
  const std::string plan = write_temp(
      "p.json",
      R"({"stages":[{"percent":50,"minDurationMs":0},{"percent":20,"minDurationMs":-5}]})");
  auto r = run_cli("plan --validate " + plan);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err,
      "rollgate plan: [rollgate.plan.604] /stages/1/percent: percentages must increase: 20 "
      "follows 50\n"
      "rollgate plan: [rollgate.plan.606] /stages/1/minDurationMs: must be a non-negative "
      "integer number of milliseconds\n"
      "rollgate plan: [rollgate.plan.605] /stages/1/percent: the last stage must send 100% of "
      "traffic\n");
  r = run_cli("plan --risk extreme");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("rollgate.plan.612"), std::string::npos);
  r = run_cli("plan --now soon");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("rollgate.cli.901"), std::string::npos);
  EXPECT_EQ(run_cli("plan --help").exit_code, 0);
}

}  // namespace
