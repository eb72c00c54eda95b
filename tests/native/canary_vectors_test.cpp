// Shared canary vectors (tests/vectors/canary.json), also run by the WASM tests.
//
// Why the file exists: its expected decisions follow the documented rules (docs/canary.md) and its
// p-values and estimates come from scipy/numpy, computed by tests/vectors/gen/gen_canary.py
// independently of our C++ (regenerate: /usr/bin/python3 tests/vectors/gen/gen_canary.py). It goes
// red when a test, an interval rule, the scoring or the decision drifts from that contract.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "rollgate/canary.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;

void expect_close(double got, double want, double rel, const char* what) {
  EXPECT_NEAR(got, want, rel * std::max(1e-300, std::fabs(want)) + 1e-15) << what;
}

TEST(CanaryVectors, EveryCaseMatchesScipyAndTheDocumentedRules) {
  const json v = rollgate::test::load_vectors("canary.json");
  ASSERT_EQ(v.at("spec_version"), 1);
  const double tol_p = v.at("tolerance").at("pValue").get<double>();
  const double tol_e = v.at("tolerance").at("estimate").get<double>();
  ASSERT_GE(v.at("cases").size(), 15u);
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto a =
        rollgate::judge(c.at("config").dump(), c.at("baseline").dump(), c.at("canary").dump());
    const json& e = c.at("expect");
    EXPECT_EQ(rollgate::to_string(a.verdict), e.at("decision").get<std::string>());
    if (e.at("score").is_null()) {
      EXPECT_TRUE(std::isnan(a.score));
    } else {
      expect_close(a.score, e.at("score").get<double>(), 1e-9, "score");
    }
    for (const auto& m : a.metrics) {
      SCOPED_TRACE(m.name);
      const json& want = e.at("metrics").at(m.name);
      EXPECT_EQ(rollgate::to_string(m.outcome), want.at("classification").get<std::string>())
          << m.reasons.front();
      if (want.contains("test")) {
        EXPECT_EQ(m.test, want.at("test").get<std::string>());
      }
      if (want.contains("pValue")) expect_close(m.p_value, want.at("pValue"), tol_p, "pValue");
      if (want.contains("estimate")) {
        const double got = std::isnan(m.estimate) ? m.checks.at(0).estimate : m.estimate;
        expect_close(got, want.at("estimate"), tol_e, "estimate");
      }
    }
  }
}

}  // namespace
