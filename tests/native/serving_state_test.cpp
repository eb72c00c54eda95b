// The serving state (serving_state.hpp) against tests/vectors/serving_state.json, whose readings
// tests/vectors/gen/gen_serving_state.py derives from docs/edge.md independently of the C++ code.
// tests/node/serving-state.test.mjs runs the same file through the package (the Cloudflare
// worker's check) and tests/fastly/failopen.test.mjs through the Fastly service.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "rollgate/bucket.hpp"
#include "rollgate/serving_state.hpp"
#include "test_support.hpp"

namespace {

using nlohmann::json;

TEST(ServingStateVectors, EveryStateReadsAsTheContractSays) {
  const json v = rollgate::test::load_vectors("serving_state.json");
  ASSERT_GE(v.at("cases").size(), 30u);
  EXPECT_EQ(v.at("scale").get<std::uint32_t>(), rollgate::kScale);
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const json& want = c.at("expected");
    const rollgate::serving_state_result r =
        rollgate::parse_serving_state(c.at("text").get<std::string>());
    if (!want.at("problem").is_null()) {
      EXPECT_EQ(r.problem, want.at("problem").get<std::string>());
      // A refused state leaves nothing half-read behind.
      EXPECT_EQ(r.state.coverage, 0u);
      EXPECT_FALSE(r.state.next.has_value());
      continue;
    }
    ASSERT_EQ(r.problem, "");
    EXPECT_EQ(r.state.coverage, want.at("coverage").get<std::uint32_t>());
    EXPECT_EQ(r.state.window, want.at("window").get<double>());
    EXPECT_EQ(r.state.rollout, want.at("rollout").get<std::string>());
    EXPECT_EQ(r.state.has_canary, want.at("has_canary").get<bool>());
    EXPECT_EQ(r.state.has_shadow, want.at("has_shadow").get<bool>());
    EXPECT_EQ(r.state.has_target, want.at("has_target").get<bool>());
    EXPECT_EQ(r.state.next.has_value(), want.at("has_next").get<bool>());
    EXPECT_EQ(r.state.shadow.has_value(), want.at("shadowed").get<bool>());
    const rollgate::serving_state now =
        rollgate::in_force(r.state, c.at("now_ms").get<std::int64_t>());
    const json& in_force = want.at("in_force");
    EXPECT_EQ(now.coverage, in_force.at("coverage").get<std::uint32_t>());
    EXPECT_EQ(now.window, in_force.at("window").get<double>());
    EXPECT_EQ(now.next.has_value(), in_force.at("has_next").get<bool>());
  }
}

TEST(ServingState, ADarkLaunchKeepsItsSettings) {
  const auto r = rollgate::parse_serving_state(
      R"({"coverage": 1000, "salt": "s", "origins": {"stable": "a", "canary": "b", "shadow": "c"},
          "shadow": {"sampleRate": 0.25, "noiseRate": 0.5, "methods": ["GET", 7, "HEAD"],
                     "diff": {"maxDifferences": 5}, "report": {"maxPaths": 10, "maxExamples": 1.5},
                     "maxBodyBytes": 4096}})");
  ASSERT_EQ(r.problem, "");
  ASSERT_TRUE(r.state.shadow);
  const rollgate::shadow_settings& sh = *r.state.shadow;
  EXPECT_EQ(sh.sample_rate, 0.25);
  EXPECT_EQ(sh.noise_rate, 0.5);
  EXPECT_EQ(sh.methods, (std::vector<std::string>{"GET", "HEAD"}));  // strings only
  EXPECT_EQ(json::parse(sh.diff_options), json::parse(R"({"maxDifferences": 5})"));
  EXPECT_EQ(sh.max_paths, 10u);
  EXPECT_FALSE(sh.limits_are_integers);  // maxExamples 1.5
  EXPECT_EQ(sh.max_body_bytes, 4096);
}

TEST(ServingState, IdleServesEverythingFromStable) {
  const rollgate::serving_state idle = rollgate::idle_serving_state();
  EXPECT_EQ(idle.coverage, 0u);
  EXPECT_FALSE(idle.has_canary);
  EXPECT_FALSE(idle.next);
  EXPECT_FALSE(idle.shadow);
}

}  // namespace
