// `rollgate validate` and `rollgate eval` through the real binary (run_cli).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace {

using rollgate::test::run_cli;
using rollgate::test::source_path;

const std::string kConfig = "'" + source_path("examples/configs/storefront.json") + "'";

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/rollgate_cli_flags_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(CliFlags, ValidatePrintsOkForTheExample) {
  const auto r = run_cli("validate " + kConfig);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliFlags, ValidateListsEveryProblemAndExits1) {
  const std::string path = temp_file("bad.json", R"({"flags": [{"key": "a", "variations": [],
      "defaultVariation": "x", "colour": 1}]})");
  const auto r = run_cli("validate '" + path + "'");
  std::remove(path.c_str());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "[rollgate.config.202] /flags/0/colour: unknown member 'colour'\n"
            "[rollgate.config.210] /flags/0/variations: a flag needs at least one variation\n");
}

TEST(CliFlags, ValidateReadsStdinAndReportsSyntaxErrors) {
  const auto r = run_cli("validate -", "{\"flags\": [");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.substr(0, 40), "[rollgate.json.101] config is not valid ");
}

TEST(CliFlags, ValidateUsageAndIoErrorsExit2) {
  EXPECT_EQ(run_cli("validate").exit_code, 2);
  EXPECT_EQ(run_cli("validate a b").exit_code, 2);
  const auto r = run_cli("validate /nonexistent/config.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "rollgate validate: [rollgate.cli.902] cannot read file '/nonexistent/config.json'\n");
  const auto h = run_cli("validate --help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_EQ(h.out.rfind("usage: rollgate validate FILE\n", 0), 0u);
}

TEST(CliFlags, EvalOneFlagPrintsOneJsonLine) {
  const auto r = run_cli(
      "eval --config " + kConfig +
      R"( --flag checkout-redesign --context '{"targetingKey":"u","email":"a@shop.example"}' --now 0)");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      r.out,
      R"({"flag":"checkout-redesign","value":true,"variant":"on","variationIndex":0,"reason":"TARGETING_MATCH","ruleIndex":0})"
      "\n");
}

TEST(CliFlags, EvalNowPinsTheRamp) {
  // Before the first ramp step nobody is in: DEFAULT (off); at 100% everyone is: SPLIT (on).
  const std::string base =
      "eval --config " + kConfig + R"( --flag checkout-redesign --context '{"targetingKey":"u7"}')";
  const auto before = nlohmann::json::parse(run_cli(base + " --now 2026-11-26T08:59:59Z").out);
  EXPECT_EQ(before["reason"], "DEFAULT");
  EXPECT_EQ(before["value"], false);
  const auto after = nlohmann::json::parse(run_cli(base + " --now 2026-11-30T09:00:00Z").out);
  EXPECT_EQ(after["reason"], "SPLIT");
  EXPECT_EQ(after["value"], true);
  EXPECT_EQ(nlohmann::json::parse(run_cli(base + " --now 1795683599999").out)["reason"], "DEFAULT");
}

TEST(CliFlags, EvalAllWithContextFile) {
  const auto r = run_cli("eval --config " + kConfig + " --all --now 0 --context @'" +
                         source_path("examples/contexts/staff.json") + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  ASSERT_TRUE(out.is_object());
  EXPECT_EQ(out.size(), 7u);
  EXPECT_EQ(out.begin().key(), "checkout-redesign");  // configuration order
  EXPECT_EQ(out["recommendations-v2"]["reason"], "DISABLED");
  EXPECT_EQ(out["free-shipping-banner"]["reason"], "STATIC");
  EXPECT_EQ(out["holiday-theme"]["variant"], "winter");
  EXPECT_EQ(out["holiday-theme"]["ruleIndex"], 0);
}

TEST(CliFlags, EvalUnknownFlagExits1WithErrorCode) {
  const auto r = run_cli("eval --config " + kConfig + " --flag nope --now 0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["errorCode"], "FLAG_NOT_FOUND");
}

TEST(CliFlags, EvalErrors) {
  const auto bad_context = run_cli("eval --config " + kConfig +
                                   " --flag express-pay --context '{\"targetingKey\": [1]}'");
  EXPECT_EQ(bad_context.exit_code, 2);
  EXPECT_EQ(bad_context.err,
            "rollgate eval: [rollgate.config.250] /targetingKey/0: list attributes hold strings "
            "only, got number\n");
  EXPECT_EQ(run_cli("eval --config " + kConfig + " --flag a --now soon").exit_code, 2);
  EXPECT_EQ(run_cli("eval --config " + kConfig).exit_code, 2);
  EXPECT_EQ(run_cli("eval --config " + kConfig + " --flag a --all").exit_code, 2);
  EXPECT_EQ(run_cli("eval --flag a").exit_code, 2);
  EXPECT_EQ(run_cli("eval --config " + kConfig + " --flag a --bogus").exit_code, 2);
  const std::string path = temp_file("invalid.json", R"({"flags": 1})");
  const auto invalid = run_cli("eval --config '" + path + "' --all");
  std::remove(path.c_str());
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_EQ(invalid.err,
            "rollgate eval: [rollgate.config.201] /flags: expected an array, got number\n");
  const auto h = run_cli("eval --help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--context JSON"), std::string::npos);
}

}  // namespace
