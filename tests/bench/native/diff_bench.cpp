// Structural diff of two ~100 KB JSON documents with 1% of their leaf fields changed, with and
// without parsing. Peer: nlohmann/json parsing both documents (what any JSON diff must do first),
// in the same run. Target: diff with parse <= 3x the peer.
// Run: build/<dir>/tests/bench/native/rollgate_bench --benchmark_filter='Diff|NlohmannParseBoth'
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "detail/diff_walk.hpp"
#include "detail/json_input.hpp"
#include "rollgate/diff.hpp"

namespace {

using nlohmann::json;

constexpr int kRecords = 420;  // ~100 KB of JSON
constexpr int kLeavesPerRecord = 12;

// The old and new documents; every 100th leaf (1%) differs in the new one.
std::pair<std::string, std::string> documents() {
  json a = json::array(), b = json::array();
  int leaf = 0;
  auto change = [&leaf]() { return (leaf++ % 100) == 37; };
  for (int i = 0; i < kRecords; ++i) {
    json r = {{"id", i},
              {"name", "user number " + std::to_string(i)},
              {"email", "user" + std::to_string(i) + "@example.com"},
              {"score", i * 0.75},
              {"active", i % 3 == 0},
              {"tags", {"alpha", "beta", "gamma"}},
              {"address",
               {{"street", std::to_string(i) + " Main Street"},
                {"city", "Springfield"},
                {"zip", "12345"}}},
              {"created", "2026-11-26T06:00:00Z"}};
    json s = r;
    if (change()) s["id"] = i + 100000;
    if (change()) s["name"] = "renamed";
    if (change()) s["email"] = "changed@example.com";
    if (change()) s["score"] = i * 0.75 + 1;
    if (change()) s["active"] = !r["active"].get<bool>();
    for (int t = 0; t < 3; ++t) {
      if (change()) s["tags"][static_cast<std::size_t>(t)] = "delta";
    }
    if (change()) s["address"]["street"] = "1 Other Road";
    if (change()) s["address"]["city"] = "Shelbyville";
    if (change()) s["address"]["zip"] = "99999";
    if (change()) s["created"] = "2026-11-27T06:00:00Z";
    a.push_back(std::move(r));
    b.push_back(std::move(s));
  }
  static_assert(kLeavesPerRecord == 12, "the record above has 12 leaves");
  return {a.dump(), b.dump()};
}

const std::pair<std::string, std::string>& docs() {
  static const auto d = documents();
  return d;
}

void set_bytes(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(docs().first.size() + docs().second.size()));
}

void BM_NlohmannParseBoth(benchmark::State& state) {
  const auto& [a, b] = docs();
  for (auto _ : state) {
    benchmark::DoNotOptimize(json::parse(a));
    benchmark::DoNotOptimize(json::parse(b));
  }
  set_bytes(state);
}
BENCHMARK(BM_NlohmannParseBoth)->Unit(benchmark::kMicrosecond);

void BM_DiffJsonParseIncluded(benchmark::State& state) {
  const auto& [a, b] = docs();
  std::size_t found = 0;
  for (auto _ : state) {
    const auto r = rollgate::diff_json(a, b);
    found = r.total();
    benchmark::DoNotOptimize(found);
  }
  state.counters["differences"] = static_cast<double>(found);
  set_bytes(state);
}
BENCHMARK(BM_DiffJsonParseIncluded)->Unit(benchmark::kMicrosecond);

void BM_DiffWalkParseExcluded(benchmark::State& state) {
  const json a = rollgate::detail::parse_json(docs().first, "old");
  const json b = rollgate::detail::parse_json(docs().second, "new");
  const rollgate::diff_options options;
  for (auto _ : state)
    benchmark::DoNotOptimize(rollgate::detail::diff_values(a, b, options).total());
  set_bytes(state);
}
BENCHMARK(BM_DiffWalkParseExcluded)->Unit(benchmark::kMicrosecond);

void BM_DiffWalkWithRules(benchmark::State& state) {
  // The same walk with four path rules to match at every node (the typical options file).
  const json a = rollgate::detail::parse_json(docs().first, "old");
  const json b = rollgate::detail::parse_json(docs().second, "new");
  const auto options = rollgate::parse_diff_options(R"({"paths":[
      {"path":"/*/created","ignore":true}, {"path":"/*/score","absoluteTolerance":0.01},
      {"path":"/*/tags","arrays":"set"}, {"path":"/**/city","caseInsensitive":true}]})");
  for (auto _ : state)
    benchmark::DoNotOptimize(rollgate::detail::diff_values(a, b, options).total());
  set_bytes(state);
}
BENCHMARK(BM_DiffWalkWithRules)->Unit(benchmark::kMicrosecond);

}  // namespace
