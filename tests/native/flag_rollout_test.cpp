// Guarded flag rollouts (flag_rollout.hpp): the served configuration a coordinator derives from
// the stored one and the coverage in force. tests/vectors/flag_rollout.json states, for each
// target and coverage, the serve the result must hold (written from docs/flag-delivery.md by
// tests/vectors/gen/gen_flag_rollout.py); tests/node/flag-rollout.test.mjs runs the same file
// through the package.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "rollgate/error.hpp"
#include "rollgate/flag_rollout.hpp"
#include "rollgate/flags.hpp"
#include "test_support.hpp"

namespace {

using nlohmann::json;

double percent_of(const json& v) {
  return v.is_string() && v == "NaN" ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
}

std::optional<rollgate::coverage_step> pending_of(const json& v) {
  if (v.is_null()) return std::nullopt;
  return rollgate::coverage_step{v.at("atMs").get<std::int64_t>(), v.at("percent").get<double>()};
}

/// `doc` with the member at `path` (keys and indices) replaced by `value`.
json replaced(json doc, const json& path, const json& value) {
  json* at = &doc;
  for (const auto& step : path)
    at = step.is_string() ? &(*at)[step.get<std::string>()] : &(*at)[step.get<std::size_t>()];
  *at = value;
  return doc;
}

TEST(FlagRolloutVectors, ServedConfigurationsMatchTheContract) {
  const json v = rollgate::test::load_vectors("flag_rollout.json");
  const std::string base = v.at("targetPointer");
  ASSERT_GE(v.at("cases").size(), 10u);
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const json config = c.contains("config") ? c.at("config") : v.at("config");
    const json& want = c.at("expected");
    try {
      const auto target = rollgate::parse_flag_target(c.at("target").dump(), base);
      const std::string out = rollgate::with_flag_rollout(
          config.dump(), target, percent_of(c.at("percent")), pending_of(c.at("pending")), base);
      ASSERT_FALSE(want.contains("error")) << "expected " << want.at("error") << ", got " << out;
      // The targeted serve is the contract's, and nothing else changed.
      EXPECT_EQ(json::parse(out), replaced(config, want.at("path"), want.at("serve")));
      // What is served compiles.
      EXPECT_NO_THROW(rollgate::compile(out));
    } catch (const rollgate::error& e) {
      ASSERT_TRUE(want.contains("error")) << e.what();
      EXPECT_EQ(e.code(), want.at("error").get<std::string>()) << e.what();
      EXPECT_EQ(e.pointer(), want.at("pointer").get<std::string>()) << e.what();
    }
  }
}

TEST(FlagRollout, ServesTheCoverageToUnitsAsTheCompiledConfigurationDoes) {
  // At 25% coverage about a quarter of the units who match no rule get the new variation, and the
  // set only grows when coverage does (sticky and monotonic: one salt, one unit hash).
  const json v = rollgate::test::load_vectors("flag_rollout.json");
  const auto target = rollgate::parse_flag_target(R"({"flag":"new-checkout","variation":"on"})");
  const auto at25 = rollgate::compile(
      rollgate::with_flag_rollout(v.at("config").dump(), target, 25, std::nullopt));
  const auto at50 = rollgate::compile(
      rollgate::with_flag_rollout(v.at("config").dump(), target, 50, std::nullopt));
  rollgate::context c25(at25), c50(at50);
  int on25 = 0, kept = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string unit = "user-" + std::to_string(i);
    c25.clear();
    c50.clear();
    c25.set(at25.attribute("targetingKey"), unit);
    c50.set(at50.attribute("targetingKey"), unit);
    const bool in25 = at25.evaluate("new-checkout", c25, 0).variant == "on";
    const bool in50 = at50.evaluate("new-checkout", c50, 0).variant == "on";
    on25 += in25;
    kept += in25 && in50;
  }
  EXPECT_NEAR(on25 / 20000.0, 0.25, 0.015);
  EXPECT_EQ(kept, on25);
}

TEST(FlagRollout, TargetRoundTripsThroughJson) {
  const auto t = rollgate::parse_flag_target(R"({"flag":"f","variation":"v","rule":"r"})");
  EXPECT_EQ(rollgate::parse_flag_target(t.to_json()).to_json(), t.to_json());
  EXPECT_EQ(t.to_json(), R"({"flag":"f","variation":"v","rule":"r"})");
}

TEST(FlagRollout, MalformedConfigurationIsAJsonError) {
  const auto t = rollgate::parse_flag_target(R"({"flag":"f","variation":"v"})");
  try {
    rollgate::with_flag_rollout("{\"flags\": [", t, 1, std::nullopt);
    FAIL() << "no error";
  } catch (const rollgate::error& e) {
    EXPECT_EQ(e.code(), "rollgate.json.101");
  }
}

}  // namespace
