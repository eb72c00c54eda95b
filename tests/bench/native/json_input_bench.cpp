// Cost of rollgate's input guard (size + depth scan) on top of nlohmann/json's own parse.
// Peer: nlohmann::json::parse alone, on the same text, in the same run.
#include <benchmark/benchmark.h>

#include <string>

#include "detail/json_input.hpp"

namespace {

std::string sample_document(int objects) {
  std::string text = "[";
  for (int i = 0; i < objects; ++i) {
    if (i) text += ',';
    text += R"({"id":)" + std::to_string(i) + R"(,"name":"user-)" + std::to_string(i) +
            R"(","tags":["a","b"],"score":)" + std::to_string(i * 0.25) + "}";
  }
  return text + "]";
}

void BM_NlohmannParse(benchmark::State& state) {
  const std::string text = sample_document(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(nlohmann::json::parse(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_NlohmannParse)->Arg(1000);

void BM_RollgateParseJson(benchmark::State& state) {
  const std::string text = sample_document(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(rollgate::detail::parse_json(text, "bench"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_RollgateParseJson)->Arg(1000);

}  // namespace
