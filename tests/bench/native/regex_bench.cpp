// Cost of the linear-time regex engine (core/src/detail/regex.hpp) against input length, for the
// closing note of issue 18. Each pattern runs on inputs of 100 B to 100 KB; the counters give
// VM steps per input byte (flat = linear) and the time per byte (bytes_per_second's inverse).
//   - PathologicalAlternation: `(a|aa)+$` on "aaa...a" (exponential for a backtracking engine;
//     it matches, but only at the very end)
//   - PathologicalNested: `(a*)*b` on "aaa...a" (no match: every position is tried)
//   - Email: `^[^@]+@[^@]+\.example\.com$` on a long local part (a typical anchored rule)
//   - Literal: `needle` at the end of "xxx...x" (the start-byte prefilter skips ahead)
// Run: build/native/tests/bench/native/rollgate_bench --benchmark_filter=Regex
#include <benchmark/benchmark.h>

#include <string>

#include "detail/regex.hpp"

namespace {

using rollgate::detail::regex;

void run(benchmark::State& state, const char* pattern, const std::string& input) {
  const auto r = regex::compile(pattern);
  if (!r) {
    state.SkipWithError("pattern did not compile");
    return;
  }
  rollgate::detail::regex_scratch scratch;
  scratch.reserve(r->program_size());
  std::uint64_t steps = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(r->search(input, scratch, &steps));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
  state.counters["steps/byte"] = static_cast<double>(steps) / static_cast<double>(input.size());
  state.counters["program"] = static_cast<double>(r->program_size());
}

void RegexPathologicalAlternation(benchmark::State& state) {
  run(state, "(a|aa)+$", std::string(static_cast<std::size_t>(state.range(0)), 'a'));
}
void RegexPathologicalNested(benchmark::State& state) {
  run(state, "(a*)*b", std::string(static_cast<std::size_t>(state.range(0)), 'a'));
}
void RegexEmail(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  run(state, "^[^@]+@[^@]+\\.example\\.com$", std::string(n - 17, 'u') + "@shop.example.com");
}
void RegexLiteral(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  run(state, "needle", std::string(n - 6, 'x') + "needle");
}

void lengths(benchmark::internal::Benchmark* b) {
  b->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000);
}

}  // namespace

BENCHMARK(RegexPathologicalAlternation)->Apply(lengths);
BENCHMARK(RegexPathologicalNested)->Apply(lengths);
BENCHMARK(RegexEmail)->Apply(lengths);
BENCHMARK(RegexLiteral)->Apply(lengths);
