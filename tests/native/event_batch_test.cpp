// Metric event batches (events.hpp) against tests/vectors/event_batch.json, whose expected events
// and problems tests/vectors/gen/gen_event_batch.py derives from docs/edge.md ("Events"),
// independently of the C++ code; tests/node/metrics.test.mjs runs the same file through the
// package.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rollgate/error.hpp"
#include "rollgate/events.hpp"
#include "test_support.hpp"

namespace {

using nlohmann::json;

TEST(EventBatchVectors, EveryBodyReadsAsTheContractSays) {
  const json v = rollgate::test::load_vectors("event_batch.json");
  ASSERT_GE(v.at("cases").size(), 25u);
  EXPECT_EQ(v.at("limits").at("maxEvents").get<std::size_t>(),
            rollgate::event_batch_limits::kMaxEvents);
  EXPECT_EQ(v.at("limits").at("maxUnitBytes").get<std::size_t>(),
            rollgate::event_batch_limits::kMaxUnitBytes);
  EXPECT_EQ(v.at("limits").at("maxProblems").get<std::size_t>(),
            rollgate::event_batch_limits::kMaxProblems);
  EXPECT_EQ(v.at("limits").at("maxValue").get<double>(), rollgate::event_batch_limits::kMaxValue);
  for (const auto& c : v.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto sender = c.at("sender") == "browser" ? rollgate::event_sender::browser
                                                    : rollgate::event_sender::back_end;
    const auto accepted = c.at("accepted").get<std::vector<std::string>>();
    const json& want = c.at("expected");
    try {
      const auto events =
          rollgate::parse_event_batch(c.at("text").get<std::string>(), sender, accepted);
      ASSERT_TRUE(want.contains("events")) << "no error for " << c.at("text");
      EXPECT_EQ(json::parse(rollgate::to_json(events)), want.at("events"));
    } catch (const rollgate::error& e) {
      if (want.contains("error")) {
        EXPECT_EQ(e.code(), want.at("error").get<std::string>()) << e.what();
        continue;
      }
      ASSERT_TRUE(want.contains("problems")) << e.what();
      json got = json::array();
      for (const auto& p : e.problems()) got.push_back({{"code", p.code}, {"pointer", p.pointer}});
      EXPECT_EQ(got, want.at("problems")) << e.what();
    }
  }
}

TEST(EventBatch, DeepNestingIsRefusedBeforeItIsWalked) {
  const std::string deep = R"({"events":[{"name":"purchase","value":)" + std::string(100000, '[') +
                           std::string(100000, ']') + "}]}";
  try {
    rollgate::parse_event_batch(deep, rollgate::event_sender::browser, {"purchase"});
    FAIL() << "no error";
  } catch (const rollgate::error& e) {
    EXPECT_EQ(e.code(), "rollgate.json.102");
  }
}

TEST(EventBatch, MessagesNameTheAcceptedEvents) {
  try {
    rollgate::parse_event_batch(R"({"events":[{"name":"purchse"}]})",
                                rollgate::event_sender::browser, {"purchase", "signup"});
    FAIL() << "no error";
  } catch (const rollgate::error& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "[rollgate.metrics.022] /events/0/name: \"purchse\" is not an event this edge accepts "
        "(purchase, signup)");
  }
}

}  // namespace
