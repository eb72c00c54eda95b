// Statistics and the quantile sketch. Peers in the same run: scipy.stats.mannwhitneyu and
// numpy.quantile on the same data (tests/bench/scipy_mannwhitneyu.py, launched once by the
// BM_Scipy* benchmarks; they report the script's own best-of-5 time per call).
//
//   build/h-stats/tests/bench/native/rollgate_bench
//   --benchmark_filter='^BM_(Stats|Sketch|Scipy|Numpy)'
//
// Data: SplitMix64 -> u in [0, 1): x = 100 u (seed 1), y = 100 u + 0.5 (seed 2), identical in
// the python script, so both sides test the same 2 x 100,000 values.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "rollgate/sketch.hpp"
#include "rollgate/stats.hpp"

namespace {

std::vector<double> splitmix_uniform(std::uint64_t seed, std::size_t n, double scale,
                                     double shift) {
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (i + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z = z ^ (z >> 31);
    out[i] = static_cast<double>(z >> 11) * 0x1.0p-53 * scale + shift;
  }
  return out;
}

void BM_StatsMannWhitneyU(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = splitmix_uniform(1, n, 100, 0), y = splitmix_uniform(2, n, 100, 0.5);
  rollgate::stats::mannwhitneyu_result r{};
  for (auto _ : state) benchmark::DoNotOptimize(r = rollgate::stats::mannwhitneyu(x, y));
  state.counters["U"] = r.statistic;
  state.counters["p"] = r.p_value;
}
BENCHMARK(BM_StatsMannWhitneyU)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

/// Runs the python peer once and reports its measured seconds per call as this benchmark's time.
void run_python_peer(benchmark::State& state, const std::string& what) {
  const std::string cmd = "/usr/bin/python3 '" ROLLGATE_SOURCE_DIR
                          "/tests/bench/scipy_mannwhitneyu.py' --what " +
                          what + " --n " + std::to_string(state.range(0)) + " 2>/dev/null";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  const auto pos = out.find("\"seconds_per_call\": ");
  if (pos == std::string::npos) {
    state.SkipWithError("python3 with scipy not available");
    for (auto _ : state) {
    }
    return;
  }
  const double seconds = std::strtod(out.c_str() + pos + 20, nullptr);
  const auto pp = out.find("\"pvalue\": ");
  const auto pc = out.find("\"cpu_seconds_per_call\": ");
  for (auto _ : state) state.SetIterationTime(seconds);
  if (pc != std::string::npos)  // the peer's own CPU time, to compare with our CPU column
    state.counters["cpu_ms"] = 1e3 * std::strtod(out.c_str() + pc + 24, nullptr);
  if (pp != std::string::npos) state.counters["p"] = std::strtod(out.c_str() + pp + 10, nullptr);
}

void BM_ScipyMannWhitneyU(benchmark::State& state) {
  run_python_peer(state, "mannwhitneyu");
}
BENCHMARK(BM_ScipyMannWhitneyU)
    ->Arg(100000)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

void BM_StatsHodgesLehmann(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = splitmix_uniform(1, n, 100, 0), y = splitmix_uniform(2, n, 100, 0.5);
  for (auto _ : state) benchmark::DoNotOptimize(rollgate::stats::hodges_lehmann(x, y));
}
BENCHMARK(BM_StatsHodgesLehmann)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_StatsExactQuantiles(benchmark::State& state) {
  const auto x = splitmix_uniform(1, static_cast<std::size_t>(state.range(0)), 100, 0);
  const std::vector<double> qs{0.5, 0.95, 0.99};
  for (auto _ : state) benchmark::DoNotOptimize(rollgate::stats::quantiles(x, qs));
}
BENCHMARK(BM_StatsExactQuantiles)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_NumpyQuantile(benchmark::State& state) {
  run_python_peer(state, "quantile");
}
BENCHMARK(BM_NumpyQuantile)
    ->Arg(100000)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

void BM_StatsFisher(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(rollgate::stats::fisher_exact(80, 1920, 55, 1945));
}
BENCHMARK(BM_StatsFisher);

void BM_StatsWelchFromSummaries(benchmark::State& state) {
  const rollgate::stats::sample_summary c{5000, 101.2, 230.0}, b{4800, 100.0, 210.0};
  for (auto _ : state) benchmark::DoNotOptimize(rollgate::stats::welch_t_test(c, b));
}
BENCHMARK(BM_StatsWelchFromSummaries);

std::vector<double> latencies(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> ln(3.0, 1.0);  // ~ 20 ms median, long tail
  std::vector<double> v(n);
  for (auto& x : v) x = ln(rng);
  return v;
}

void BM_SketchAdd(benchmark::State& state) {
  const auto v = latencies(1 << 16, 1);
  rollgate::quantile_sketch s;
  std::size_t i = 0;
  for (auto _ : state) {
    s.add(v[i]);
    i = (i + 1) & ((1 << 16) - 1);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SketchAdd);

void BM_SketchMerge(benchmark::State& state) {
  rollgate::quantile_sketch a, b;
  a.add_all(latencies(50000, 2));
  b.add_all(latencies(50000, 3));
  state.counters["json_bytes"] = static_cast<double>(a.to_json().size());
  state.counters["base64_bytes"] = static_cast<double>(a.to_base64().size());
  for (auto _ : state) {
    rollgate::quantile_sketch c = a;
    c.merge(b);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_SketchMerge);

void BM_SketchQuantile(benchmark::State& state) {
  rollgate::quantile_sketch a;
  a.add_all(latencies(100000, 4));
  for (auto _ : state) benchmark::DoNotOptimize(a.quantile(0.99));
}
BENCHMARK(BM_SketchQuantile);

void BM_SketchJsonRoundTrip(benchmark::State& state) {
  rollgate::quantile_sketch a;
  a.add_all(latencies(100000, 5));
  for (auto _ : state) benchmark::DoNotOptimize(rollgate::quantile_sketch::from_json(a.to_json()));
}
BENCHMARK(BM_SketchJsonRoundTrip);

}  // namespace
