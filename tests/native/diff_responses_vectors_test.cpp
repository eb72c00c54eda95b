// Runs the shared response-document vectors (tests/vectors/diff_responses.json) through
// rollgate::diff_responses. The same cases run in the WASM package's Node tests
// (tests/node/diff.test.mjs), so the native and JavaScript builds are held to one expected output
// of what a dark launch compares: status, content type, lower-cased and joined headers, JSON
// bodies structurally and other bodies by length and XXH3-64. How the expected values were made:
// tests/vectors/gen/gen_diff_responses.mjs.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "diff_support.hpp"
#include "rollgate/diff.hpp"
#include "test_support.hpp"

namespace {

using nlohmann::json;

rollgate::response response_of(const json& j) {
  rollgate::response r;
  r.status = j.at("status").get<int>();
  for (const auto& h : j.at("headers")) {
    r.headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
  }
  r.body = j.at("body").get<std::string>();
  if (j.contains("contentType")) r.content_type = j.at("contentType").get<std::string>();
  return r;
}

using rollgate::test::difference_json;

TEST(DiffResponsesVectors, EveryCaseMatchesItsExpectedDifferences) {
  const json vectors = rollgate::test::load_vectors("diff_responses.json");
  ASSERT_EQ(vectors.at("spec_version"), "1.0.0");
  const json& cases = vectors.at("cases");
  ASSERT_GE(cases.size(), 15u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto options = rollgate::parse_diff_options(c.at("options").dump());
    const auto r =
        rollgate::diff_responses(response_of(c.at("old")), response_of(c.at("new")), options);
    EXPECT_EQ(difference_json(r), c.at("expected").at("differences"));
    EXPECT_EQ(r.omitted, c.at("expected").at("omitted").get<std::size_t>());
  }
}

TEST(DiffResponsesVectors, TheNoThrowFormGivesTheSameDifferences) {
  const json vectors = rollgate::test::load_vectors("diff_responses.json");
  for (const auto& c : vectors.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    rollgate::diff_options options;
    ASSERT_TRUE(rollgate::try_parse_diff_options(c.at("options").dump(), options).empty());
    rollgate::diff_result r;
    EXPECT_TRUE(
        rollgate::try_diff_responses(response_of(c.at("old")), response_of(c.at("new")), options, r)
            .empty());
    EXPECT_EQ(difference_json(r), c.at("expected").at("differences"));
  }
}

}  // namespace
