// Server-Timing parsing (server_timing.hpp) against tests/vectors/server_timing.json, written by
// tests/vectors/gen/gen_server_timing.py from its own reading of the W3C syntax and docs/edge.md;
// the WASM tests read the same file. Goes red when the parser drifts from those rules.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "rollgate/error.hpp"
#include "rollgate/server_timing.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;

rollgate::server_timing_options options_of(const json& o) {
  rollgate::server_timing_options out;
  for (const auto& n : o.at("names")) out.names.push_back(n.get<std::string>());
  out.max_names = o.at("maxNames").get<std::size_t>();
  out.max_length = o.at("maxLength").get<std::size_t>();
  return out;
}

TEST(ServerTiming, EveryVectorMatches) {
  const json v = rollgate::test::load_vectors("server_timing.json");
  ASSERT_EQ(v.at("spec_version"), 1);
  ASSERT_GE(v.at("cases").size(), 25u);
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto o = options_of(c.at("options"));
    rollgate::validate_server_timing_options(o);
    const auto t = rollgate::parse_server_timing(c.at("header").get<std::string>(), o);
    const json got = json::parse(rollgate::to_json(t));
    EXPECT_EQ(got, c.at("expect")) << got.dump();
  }
}

TEST(ServerTiming, OptionsAreCheckedWithPointers) {
  rollgate::server_timing_options o;
  o.names = {"cpu", "c@u", "cpu"};
  o.max_names = 2;
  try {
    rollgate::validate_server_timing_options(o);
    FAIL() << "accepted bad options";
  } catch (const rollgate::error& e) {
    ASSERT_EQ(e.problems().size(), 3u);
    EXPECT_EQ(e.problems()[0].code, "rollgate.metrics.001");
    EXPECT_EQ(e.problems()[0].pointer, "/names");
    EXPECT_EQ(e.problems()[1].pointer, "/names/1");
    EXPECT_EQ(e.problems()[2].pointer, "/names/2");
  }
  o = {};
  o.max_names = 0;
  EXPECT_THROW(rollgate::validate_server_timing_options(o), rollgate::error);
  o.max_names = rollgate::server_timing_options::kMaxNamesLimit + 1;
  EXPECT_THROW(rollgate::validate_server_timing_options(o), rollgate::error);
  o = {};
  EXPECT_NO_THROW(rollgate::validate_server_timing_options(o));
}

TEST(ServerTiming, HostileHeadersAreBoundedAndNeverFatal) {
  // 4 KB of commas, quotes and semicolons: parsed in one pass, counted, never thrown.
  std::string h;
  for (int i = 0; i < 1000; ++i) h += i % 3 ? "a;dur=1," : "\";,";
  const auto t = rollgate::parse_server_timing(h);
  EXPECT_LE(t.entries.size(), 8u);
  EXPECT_GT(t.malformed + t.ignored + t.metrics, 0u);
  const auto big = rollgate::parse_server_timing(std::string(5000, 'x'));
  EXPECT_EQ(big.malformed, 1u);
  EXPECT_TRUE(big.entries.empty());
}

}  // namespace
