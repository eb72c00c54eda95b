// Runs the shared vectors tests/vectors/flags.json (also run by the WASM package's tests).
// Why the file exists: bucketing-dependent expectations there were computed by
// tests/vectors/gen/gen_flags.py from an independent XXH3 (python3-xxhash), not by rollgate;
// targeting-only cases are hand-derived. Regenerate:
//   /usr/bin/python3 tests/vectors/gen/gen_flags.py > tests/vectors/flags.json
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rollgate/flags.hpp"
#include "test_support.hpp"

namespace {

TEST(FlagsVectors, EveryCaseMatches) {
  const auto vectors = rollgate::test::load_vectors("flags.json");
  ASSERT_EQ(vectors.at("spec_version"), 1);
  const auto& cases = vectors.at("cases");
  ASSERT_GE(cases.size(), 200u);
  std::size_t checked = 0;
  for (const auto& c : cases) {
    const std::string name = c.at("name");
    SCOPED_TRACE(name);
    const auto ev = rollgate::compile(c.at("config").dump());
    const auto ctx = rollgate::context::from_json(ev, c.at("context").dump());
    const auto r = ev.evaluate(std::string_view(c.at("flag").get<std::string>()), ctx,
                               c.at("now").get<std::int64_t>());
    const auto& exp = c.at("expected");
    EXPECT_EQ(rollgate::to_string(r.reason), exp.at("reason").get<std::string>());
    EXPECT_EQ(r.rule_index, exp.at("ruleIndex").get<int>());
    if (exp.at("errorCode").is_null()) {
      EXPECT_EQ(r.error_code, rollgate::error_code::none);
    } else {
      EXPECT_EQ(rollgate::to_string(r.error_code), exp.at("errorCode").get<std::string>());
    }
    if (exp.at("variant").is_null()) {
      EXPECT_EQ(r.variation_index, -1);
      EXPECT_TRUE(r.value.empty());
    } else {
      EXPECT_EQ(r.variant, exp.at("variant").get<std::string>());
      EXPECT_EQ(nlohmann::json::parse(r.value), exp.at("value"));
    }
    ++checked;
  }
  EXPECT_EQ(checked, cases.size());
}

}  // namespace
