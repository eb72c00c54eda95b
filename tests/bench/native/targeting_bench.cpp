// Cost of the issue 18 operators through the evaluator (compile once, evaluate many): a `matches`
// rule against attribute length, with a pathological pattern and an ordinary one, beside an
// `equals` rule as the floor. The engine alone is in regex_bench.cpp.
// Run: build/native/tests/bench/native/rollgate_bench --benchmark_filter='FlagMatches|FlagEquals'
#include <benchmark/benchmark.h>

#include <string>  // std::string

#include "rollgate/flags.hpp"

namespace {

rollgate::evaluator one_rule(const std::string& condition) {
  return rollgate::compile(
      R"({"flags": [{"key": "f", "variations": [{"key": "on", "value": true},)"
      R"({"key": "off", "value": false}], "defaultVariation": "off", "rules": [{"conditions": [)" +
      condition + R"(], "serve": {"variation": "on"}}]}]})");
}

void run(benchmark::State& state, const std::string& condition, const std::string& input) {
  const auto ev = one_rule(condition);
  rollgate::context ctx(ev);
  ctx.set(ev.attribute("s"), input);
  const std::size_t index = *ev.flag_index("f");
  ev.evaluate(index, ctx, 0);  // the first `matches` grows this thread's scratch
  for (auto _ : state) benchmark::DoNotOptimize(ev.evaluate(index, ctx, 0));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(input.size()));
}

void FlagMatchesPathological(benchmark::State& state) {
  run(state, R"({"attribute": "s", "op": "matches", "value": "(a|aa)+$"})",
      std::string(static_cast<std::size_t>(state.range(0)) - 1, 'a') + "b");
}
void FlagMatchesEmail(benchmark::State& state) {
  run(state,
      R"({"attribute": "s", "op": "matches", "value": "^[^@]+@[^@]+\\.example\\.com$", "ignoreCase": true})",
      std::string(static_cast<std::size_t>(state.range(0)) - 16, 'x') + "@mail.EXAMPLE.com");
}
void FlagEqualsIgnoreCase(benchmark::State& state) {
  run(state, R"({"attribute": "s", "op": "equals", "value": "beta-tester", "ignoreCase": true})",
      "BETA-TESTER");
}

void lengths(benchmark::internal::Benchmark* b) {
  for (const int n : {100, 1000, 10000, 100000}) b->Arg(n);
}

BENCHMARK(FlagMatchesPathological)->Apply(lengths);
BENCHMARK(FlagMatchesEmail)->Apply(lengths);
BENCHMARK(FlagEqualsIgnoreCase);

}  // namespace
