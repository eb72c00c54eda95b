// Runs the shared structural diff vectors (tests/vectors/diff.json) through rollgate::diff_json.
// Why the file exists: the same cases run in the WASM package's Node tests, so the native and
// JavaScript builds are held to one expected output. The expected outputs were derived by hand
// from docs/diff.md (small cases; there is no reference implementation to generate them from).
// If a case goes red, either the implementation broke or the spec changed: fix one, and when the
// spec changed, bump "spec_version" and edit the expected output by hand with the reasoning.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "diff_support.hpp"
#include "rollgate/diff.hpp"
#include "test_support.hpp"

namespace {

using nlohmann::json;

using rollgate::test::difference_json;

TEST(DiffVectors, EveryCaseMatchesItsExpectedDifferences) {
  const json vectors = rollgate::test::load_vectors("diff.json");
  ASSERT_EQ(vectors.at("spec_version"), "1.0.0");
  const json& cases = vectors.at("cases");
  ASSERT_GE(cases.size(), 20u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto options = rollgate::parse_diff_options(c.at("options").dump());
    const auto r = rollgate::diff_json(c.at("old").dump(), c.at("new").dump(), options);
    EXPECT_EQ(difference_json(r), c.at("expected").at("differences"));
    EXPECT_EQ(r.omitted, c.at("expected").at("omitted").get<std::size_t>());
  }
}

TEST(DiffVectors, ResultJsonCarriesTheSameDifferences) {
  // diff_result_to_json is what the CLI prints and the WASM binding returns.
  const json vectors = rollgate::test::load_vectors("diff.json");
  for (const auto& c : vectors.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto r = rollgate::diff_json(c.at("old").dump(), c.at("new").dump(),
                                       rollgate::parse_diff_options(c.at("options").dump()));
    const json printed = json::parse(rollgate::diff_result_to_json(r));
    EXPECT_EQ(printed.at("differences"), c.at("expected").at("differences"));
    EXPECT_EQ(printed.at("omitted"), c.at("expected").at("omitted"));
    EXPECT_EQ(printed.at("equal").get<bool>(),
              c.at("expected").at("differences").empty() && c.at("expected").at("omitted") == 0);
  }
}

}  // namespace
