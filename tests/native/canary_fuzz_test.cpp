// The canary judge against mutated inputs: every mutation of the shipped example (config,
// baseline or canary; hostile values at random depths) gives an analysis or a rollgate::error
// with problems, never a crash or another exception. Split from canary_test.cpp.
#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <vector>

#include <nlohmann/json.hpp>

#include "rollgate/canary.hpp"
#include "rollgate/error.hpp"
#include "test_support.hpp"

namespace {

using json = nlohmann::json;

/// Replaces one random node of `j` with a random hostile value.
void mutate(json& j, std::mt19937_64& g) {
  json* node = &j;
  for (int depth = 0; depth < 6; ++depth) {
    if (node->is_object() && !node->empty() && g() % 3 != 0) {
      auto it = node->begin();
      std::advance(it, static_cast<long>(g() % node->size()));
      node = &it.value();
    } else if (node->is_array() && !node->empty() && g() % 3 != 0) {
      node = &(*node)[g() % node->size()];
    } else {
      break;
    }
  }
  const json hostile[] = {nullptr,
                          -1,
                          0,
                          1e300,
                          -1e300,
                          "NaN",
                          "x",
                          json::array(),
                          json::object(),
                          true,
                          0.5,
                          9007199254740993.0,
                          json::array({json::array({1})}),
                          json{{"events", 3}, {"total", 2}},
                          json{{"type", "rollgate.ddsketch"}}};
  *node = hostile[g() % (sizeof hostile / sizeof hostile[0])];
}

TEST(CanaryFuzz, MutatedExamplesGiveAnAnalysisOrARollgateError) {
  const json cfg = json::parse(
      rollgate::test::read_text(rollgate::test::source_path("examples/canary/config.json")));
  json base = json::parse(
      rollgate::test::read_text(rollgate::test::source_path("examples/canary/baseline.json")));
  json can = json::parse(
      rollgate::test::read_text(rollgate::test::source_path("examples/canary/canary.json")));
  // Shrink the samples so that 300 judgements take well under a second.
  for (json* d : {&base, &can}) {
    for (const char* k : {"latency", "cpu"}) {
      const auto v = (*d)["metrics"][k].get<std::vector<double>>();
      (*d)["metrics"][k] = std::vector<double>(v.begin(), v.begin() + 40);
    }
  }
  std::mt19937_64 g(2026);
  int analyses = 0, errors = 0;
  for (int i = 0; i < 300; ++i) {
    json c = cfg, b = base, k = can;
    json* target = i % 3 == 0 ? &c : i % 3 == 1 ? &b : &k;
    mutate(*target, g);
    if (g() % 2) mutate(*target, g);
    try {
      const auto a = rollgate::judge(c.dump(), b.dump(), k.dump());
      EXPECT_FALSE(a.reasons.empty());
      EXPECT_TRUE(json::parse(rollgate::to_json(a)).is_object());
      ++analyses;
    } catch (const rollgate::error& e) {
      EXPECT_FALSE(e.problems().empty());
      ++errors;
    }
  }
  EXPECT_GT(analyses, 10);
  EXPECT_GT(errors, 10);
}

}  // namespace
